"""Where the LLM lives: flags, environment variables or a JSON config file."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import RagError
from ..settings import config_root, llm_env


def config_path() -> Path:
    """The default LLM config file, ~/.config/rag-news-zh/llm.json (read when asked, not at import)."""
    return config_root() / "llm.json"


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp server, DeepSeek, Qwen …)."""

    base_url: str = ""
    model: str = ""
    api_key: str = "none"
    temperature: float = 0.1
    max_tokens: int = 512
    context_tokens: int = 4096
    timeout: float = 120.0

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)


def load_llm_settings(config: Path | None = None, **overrides) -> LLMSettings:
    """Config file (default ~/.config/rag-news-zh/llm.json), then environment, then explicit overrides."""
    settings = LLMSettings()
    path = config or config_path()
    if path and Path(path).is_file():
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RagError(f"LLM config {path} is not valid JSON ({exc})") from None
        known = set(LLMSettings.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise RagError(f"LLM config {path} has unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
        settings = replace(settings, **data)
    elif config:
        raise RagError(f"LLM config file {config} does not exist")
    settings = replace(settings, **llm_env())
    return replace(settings, **{k: v for k, v in overrides.items() if v not in (None, "")})


def endpoint_status(settings: LLMSettings, timeout: float = 2.0) -> tuple[bool, str]:
    """(reachable, message) from GET {base_url}/models."""
    if not settings.configured:
        return False, "未配置大模型接口（RAG_LLM_BASE_URL / RAG_LLM_MODEL）"
    import urllib.request

    url = settings.base_url.rstrip("/") + "/models"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {settings.api_key}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status == 200, f"接口可用：{settings.base_url}（模型 {settings.model}）"
    except Exception as exc:  # any network failure means "not reachable"
        return False, f"接口不可达：{settings.base_url}（{type(exc).__name__}）"
