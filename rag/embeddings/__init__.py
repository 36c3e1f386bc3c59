"""Embedding backends behind langchain-core's ``Embeddings`` interface, plus a disk cache."""
from .base import EmbeddingBackend, make_embeddings
from .cache import CachedEmbeddings, EmbeddingCache

__all__ = ["EmbeddingBackend", "make_embeddings", "CachedEmbeddings", "EmbeddingCache"]
