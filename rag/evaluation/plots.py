"""PNG plots of an evaluation run: hit@k, latency, accuracy by question type, abstention-threshold curve."""

from __future__ import annotations

from pathlib import Path

from . import metrics as m
from .runner import ConfigRun

PLOTS = ("hit_at_k.png", "latency.png", "accuracy_by_type.png", "abstention_threshold.png")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _placeholder(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()


def plot_hit_at_k(path: Path, summary: dict, ks: tuple[int, ...]) -> None:
    """One line per retrieval configuration: hit@k against k."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for entry in summary["retrieval"]:
        label = entry["mode"] if entry["corpus"] == "seeds" else f"{entry['mode']} [{entry['corpus']}]"
        values = [entry.get(f"hit@{k}") for k in ks]
        ax.plot(ks, [v if v is not None else float("nan") for v in values], marker="o", label=label)
    ax.set(xlabel="k", ylabel="hit@k (answerable questions)", ylim=(0, 1.02), xticks=list(ks), title="hit@k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(path: Path, runs: list[ConfigRun]) -> None:
    """Box plots of per-question retrieval and answer time (ms) per configuration."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    retrieval = {}
    for run in runs:
        label = run.mode if run.corpus == "seeds" else f"{run.mode} [{run.corpus}]"
        retrieval.setdefault(label, [r.seconds * 1000 for r in run.retrieval])
    left.boxplot(list(retrieval.values()))
    left.set_xticks(range(1, len(retrieval) + 1), list(retrieval))
    left.set(ylabel="ms", title="retrieve (search with max k)")
    answered = [run for run in runs if run.answers]
    if answered:
        right.boxplot([[a.seconds * 1000 for a in run.answers] for run in answered])
        right.set_xticks(range(1, len(answered) + 1), [run.name for run in answered])
        right.set(ylabel="ms", title="answer (from the retrieved hits)")
        right.tick_params(axis="x", labelrotation=20)
    else:
        _placeholder(right, "no answerer ran")
    for ax in (left, right):
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_accuracy_by_type(path: Path, summary: dict) -> None:
    """Grouped bars: accuracy per question type and configuration (unanswerable: abstained)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    entries = summary["answers"]
    types = sorted({t for e in entries for t in e["accuracy_by_type"]})
    if not entries:
        _placeholder(ax, "no answerer ran")
    width = 0.8 / max(1, len(entries))
    for i, entry in enumerate(entries):
        values = [(entry["accuracy_by_type"].get(t) or {}).get("accuracy") for t in types]
        xs = [j + (i - (len(entries) - 1) / 2) * width for j in range(len(types))]
        ax.bar(xs, [v if v is not None else 0 for v in values], width, label=entry["name"])
    if entries:
        counts = {t: entries[0]["accuracy_by_type"][t]["n"] for t in types if t in entries[0]["accuracy_by_type"]}
        ax.set_xticks(range(len(types)), [f"{t}\n(n={counts.get(t, '?')})" for t in types])
        ax.set(ylabel="accuracy", ylim=(0, 1.02), title="accuracy by question type (unanswerable: abstained)")
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_abstention_threshold(path: Path, runs: list[ConfigRun], current: float) -> None:
    """Balanced accuracy against the abstention threshold per configuration; current default and best marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    drawn = False
    for run in runs:
        if not run.answers:
            continue
        conf = [a.confidence for a in run.answers]
        answerable = [r.row.answerable for r in run.retrieval]
        best = m.best_threshold(conf, answerable)
        if best is None:
            continue
        curve = m.threshold_curve(conf, answerable)
        line, = ax.step([p.threshold for p in curve], [p.balanced_accuracy for p in curve], where="post",
                        label=f"{run.name} (best {round(best.threshold, 4):.3f})")
        ax.plot([best.threshold], [best.balanced_accuracy], "o", color=line.get_color())
        drawn = True
    if drawn:
        ax.axvline(current, color="grey", linestyle="--", label=f"current default {current}")
        ax.set(xlabel="threshold (abstain when confidence < threshold)", ylabel="balanced accuracy",
               ylim=(0, 1.02), title="abstention threshold calibration")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    else:
        _placeholder(ax, "calibration needs answerable and unanswerable questions answered by an answerer")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_plots(out: Path, summary: dict, runs: list[ConfigRun], ks: tuple[int, ...], current: float) -> list[Path]:
    """All four PNGs into `out`; returns their paths."""
    paths = [out / name for name in PLOTS]
    plot_hit_at_k(paths[0], summary, ks)
    plot_latency(paths[1], runs)
    plot_accuracy_by_type(paths[2], summary)
    plot_abstention_threshold(paths[3], runs, current)
    return paths
