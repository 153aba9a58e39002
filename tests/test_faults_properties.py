"""Property tests over bad input (hypothesis): batch files, QA files and questions never crash the core."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.cli.batch_input import read_batch
from rag.errors import InputTooLongError, RagError
from rag.evaluation.qa_file import load_qa
from rag.settings import DEFAULT_MAX_QUESTION_CHARS

REPO = Path(__file__).resolve().parents[1]
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# what a batch or QA line may hold: any assigned printable character; no line breaks, control characters or BOM
LINE_TEXT = st.text(st.characters(blacklist_characters=LINE_BREAKS + "\x00\ufeff", blacklist_categories=("Cs", "Cc", "Co", "Cn")),
                    max_size=700)
def examples(n: int) -> settings:
    """n examples, the same ones every run (derandomised, no example database written into the repository)."""
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
                    database=None)


def _write(data: bytes) -> str:
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as fh:
        fh.write(data)
    return fh.name


@examples(400)
@given(st.binary(max_size=3000))
def test_any_bytes_as_a_batch_file_give_questions_or_numbered_problems(data):
    path = _write(data)
    try:
        questions, problems = read_batch(path)
    except RagError:
        return  # a whole file that is no text (binary, unknown encoding): one line, exit 2
    finally:
        Path(path).unlink()
    lines = data.count(b"\n") + 1
    for q in questions:
        assert q.text and q.text == q.text.strip() and "\n" not in q.text
        assert len(q.text) <= DEFAULT_MAX_QUESTION_CHARS and 1 <= q.number <= max(lines, len(data))
    for p in problems:
        assert p.startswith("line ")


@examples(300)
@given(st.lists(LINE_TEXT, max_size=12), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
def test_text_lines_in_any_supported_encoding_come_back_as_the_questions(lines, encoding):
    data = "\n".join(lines).encode(encoding)
    path = _write(data)
    try:
        questions, problems = read_batch(path)
    except RagError:
        # only a file without any text may be refused as a whole
        assert not "".join(lines).strip()
        return
    finally:
        Path(path).unlink()
    kept = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    short = [(n, t) for n, t in kept if len(t) <= DEFAULT_MAX_QUESTION_CHARS]
    assert [(q.number, q.text) for q in questions] == short
    assert len(problems) == len(kept) - len(short)


# no subnormal floats: a native library loaded earlier (compiled with fast math) may flush them to zero
QA_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_subnormal=False) | LINE_TEXT,
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(LINE_TEXT, inner, max_size=3),
                        max_leaves=6)
QA_KEYS = ["id", "question", "answers", "answerable", "type", "source", "evidence", "evidence2", "source2",
           "article", "previous", "split"]
QA_ROW = st.dictionaries(st.sampled_from(QA_KEYS), QA_VALUE | st.lists(LINE_TEXT, max_size=3), max_size=len(QA_KEYS))
QA_LINE = QA_ROW.map(lambda row: json.dumps(row, ensure_ascii=False)) | LINE_TEXT


@examples(300)
@given(st.lists(QA_LINE, max_size=10))
def test_any_qa_file_gives_rows_or_numbered_problems(lines):
    path = _write("\n".join(lines).encode("utf-8"))
    try:
        rows, problems = load_qa(path)
    finally:
        Path(path).unlink()
    assert len(rows) + len(problems) == sum(1 for line in lines if line.strip())
    for row in rows:
        assert row.id.strip() and row.question.strip() and isinstance(row.type, str) and row.type
        assert row.answers or not row.answerable


@pytest.fixture(scope="module")
def one_page_index(tmp_path_factory, e5_embedder):
    from rag.index import Index, build_index

    folder = tmp_path_factory.mktemp("properties") / "index"
    build_index(folder, [REPO / "seeds" / "003_c9ec65179e6f0b8a.txt"], embedder=e5_embedder, progress=False)
    index = Index.open(folder)
    yield index
    index.close()


@pytest.mark.slow
def test_any_question_is_answered_with_hits_or_refused_in_one_line(one_page_index):
    @examples(150)
    @given(st.text(max_size=700), st.sampled_from(["bm25", "dense", "hybrid"]), st.integers(1, 60))
    def search(question, mode, k):
        try:
            hits = one_page_index.search(question, k=k, mode=mode)
        except InputTooLongError:
            assert len(question) > DEFAULT_MAX_QUESTION_CHARS
            return
        except RagError as exc:
            assert "\n" not in str(exc)
            return
        assert len(hits) <= k

    search()
