"""The QA file (docs/eval/qa-format.md): one JSON object a line; malformed lines are reported by number and skipped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import RagError

QUESTION_TYPES = ("factoid", "list", "multi-hop", "paraphrase", "follow-up", "unanswerable")


@dataclass(frozen=True)
class QARow:
    """One evaluation question with its gold answers and where the evidence is."""

    id: str
    question: str
    answers: tuple[str, ...]
    answerable: bool
    type: str
    source: str | None = None
    evidence: str | None = None
    evidence2: str | None = None
    source2: str | None = None
    article: str | None = None
    line: int = 0
    previous: str | None = None  # id of the question this follow-up continues
    split: str | None = None  # "dev" (tune on it) or "test" (report on it); None: use everywhere

    @property
    def evidences(self) -> tuple[str, ...]:
        """The evidence span(s): evidence, plus evidence2 for multi-hop rows."""
        return tuple(e for e in (self.evidence, self.evidence2) if e)

    @property
    def sources(self) -> tuple[str, ...]:
        """The source file(s) the evidence comes from."""
        return tuple(dict.fromkeys(s for s in (self.source, self.source2) if s))


@dataclass(frozen=True)
class QAProblem:
    """A skipped line: its 1-based number and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


_REQUIRED = {"id": str, "question": str, "answers": list, "answerable": bool}
_OPTIONAL = ("type", "source", "evidence", "evidence2", "source2", "article", "previous", "split")


def default_type(answerable: bool) -> str:
    """The type of a row that gives none: unanswerable when it cannot be answered, else factoid."""
    return "factoid" if answerable else "unanswerable"


def parse_row(data: object, line: int) -> QARow:
    """Validate one decoded line; raises ValueError with a reason a person can act on."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    for name, kind in _REQUIRED.items():
        if name not in data:
            raise ValueError(f"missing field '{name}'")
        if not isinstance(data[name], kind):
            raise ValueError(f"field '{name}' should be {kind.__name__}, got {type(data[name]).__name__}")
    for name in _OPTIONAL:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"field '{name}' should be a string or null, got {type(data[name]).__name__}")
    if not data["id"].strip() or not data["question"].strip():
        raise ValueError("empty id or question")
    if not all(isinstance(a, str) and a.strip() for a in data["answers"]):
        raise ValueError("'answers' must be a list of non-empty strings")
    if data["answerable"]:
        if not data["answers"]:
            raise ValueError("answerable row without answers")
        if not (data.get("source") and data.get("evidence")):
            raise ValueError("answerable row needs 'source' and 'evidence'")
    return QARow(id=data["id"], question=data["question"].strip(), answers=tuple(data["answers"]),
                 answerable=data["answerable"], type=data.get("type") or default_type(data["answerable"]),
                 source=data.get("source"), evidence=data.get("evidence"), evidence2=data.get("evidence2"),
                 source2=data.get("source2"), article=data.get("article"), line=line,
                 previous=data.get("previous"), split=data.get("split"))


def load_qa(path: Path | str) -> tuple[list[QARow], list[QAProblem]]:
    """Valid rows in file order and the problems of the skipped lines (blank lines are ignored)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RagError(f"QA file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"cannot read QA file {path}: {exc}") from None
    rows: list[QARow] = []
    problems: list[QAProblem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = parse_row(json.loads(line), number)
        except json.JSONDecodeError as exc:
            problems.append(QAProblem(number, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except ValueError as exc:
            problems.append(QAProblem(number, str(exc)))
            continue
        if row.id in seen:
            problems.append(QAProblem(number, f"duplicate id '{row.id}' (first on line {seen[row.id]})"))
            continue
        seen[row.id] = number
        rows.append(row)
    return rows, problems
