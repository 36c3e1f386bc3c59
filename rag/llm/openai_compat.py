"""ChatOpenAI configured from Settings (Ollama, vLLM, llama.cpp server, OpenAI all speak it)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from ..config import Settings


def make_chat_model(settings: "Settings", *, temperature: float = 0.0) -> "BaseChatModel":
    """A chat model for ``settings.llm_base_url``/``llm_model``; no retries, so a failing
    endpoint falls back to the extractive answer within ``llm_timeout`` seconds."""
    if not settings.llm_base_url or not settings.llm_model:
        raise ConfigError(
            "An LLM needs both SELVHJELP_LLM_BASE_URL and SELVHJELP_LLM_MODEL "
            "(e.g. http://127.0.0.1:11434/v1 and llama3.1 for Ollama)."
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=temperature,
    )
