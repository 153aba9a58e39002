"""Defaults and environment variables, read in this one module: where the seeds, index and caches live, limits."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import RagError

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "rag-news-zh"
ENV_INDEX = "RAG_INDEX"
ENV_SEEDS = "RAG_SEEDS"
ENV_EMBEDDER = "RAG_EMBEDDER"
ENV_CACHE_DIR = "RAG_CACHE_DIR"
ENV_DEBUG = "RAG_DEBUG"
ENV_MAX_QUESTION_CHARS = "RAG_MAX_QUESTION_CHARS"
ENV_UI_AUTH = "RAG_UI_AUTH"
ENV_E5_ENGINE = "RAG_E5_ENGINE"  # auto | native | bundled
ENV_E5_WORKERS = "RAG_E5_WORKERS"
ENV_E5_QUERY_THREADS = "RAG_E5_QUERY_THREADS"
ENV_LLM = {"base_url": "RAG_LLM_BASE_URL", "model": "RAG_LLM_MODEL", "api_key": "RAG_LLM_API_KEY"}
DEFAULT_INDEX = ".rag-index"
# A question is a sentence or two; a pasted document (200k characters took 40 s of CPU on a 6,500-chunk index)
# must not hold a worker of the page that long.
DEFAULT_MAX_QUESTION_CHARS = 500
# A --batch line longer than this is not a question: reported by line number, never tokenised.
MAX_BATCH_LINE_CHARS = 10_000


def env(name: str) -> str | None:
    """The variable's value with surrounding blanks removed; None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def default_seeds() -> Path:
    """$RAG_SEEDS, else the repository's seeds/ folder, else ./seeds."""
    if env(ENV_SEEDS):
        return Path(env(ENV_SEEDS))
    bundled = PACKAGE_ROOT / "seeds"
    return bundled if bundled.is_dir() else Path("seeds")


def default_index_dir() -> Path:
    """$RAG_INDEX, else ./.rag-index."""
    return Path(env(ENV_INDEX) or DEFAULT_INDEX)


def default_embedder() -> str:
    """$RAG_EMBEDDER, else the bundled multilingual e5."""
    return env(ENV_EMBEDDER) or "e5"


def cache_root() -> Path:
    """The one cache folder rule: $RAG_CACHE_DIR, else $XDG_CACHE_HOME/rag-news-zh, else ~/.cache/rag-news-zh."""
    if env(ENV_CACHE_DIR):
        return Path(env(ENV_CACHE_DIR)).expanduser()
    return Path(env("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME


def config_root() -> Path:
    """$XDG_CONFIG_HOME/rag-news-zh, else ~/.config/rag-news-zh (the LLM config file lives here)."""
    return Path(env("XDG_CONFIG_HOME") or Path.home() / ".config") / APP_NAME


def debug() -> bool:
    """RAG_DEBUG=1: show the traceback of an unexpected error."""
    return (env(ENV_DEBUG) or "0").lower() not in ("0", "false", "no", "off")


def max_question_chars() -> int:
    """$RAG_MAX_QUESTION_CHARS, else 500."""
    value = env(ENV_MAX_QUESTION_CHARS)
    if value is None:
        return DEFAULT_MAX_QUESTION_CHARS
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1:
        raise RagError(f"{ENV_MAX_QUESTION_CHARS} must be a positive whole number of characters, got '{value}'")
    return limit


def llm_env() -> dict[str, str]:
    """The LLM endpoint fields set by RAG_LLM_BASE_URL, RAG_LLM_MODEL and RAG_LLM_API_KEY."""
    return {field: env(var) for field, var in ENV_LLM.items() if env(var)}


def ui_auth() -> str | None:
    """$RAG_UI_AUTH (user:password for the page)."""
    return env(ENV_UI_AUTH)


def set_max_question_chars(limit: int) -> None:
    """The --max-question-chars flag: this process (and the threads answering for it) use `limit`."""
    if limit < 1:
        raise RagError(f"--max-question-chars must be at least 1, got {limit}")
    os.environ[ENV_MAX_QUESTION_CHARS] = str(limit)


def positive_int(name: str) -> int | None:
    """A variable holding a whole number above 0 (None when unset or not one)."""
    value = env(name)
    return int(value) if value and value.isdigit() and int(value) > 0 else None
