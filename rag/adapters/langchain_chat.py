"""LangChain adapter for chat models: `langchain-openai` against any OpenAI-compatible endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from ..answer.llm_settings import LLMSettings


def make_chat_model(settings: LLMSettings):
    from langchain_openai import ChatOpenAI

    # llama.cpp's server ignores max_completion_tokens, which langchain-openai sends for max_tokens.
    return ChatOpenAI(base_url=settings.base_url, model=settings.model, api_key=settings.api_key,
                      temperature=settings.temperature, timeout=settings.timeout, max_retries=1,
                      streaming=True, extra_body={"max_tokens": settings.max_tokens})


def stream_completion(settings: LLMSettings, prompt: str) -> Iterator[str]:
    """Text deltas for one user message (instructions included: some chat templates drop system turns)."""
    from langchain_core.messages import HumanMessage

    model = make_chat_model(settings)
    for chunk in model.stream([HumanMessage(content=prompt)]):
        text = chunk.content if isinstance(chunk.content, str) else "".join(
            part.get("text", "") for part in chunk.content if isinstance(part, dict))
        if text:
            yield text
