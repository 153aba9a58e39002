"""report.md: the run, retrieval and answer tables, calibration, accuracy by type, notes and a glossary."""

from __future__ import annotations

from .metrics import MIN_OVERLAP

GLOSSARY = [
    ("compact", "text width-folded (full-width digits/letters → ASCII), lower-cased, all whitespace removed; "
                "every string comparison below is done on compacted text."),
    ("relevant passage", "a retrieved chunk whose text contains the row's `evidence` (or, for multi-hop rows, "
                         "`evidence2`), or whose longest common substring with it covers at least "
                         "{overlap:.0%} of the evidence's characters. Only answerable rows count for retrieval."),
    ("hit@k", "share of answerable questions with at least one relevant passage among the first k hits."),
    ("MRR@10", "mean over answerable questions of 1/rank of the first relevant passage in the top 10 (0 if none)."),
    ("nDCG@10", "a hit gains 1 when it covers an evidence span no higher-ranked hit covered; DCG = Σ gain/log2(rank+1), "
                "divided by the DCG of covering every span (1, or 2 for multi-hop) at the top ranks."),
    ("accuracy", "answerable questions, not abstained, whose answer text contains any gold answer "
                 "([n] markers removed)."),
    ("overall accuracy", "all questions: answerable ones as above, unanswerable ones correct when abstained."),
    ("F1", "character-level F1 (multiset of characters) between the prediction and the best gold answer, both "
           "compacted with [n] markers, quotes and punctuation removed; the prediction is the short answer when "
           "the answerer gives one, else the whole answer text; abstaining scores 0. Answerable rows only."),
    ("citation precision", "cited passages that support the answer / all cited passages, pooled over answerable "
                           "questions; a passage supports it when it comes from the row's `source` (or `source2`) "
                           "file and is relevant, or when it contains a gold answer."),
    ("citation recall", "share of answerable questions whose answer cites a relevant passage (abstaining = miss)."),
    ("abstention rate", "share of unanswerable questions answered with 资料中没有找到 (higher is better)."),
    ("false abstention", "share of answerable questions the answerer abstained on (lower is better)."),
    ("balanced accuracy", "mean of the abstention rate on unanswerable questions and the answer rate on answerable "
                          "ones when abstaining whenever `confidence < threshold`."),
    ("best threshold", "midpoint of the lowest threshold interval that maximises balanced accuracy over the "
                       "answers' `confidence` values (the extractive answerer's evidence score)."),
    ("p50 / p95", "median and 95th percentile (linear interpolation) of per-question time in ms: `retrieve` is "
                  "one search with the deepest k, `answer` the answerer on the first k hits (warm-up excluded)."),
]


