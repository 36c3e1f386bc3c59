"""Passage vectors cached on disk by (model id, sha256 of text), so re-ingesting is cheap.

SQLite in WAL mode with one commit per batch: a crash loses at most the batch being written,
never the file. Query vectors are not cached (nothing should keep a trace of questions).

Several processes (`selvhjelp ingest`, `selvhjelp serve` and its threads) may share the file.
Each operation opens its own connection and closes it before returning, because SQLite's
locks are POSIX advisory locks, which the kernel drops for the whole process as soon as *any*
descriptor of the file is closed (a `shutil.copytree` of the data dir, a backup tool). A
connection held open across such a copy keeps reading its old WAL index while another process,
believing itself alone, checkpoints and deletes the WAL: that corrupted the test suite's cache.

A cache must never cost an answer: a damaged file is moved aside and rebuilt, and a cache that
stays locked or cannot be written is skipped with a warning (vectors are then just recomputed).
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

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
# How long an operation waits for another process's write before skipping the cache.
BUSY_TIMEOUT_S = 15.0
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
T = TypeVar("T")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_damage(e: sqlite3.Error) -> bool:
    return (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF in _DAMAGED


class EmbeddingCache:
    """A float32 vector store keyed by (model id, text hash). Safe across threads and processes."""

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        self.timeout = timeout
        self._lock = threading.Lock()  # one operation at a time per handle
        self._warned: set[str] = set()
        _handles.add(self)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE below).
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # a no-op once the file is in WAL mode
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(SCHEMA)
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, what: str, op: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run ``op`` on a fresh connection; on failure warn and return ``default``."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    with closing(self._connect()) as conn:
                        return op(conn)
                except sqlite3.ProgrammingError:
                    raise  # a bug in this module, not a state of the file
                except sqlite3.DatabaseError as e:
                    if _is_damage(e) and attempt == 1 and self._set_aside_if_damaged(e):
                        continue  # retry once on a fresh file
                    self._warn(what, e)
                    return default
                except OSError as e:  # e.g. the cache directory cannot be created
                    self._warn(what, e)
                    return default
        return default

    def _set_aside_if_damaged(self, error: sqlite3.Error) -> bool:
        """Move a damaged file (and its WAL) to ``*.damaged`` so the next connection starts afresh."""
        try:
            with closing(sqlite3.connect(self.path, timeout=self.timeout)) as conn:
                if conn.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                    return False  # the file is whole; do not throw the cache away
        except sqlite3.DatabaseError as e:
            if not _is_damage(e):
                return False
        damaged = self.path.with_name(self.path.name + ".damaged")
        try:
            os.replace(self.path, damaged)
            for suffix in ("-wal", "-shm"):
                side = Path(f"{self.path}{suffix}")
                if suffix == "-wal" and side.exists():
                    os.replace(side, f"{damaged}{suffix}")
                side.unlink(missing_ok=True)
        except OSError:
            return False
        log.warning("The embedding cache %s was damaged (%s); it was moved to %s and is rebuilt as "
                    "passages are embedded again.", self.path, error, damaged.name)
        return True

    def _warn(self, what: str, e: Exception) -> None:
        key = f"{what}: {e}"
        if key not in self._warned:  # once per handle and problem, not once per batch
            self._warned.add(key)
            log.warning("The embedding cache %s could not %s (%s); continuing without it.",
                        self.path, what, e)

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        unique = list(dict.fromkeys(hashes))

        def op(db: sqlite3.Connection) -> dict[str, np.ndarray]:
            found: dict[str, np.ndarray] = {}
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

        return self._run("be read", op, {}) if unique else {}

    def put_many(self, model: str, items: list[tuple[str, np.ndarray]]) -> None:
        """Store vectors in one transaction (committed before returning)."""
        rows = [(model, sha, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for sha, v in items]
        if not rows:
            return

        def op(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")  # take the write lock up front (waits up to the timeout)
            try:
                db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

        self._run("be written", op, None)

    def count(self, model: str | None = None) -> int:
        def op(db: sqlite3.Connection) -> int:
            if model is None:
                return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
            return db.execute("SELECT count(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

        return self._run("be counted", op, 0)

    def close(self) -> None:
        """Nothing stays open between operations; kept for callers that close their handles."""


# A lock held by another thread at fork() would never be released in the child.
_handles: "weakref.WeakSet[EmbeddingCache]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for handle in list(_handles):
        handle._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


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
