"""The embedding cache shared by several processes and threads, as `ingest` and `serve` share it.

Run as a script (``python tests/test_cache_concurrency.py worker DB N``) it is one writer
process of the stress test.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from rag.embeddings.cache import CachedEmbeddings, EmbeddingCache  # noqa: E402

MODEL = "stress-model"
DIM = 384
PROCS, THREADS, ROUNDS, BATCH = 3, 3, 30, 8
COPY_EVERY = 2
SHARED_KEYS = [f"shared-{i}" for i in range(BATCH)]  # every thread of every process writes these


def vector(key: str) -> np.ndarray:
    """The one vector a key may ever hold, so any reader can check what it got."""
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:16], 16)
    return np.random.default_rng(seed).random(DIM, dtype=np.float32)


def keys_of(proc: int, thread: int, rnd: int) -> list[str]:
    return [f"p{proc}-t{thread}-r{rnd}-{i}" for i in range(BATCH)]


def all_keys() -> list[str]:
    own = [k for p in range(PROCS) for t in range(THREADS) for r in range(ROUNDS) for k in keys_of(p, t, r)]
    return own + SHARED_KEYS


def copy_files(db: str, proc: int) -> None:
    """What a backup or a test's shutil.copytree does: open and close the live files."""
    scratch = Path(f"{db}.copy{proc}")
    scratch.mkdir(exist_ok=True)
    for f in Path(db).parent.glob(Path(db).name + "*"):
        try:
            if f.is_file():
                shutil.copy(f, scratch / f.name)
        except FileNotFoundError:
            pass  # the last connection to close removes the -wal and -shm files


def worker(db: str, proc: int) -> dict:
    """Threads writing and re-reading their keys; thread 0 has its own handle, the rest share one.

    Every few rounds the threads meet and the process copies the live files while none of its
    own operations is running (other processes go on writing)."""
    shared = EmbeddingCache(db)
    problems: list[str] = []
    meet = threading.Barrier(THREADS, action=lambda: copy_files(db, proc))

    def run(t: int) -> None:
        try:
            write_and_read(t)
        except BaseException as e:  # a dead thread must fail the test, not just write less
            problems.append(f"thread {t}: {e!r}")
            meet.abort()

    def write_and_read(t: int) -> None:
        cache = EmbeddingCache(db) if t == 0 else shared
        mine: list[str] = []
        for r in range(ROUNDS):
            batch = keys_of(proc, t, r)
            cache.put_many(MODEL, [(k, vector(k)) for k in batch + SHARED_KEYS])
            mine += batch
            wanted = mine[-3 * BATCH:] + SHARED_KEYS
            got = cache.get_many(MODEL, wanted)
            problems.extend(k for k in wanted if k not in got or not np.array_equal(got[k], vector(k)))
            if r % COPY_EVERY == COPY_EVERY - 1:
                meet.wait()

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"proc": proc, "problems": problems}


def check_file(db: Path, keys: list[str]) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == len(keys)
    got = EmbeddingCache(db).get_many(MODEL, keys)
    assert sorted(got) == sorted(keys)
    assert all(np.array_equal(got[k], vector(k)) for k in keys)