def _f(value, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if not pct else f"{value * 100:.1f}%"


def _ms(lat: dict) -> str:
    return "–" if lat.get("p50_ms") is None else f"{lat['p50_ms']:.0f} / {lat['p95_ms']:.0f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def retrieval_table(data: dict) -> list[str]:
    ks = data["run"]["ks"]
    rows = [[e["mode"] if e["corpus"] == "seeds" else f"{e['mode']} [{e['corpus']}]", e["questions"],
             *[_f(e.get(f"hit@{k}")) for k in ks], _f(e["mrr@10"]), _f(e["ndcg@10"]),
             _ms(e["latency"]["retrieve"])] for e in data["retrieval"]]
    return _table(["mode", "questions", *[f"hit@{k}" for k in ks], "MRR@10", "nDCG@10", "retrieve p50/p95 ms"], rows)


def answer_table(data: dict) -> list[str]:
    rows = [[e["name"], e["questions"], _f(e["accuracy"]), _f(e["f1"]), _f(e["citation_precision"]),
             _f(e["citation_recall"]), _f(e["abstention_rate"]), _f(e["false_abstention_rate"]),
             _ms(e["latency"]["answer"]), _ms(e["latency"]["total"])] for e in data["answers"]]
    return _table(["configuration", "questions", "accuracy", "F1", "citation P", "citation R", "abstention",
                   "false abstention", "answer p50/p95 ms", "total p50/p95 ms"], rows)


def calibration_table(data: dict) -> list[str]:
    rows = []
    for e in data["answers"]:
        cur, best = e["calibration"]["current"], e["calibration"]["best"]
        if best is None:
            rows.append([e["name"], "–", "–", "–", "–", "needs answerable and unanswerable questions"])
            continue
        rows.append([e["name"], f"{cur['threshold']:.3f}", _f(cur["balanced_accuracy"]), f"{best['threshold']:.3f}",
                     _f(best["balanced_accuracy"]),
                     f"abstains on {_f(best['abstention_rate'], True)} of unanswerable, "
                     f"answers {_f(best['answer_rate'], True)} of answerable"])
    return _table(["configuration", "current threshold", "balanced acc.", "best threshold", "balanced acc.",
                   "at the best threshold"], rows)


def type_table(data: dict) -> list[str]:
    entries = data["answers"]
    types = sorted({t for e in entries for t in e["accuracy_by_type"]})
    rows = []
    for t in types:
        n = next(e["accuracy_by_type"][t]["n"] for e in entries if t in e["accuracy_by_type"])
        rows.append([t, n, *[_f((e["accuracy_by_type"].get(t) or {}).get("accuracy")) for e in entries]])
    return _table(["type", "n", *[e["name"] for e in entries]], rows)


def render(data: dict) -> str:
    """The whole report as markdown."""
    run = data["run"]
    out = ["# Evaluation report", "",
           f"- QA file: `{run['qa_file']}` — {run['rows']} questions evaluated"
           + (f" (first {run['limit']})" if run.get("limit") else "")
           + (f", {len(run['skipped_lines'])} malformed lines skipped" if run["skipped_lines"] else ""),
           f"- started {run['started']}, {run['seconds']:.0f} s; modes {', '.join(run['modes'])}; "
           f"answerers {', '.join(run['answerers']) or 'none'}; the answerer is given the first {run['answer_k']} hits"
           + (f" (the extractive one reads the first {run['extractive_passages']})"
              if run.get("extractive_passages", run["answer_k"]) < run["answer_k"] else "") + "; "
           f"abstain threshold {run['abstain_threshold']}",
           ]
    for idx in run["indexes"]:
        out.append(f"- index `{idx['corpus']}`: `{idx['path']}` — {idx['files']} files, {idx['chunks']} chunks, "
                   f"embedder {idx['embedder']}")
    out += ["", "## Retrieval (answerable questions)", "", *retrieval_table(data), "", "![hit@k](hit_at_k.png)", ""]
    if data["answers"]:
        out += ["## Answers", "", *answer_table(data), "",
                "## Abstention threshold calibration", "", *calibration_table(data), "",
                "Set `DEFAULT_ABSTAIN_THRESHOLD` in `rag/answer/extractive.py` from the best threshold of the "
                "configuration you ship (`rag ask --abstain-threshold T` tries one without editing code).", "",
                "![abstention threshold](abstention_threshold.png)", "",
                "## Accuracy by question type", "", *type_table(data), "",
                "![accuracy by type](accuracy_by_type.png)", ""]
    out += ["## Latency", "", "![latency](latency.png)", ""]
    notes = list(data.get("notes", []))
    for e in data["answers"]:
        if e["errors"]:
            notes.append(f"{e['name']}: {e['errors']} questions failed (see the `error` column of per_question.csv)")
    if run["skipped_lines"]:
        notes += [f"skipped {p}" for p in run["skipped_lines"]]
    if notes:
        out += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    overlap = run.get("min_overlap", MIN_OVERLAP)
    out += ["## Glossary", "", *[f"- **{term}**: {text.format(overlap=overlap)}" for term, text in GLOSSARY], "",
            "Files: `metrics.json` (all numbers), `per_question.csv` (one row per configuration × question), "
            "and the PNG plots above.", ""]
    return "\n".join(out)
