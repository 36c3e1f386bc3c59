"""Passage vectors cached on disk by (model id, sha256 of text), so re-ingesting is cheap.

SQLite in WAL mode with one commit per batch: a crash loses at most the batch being written,
never the file. Query vectors are not cached (nothing should keep a trace of questions).
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, sha256)
) WITHOUT ROWID
"""
# SQLite caps bound parameters per statement; stay well below.
LOOKUP_CHUNK = 500


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A float32 vector store keyed by (model id, text hash). Opened lazily on first use."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(SCHEMA)
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            db = self._db()
            for start in range(0, len(unique), LOOKUP_CHUNK):
                chunk = unique[start:start + LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT sha256, dim, vector FROM embeddings WHERE model = ? AND sha256 IN ({marks})",
                    [model, *chunk],
                )
                for sha, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:  # a torn or foreign row is just a miss
                        found[sha] = vec
        return found

    def put_many(self, model: str, items: list[tuple[str, np.ndarray]]) -> None:
        """Store vectors in one transaction (committed before returning)."""
        rows = [(model, sha, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for sha, v in items]
        with self._lock:
            db = self._db()
            with db:
                db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        with self._lock:
            db = self._db()
            if model is None:
                return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
            return db.execute("SELECT count(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0  # texts actually sent to the model
    tokens: int = 0  # tokens of those texts, when the backend can count them


class CachedEmbeddings(Embeddings):
    """Wraps a backend: passages are looked up in the cache and only misses are embedded."""

    def __init__(self, inner: Embeddings, cache: EmbeddingCache, batch_size: int = 64):
        self.inner = inner
        self.cache = cache
        self.batch_size = batch_size
        self.stats = CacheStats()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def token_count(self, text: str) -> int:
        return self.inner.token_count(text)

    def embed_array(self, texts: list[str], *, is_query: bool = False) -> np.ndarray:
        if is_query:
            return self._embed_inner(texts, is_query=True)
        hashes = [text_sha256(t) for t in texts]
        found = self.cache.get_many(self.model_id, hashes)
        self.stats.hits += sum(1 for h in hashes if h in found)
        # Each distinct missing text once, in first-seen order.
        missing = list(dict.fromkeys((h, t) for h, t in zip(hashes, texts) if h not in found))
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start:start + self.batch_size]
            vecs = self._embed_inner([t for _, t in chunk])
            self.cache.put_many(self.model_id, [(h, v) for (h, _), v in zip(chunk, vecs)])
            for (h, t), v in zip(chunk, vecs):
                found[h] = v
                self.stats.misses += 1
                counter = getattr(self.inner, "token_count", None)
                if counter is not None:
                    self.stats.tokens += counter(t)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)

    def _embed_inner(self, texts: list[str], *, is_query: bool = False) -> np.ndarray:
        arr = getattr(self.inner, "embed_array", None)
        if arr is not None:
            return arr(texts, is_query=is_query)
        if is_query:
            return np.asarray([self.inner.embed_query(t) for t in texts], dtype=np.float32)
        return np.asarray(self.inner.embed_documents(texts), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embed_inner([text], is_query=True)[0].tolist()