def test_processes_and_threads_writing_one_cache_keep_it_whole(tmp_path):
    db = tmp_path / "cache" / "embeddings.sqlite"
    procs = [subprocess.Popen([sys.executable, __file__, "worker", str(db), str(p)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in range(PROCS)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        report = json.loads(out)
        assert report["problems"] == [], f"process {report['proc']} read wrong or missing vectors"
        assert "embedding cache" not in err  # no operation had to be skipped
    check_file(db, all_keys())


CHILD_WRITER = """
import sys
sys.path.insert(0, sys.argv[3])
from test_cache_concurrency import EmbeddingCache, MODEL, vector
keys = [f"child{sys.argv[2]}-{i}" for i in range(150)]
EmbeddingCache(sys.argv[1]).put_many(MODEL, [(k, vector(k)) for k in keys])
"""


def test_copying_the_live_data_dir_does_not_corrupt_the_cache(tmp_path):
    """The CI failure: the test process copied the data dir with shutil while it had the cache
    open; closing the copied descriptors released its SQLite locks, and a CLI subprocess then
    checkpointed and deleted the WAL under it. With a connection held open across the copy this
    loses vectors in the first rounds and fails integrity_check."""
    data = tmp_path / "data"
    db = data / "cache" / "embeddings.sqlite"
    cache = EmbeddingCache(db)
    keys: list[str] = []

    def put(prefix: str) -> None:
        batch = [f"{prefix}-{i}" for i in range(100)]
        cache.put_many(MODEL, [(k, vector(k)) for k in batch])
        keys.extend(batch)

    put("parent0")
    shutil.copytree(data, tmp_path / "copy")
    for r in range(3):
        subprocess.run([sys.executable, "-c", CHILD_WRITER, str(db), str(r), str(Path(__file__).parent)],
                       check=True, cwd=ROOT)
        keys += [f"child{r}-{i}" for i in range(150)]
        put(f"parent{r + 1}")
        got = cache.get_many(MODEL, keys)
        assert all(k in got and np.array_equal(got[k], vector(k)) for k in keys), f"round {r}"
    check_file(db, keys)
    check_file(tmp_path / "copy" / "cache" / "embeddings.sqlite", [f"parent0-{i}" for i in range(100)])


class Hashes:
    """A real (if trivial) embeddings backend: vectors derived from the text."""

    model_id = MODEL
    dim = DIM

    def __init__(self):
        self.texts = 0

    def embed_array(self, texts, *, is_query=False):
        self.texts += len(texts)
        return np.stack([vector(t) for t in texts])

    def token_count(self, text):
        return len(text.split())


TEXTS = ["Selvhjelp Norge", "likemannsarbeid", "igangsetter i «Bergen»", "fortrolige fremmede"]


def _damage(db: Path, how: str) -> None:
    if how == "not-a-database":  # e.g. a half-copied file without its WAL
        db.write_bytes(b"\x00garbage\xff" * 3000)
        for side in ("-wal", "-shm"):
            Path(f"{db}{side}").unlink(missing_ok=True)
    else:  # overwrite the table's root page: every lookup hits "database disk image is malformed"
        with sqlite3.connect(db) as conn:
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with db.open("r+b") as f:
            f.seek(page)
            f.write(b"\xff" * page)


@pytest.mark.parametrize("how", ["not-a-database", "malformed"])
def test_a_damaged_cache_is_moved_aside_and_rebuilt(tmp_path, caplog, how):
    db = tmp_path / "cache" / "embeddings.sqlite"
    EmbeddingCache(db).put_many(MODEL, [(f"k{i}", vector(f"k{i}")) for i in range(200)])
    _damage(db, how)
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM embeddings").fetchone()  # it really is damaged

    inner = Hashes()
    emb = CachedEmbeddings(inner, EmbeddingCache(db))
    with caplog.at_level(logging.WARNING, logger="rag.embeddings.cache"):
        vecs = emb.embed_array(TEXTS)
    assert np.array_equal(vecs, np.stack([vector(t) for t in TEXTS]))  # answers are unaffected
    assert inner.texts == len(TEXTS)
    assert "was damaged" in caplog.text and "embeddings.sqlite.damaged" in caplog.text
    assert (tmp_path / "cache" / "embeddings.sqlite.damaged").exists()
    with sqlite3.connect(db) as conn:  # a fresh, whole file that already holds the new vectors
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert emb.cache.count() == len(TEXTS)
    emb.embed_array(TEXTS)
    assert inner.texts == len(TEXTS)  # served from the rebuilt cache


def test_a_cache_locked_too_long_is_skipped_not_fatal(tmp_path, caplog):
    db = tmp_path / "cache" / "embeddings.sqlite"
    cache = EmbeddingCache(db, timeout=0.1)
    cache.put_many(MODEL, [("a", vector("a"))])
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with caplog.at_level(logging.WARNING, logger="rag.embeddings.cache"):
            cache.put_many(MODEL, [("b", vector("b"))])
        assert "could not be written" in caplog.text and "locked" in caplog.text
        assert set(cache.get_many(MODEL, ["a", "b"])) == {"a"}  # WAL readers are not blocked
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.put_many(MODEL, [("b", vector("b"))])
    assert set(cache.get_many(MODEL, ["a", "b"])) == {"a", "b"}


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    print(json.dumps(worker(sys.argv[2], int(sys.argv[3]))))
