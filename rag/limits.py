"""Input limits shared by the CLI, the page and its API: how long a question may be."""

from __future__ import annotations

from .errors import InputTooLongError
from .settings import ENV_MAX_QUESTION_CHARS, max_question_chars


def check_question(question: str, limit: int | None = None) -> str:
    """The question, or InputTooLongError naming its length, the limit and how to raise it."""
    limit = limit if limit is not None else max_question_chars()
    if len(question) > limit:
        raise InputTooLongError(
            f"the question is {len(question)} characters long; the limit is {limit}. Ask a shorter question "
            f"(or raise the limit with --max-question-chars N or {ENV_MAX_QUESTION_CHARS}=N)")
    return question
