"""Smoke test: a real llama.cpp server starts and streams a reply through langchain_openai."""

from __future__ import annotations

import pytest

from tests.support.llama_server import chat_model, llama_cpp_available, llama_server

pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(
        not llama_cpp_available(),
        reason="llama-cpp-python[server] not importable; run scripts/ensure_llama_cpp.sh <python>",
    ),
]


def test_llama_server_streams_reply() -> None:
    with llama_server() as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        # ChatOpenAI(streaming=True) with max_tokens sent via extra_body (see chat_model's docstring).
        llm = chat_model(base_url, max_tokens=32, streaming=True)
        # No system message: --chat_format gemma drops it, so instructions go in the user turn.
        chunks = [
            chunk.content
            for chunk in llm.stream("请用一句话回答：北京是哪个国家的首都？")
            if isinstance(chunk.content, str)
        ]
    assert any(c.strip() for c in chunks), f"no non-empty streamed chunk: {chunks!r}"
