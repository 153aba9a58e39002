"""per_question.csv: one row per (configuration, question) with what was retrieved, answered and cited."""

from __future__ import annotations

import csv
from pathlib import Path

from .runner import AnswerRecord, ConfigRun, RetrievalRecord

COLUMNS = ["corpus", "mode", "answerer", "id", "type", "answerable", "question", "gold_answers",
           "top_chunk_ids", "top_titles", "top_sources", "relevant_ranks", "first_relevant_rank",
           "answer", "short_answer", "correct", "f1", "citations", "citation_sources", "citations_supported",
           "evidence_cited", "abstained", "confidence", "retrieve_ms", "answer_ms", "error"]
SHOWN_HITS = 5


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def row_dict(run: ConfigRun, rec: RetrievalRecord, ans: AnswerRecord | None) -> dict:
    """The CSV fields of one question in one configuration."""
    hits = rec.hits[:SHOWN_HITS]
    ranks = [i for i, rel in enumerate(rec.relevant, start=1) if rel]
    out = {
        "corpus": run.corpus, "mode": run.mode, "answerer": run.answerer or "", "id": rec.row.id,
        "type": rec.row.type, "answerable": _flag(rec.row.answerable), "question": rec.row.question,
        "gold_answers": " | ".join(rec.row.answers),
        "top_chunk_ids": " | ".join(h.chunk_id for h in hits), "top_titles": " | ".join(h.title for h in hits),
        "top_sources": " | ".join(h.source for h in hits), "relevant_ranks": " ".join(map(str, ranks)),
        "first_relevant_rank": ranks[0] if ranks else "", "retrieve_ms": round(rec.seconds * 1000, 1),
    }
    if ans is not None:
        out.update({
            "answer": ans.text, "short_answer": ans.short_answer, "correct": _flag(ans.correct),
            "f1": "" if ans.f1 is None else round(ans.f1, 4),
            "citations": " | ".join(c.chunk_id for c in ans.citations),
            "citation_sources": " | ".join(c.source for c in ans.citations),
            "citations_supported": " ".join(_flag(s) for s in ans.supported),
            "evidence_cited": _flag(ans.evidence_cited) if rec.row.answerable else "",
            "abstained": _flag(ans.abstained), "confidence": ans.confidence,
            "answer_ms": round(ans.seconds * 1000, 1), "error": ans.error,
        })
    return out


def write_csv(path: Path, runs: list[ConfigRun]) -> int:
    """Write the file (UTF-8 with BOM so spreadsheet programs show Chinese); returns the number of rows."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        for run in runs:
            answers = run.answers or (None,) * len(run.retrieval)
            for rec, ans in zip(run.retrieval, answers):
                writer.writerow(row_dict(run, rec, ans))
                count += 1
    return count
