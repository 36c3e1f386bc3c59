"""Faults through the API: the Chroma server down and restarted (a real `chroma run`), the LLM
endpoint dead or slow, and a full disk under the feedback file. (kill -9 during ingest: test_ingest.)"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.config import load_settings
from rag.feedback import feedback_path
from rag.pipeline import Assistant
from rag.store import open_store
from serve_helpers import build_index, free_port, stop_process
from test_llm import FakeOpenAI

CHROMA = Path(sys.executable).parent / "chroma"
Q = "Hva er en igangsetter?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("faults-index"))


# ------------------------------------------------------------------ a Chroma server that goes away


class Chroma:
    """`chroma run` on a fixed port and path, so it can be stopped and started again as the same server."""

    def __init__(self, path: Path, port: int):
        self.path, self.port = path, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Chroma":
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        self.proc = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 90  # a bound on start-up, not a guess at readiness
        while True:
            assert self.proc.poll() is None, "chroma run exited"
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "chroma run did not answer its heartbeat"
            time.sleep(0.2)

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture(scope="module")
def chroma(data_dir, tmp_path_factory):
    """A Chroma server holding the test index (vectors copied from the embedded one, nothing re-embedded)."""
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    server = Chroma(tmp_path_factory.mktemp("chroma-faults") / "db", free_port()).start()
    try:
        local = open_store(load_settings(data_dir=data_dir))
        passages, vectors = local.all_with_vectors()
        marker = local.model_marker()
        collection = f"faults-{uuid.uuid4().hex[:8]}"
        remote = open_store(load_settings(data_dir=data_dir, chroma_url=server.url, collection=collection))
        remote.set_model(*marker)
        remote.upsert(passages, vectors)
        assert remote.count() == len(passages) > 0
        yield server, collection
    finally:
        server.stop()


def _remote_client(chroma_fixture, tmp_path):
    server, collection = chroma_fixture
    a = Assistant(load_settings(data_dir=tmp_path, chroma_url=server.url, collection=collection,
                                rate_limit_per_minute=0))
    return server, TestClient(create_app(a), raise_server_exceptions=False)


def _store_down(c: TestClient, url: str) -> None:
    r = c.post("/api/ask", json={"question": Q})
    assert r.status_code == 503 and url in r.json()["error"] and "Traceback" not in r.text
    assert c.get("/api/search", params={"q": "igangsetter"}).status_code == 503
    h = c.get("/api/health")
    assert h.status_code == 503
    assert h.json()["ok"] is False and h.json()["store"]["ok"] is False and url in h.json()["store"]["error"]


def _store_up(c: TestClient) -> None:
    r = c.post("/api/ask", json={"question": Q})
    assert r.status_code == 200 and r.json()["citations"]
    h = c.get("/api/health")
    assert h.status_code == 200 and h.json()["store"]["ok"] is True


def test_chroma_restart_is_reported_and_recovered_without_restarting_the_app(chroma, tmp_path):
    server, c = _remote_client(chroma, tmp_path)
    _store_up(c)
    server.stop()
    try:
        _store_down(c, server.url)
    finally:
        server.start()  # same port, same path
    _store_up(c)  # the same app object, no restart


def test_app_started_while_chroma_is_down_recovers_when_it_is_up(chroma, tmp_path):
    server, _ = chroma
    server.stop()
    try:
        server_, c = _remote_client(chroma, tmp_path)
        _store_down(c, server.url)
    finally:
        server.start()
    _store_up(c)


# ------------------------------------------------------------------ the LLM endpoint dead or slow


def _llm_client(data_dir, monkeypatch, base_url: str, llm_timeout: str) -> TestClient:
    monkeypatch.setenv("SELVHJELP_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SELVHJELP_LLM_BASE_URL", base_url)
    monkeypatch.setenv("SELVHJELP_LLM_MODEL", "test-model")
    monkeypatch.setenv("SELVHJELP_LLM_TIMEOUT", llm_timeout)
    monkeypatch.setenv("SELVHJELP_REQUEST_TIMEOUT", "60")
    monkeypatch.setenv("SELVHJELP_RATE_LIMIT_PER_MINUTE", "0")
    return TestClient(create_app(Assistant(load_settings())), raise_server_exceptions=False)


def _extractive_fallback(r) -> None:
    assert r.status_code == 200
    d = r.json()
    assert d["backend"] == "extractive" and d["citations"] and not d["abstained"]
    assert "Språkmodellen svarte ikke" in d["notice"]


def test_llm_endpoint_down_gives_the_extractive_answer(data_dir, monkeypatch):
    c = _llm_client(data_dir, monkeypatch, f"http://127.0.0.1:{free_port()}/v1", "5")  # nothing listens
    _extractive_fallback(c.post("/api/ask", json={"question": Q}))
    with c.stream("POST", "/api/ask/stream", json={"question": Q}) as r:
        events = [json.loads(line) for line in r.iter_lines() if line.strip()]
    assert events[-1]["type"] == "answer" and events[-1]["answer"]["backend"] == "extractive"


def test_slow_llm_endpoint_gives_the_extractive_answer_within_the_timeout(data_dir, monkeypatch):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    srv.daemon_threads = True
    srv.requests, srv.mode, srv.content, srv.release = [], "sleep", "", threading.Event()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        c = _llm_client(data_dir, monkeypatch, f"http://127.0.0.1:{srv.server_address[1]}/v1", "1")
        t0 = time.monotonic()
        r = c.post("/api/ask", json={"question": Q})
        # The fake holds each request for 30 s; the answer comes well before that and before the 60 s
        # request timeout, because the LLM call gives up after SELVHJELP_LLM_TIMEOUT.
        assert time.monotonic() - t0 < 25
        _extractive_fallback(r)
        assert srv.requests, "the LLM endpoint was never called"
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()


# ------------------------------------------------------------------ a full disk


@pytest.fixture
def full_feedback_dir(data_dir, tmp_path):
    """A copy of the index whose feedback directory is a 16 kB tmpfs, already holding one record."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    fb = copy / "feedback"
    fb.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(fb)],
                             capture_output=True).returncode == 0
    yield copy, mounted
    if mounted:
        subprocess.run(["umount", str(fb)], check=True)


def test_full_disk_under_feedback_keeps_answers_and_the_file_whole(full_feedback_dir, monkeypatch):
    data, mounted = full_feedback_dir
    a = Assistant(load_settings(data_dir=data, rate_limit_per_minute=0))
    c = TestClient(create_app(a), raise_server_exceptions=False)
    path = feedback_path(a.settings)
    assert c.post("/api/feedback", json={"answer": "første «svar»", "rating": "up"}).json() == {"saved": True}
    before = path.read_bytes()
    if mounted:
        # 19 kB do not fit on the 16 kB tmpfs: the disk fills up in the middle of the line ...
        r = c.post("/api/feedback", json={"answer": "æ" * 9500, "rating": "down"})
        assert r.status_code == 503 and r.json()["saved"] is False
        assert path.read_bytes() == before  # ... and the half-written line is cut off again
        with open(path.parent / "filler", "wb", buffering=0) as f:  # then the disk is full to the last byte
            with pytest.raises(OSError) as full:
                while True:
                    f.write(b"x" * 1024)
            assert full.value.errno == errno.ENOSPC
    else:  # no mount rights here: the write itself fails with ENOSPC after writing half the line
        real_open = Path.open

        class HalfThenEnospc:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def tell(self):
                return self.f.tell()

            def write(self, s):
                self.f.write(s[:10])
                self.f.flush()
                raise OSError(errno.ENOSPC, "No space left on device")

        def half_then_enospc(self, mode="r", *args, **kw):
            f = real_open(self, mode, *args, **kw)
            return HalfThenEnospc(f) if self == path and "a" in mode else f

        monkeypatch.setattr(Path, "open", half_then_enospc)
    r = c.post("/api/feedback", json={"answer": "x" * 6000, "rating": "down"})  # more than a free page
    assert r.status_code == 503 and r.json() == {"saved": False, "error": "Feedback could not be saved right now."}
    assert path.read_bytes() == before  # no half-written line left behind
    assert [json.loads(line)["answer"] for line in path.read_text(encoding="utf-8").splitlines()] == ["første «svar»"]
    r = c.post("/api/ask", json={"question": Q})  # answers go on
    assert r.status_code == 200 and r.json()["citations"]


def test_full_disk_under_the_opt_in_question_log_still_answers(data_dir, monkeypatch):
    a = Assistant(load_settings(data_dir=data_dir, log_questions=True, rate_limit_per_minute=0))
    log_file = Path(data_dir) / "questions.jsonl"
    real_open = Path.open
    tried = []

    def enospc(self, *args, **kw):
        if self == log_file:
            tried.append(self)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, *args, **kw)

    monkeypatch.setattr(Path, "open", enospc)
    r = TestClient(create_app(a), raise_server_exceptions=False).post("/api/ask", json={"question": Q})
    assert tried and r.status_code == 200 and r.json()["citations"]


# ------------------------------------------------------------------ a burst on the UI


def test_a_burst_on_the_ui_queue_waits_rather_than_failing(data_dir):
    """Three times as many questions as the Gradio queue runs at once: all are answered."""
    from gradio_client import Client

    from serve_helpers import Server
    from ui.server import CONCURRENCY, QUEUE_SIZE

    burst = 3 * CONCURRENCY
    assert QUEUE_SIZE >= burst
    with Server(data_dir) as s:
        client = Client(s.url + "/", verbose=False, download_files=False)
        jobs = [client.submit(q, "all", api_name="/ask")
                for q in ["Hva er en igangsetter?", "What is a self-help group?", "Hva gjør Selvhjelp Norge?"] * CONCURRENCY]
        answers = [job.result(timeout=300) for job in jobs]
    answers = [json.loads(a) if isinstance(a, str) else a for a in answers]
    assert len(answers) == burst and all(a["citations"] and a["answer"] for a in answers)


# ------------------------------------------------------------------ concurrent answers


def test_sentence_vector_cache_is_safe_under_concurrent_answers():
    """The API answers on many threads at once; the answerer's LRU cache must not lose a vector
    that another thread evicts between its lookup and its read (KeyError before the lock)."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from rag.answering import _VectorCache

    cache = _VectorCache(size=8)
    gate = threading.Barrier(8)

    def embed(texts):
        time.sleep(0)  # let other threads run between the lookup and the read
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts], dtype=np.float32)

    def worker(n: int):
        gate.wait()
        for i in range(300):
            texts = [f"setning {(n * 7 + i + j) % 24}" for j in range(6)]
            got = cache.get_many(texts, embed)
            assert np.array_equal(got, embed(texts))
        return True

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(worker, range(8)))
    assert len(cache._d) <= 8


def test_term_memo_is_safe_under_concurrent_lookups(monkeypatch):
    """/api/terms memoises answers in a small dict; eviction under concurrent calls must not raise."""
    from concurrent.futures import ThreadPoolExecutor

    from rag import terms as terms_mod

    def fake_find(search, term, k):
        time.sleep(0)  # let other threads run between the miss and the store
        return [term]

    monkeypatch.setattr(terms_mod, "find_definitions", fake_find)
    finder = terms_mod.TermFinder(search=None, size=1)  # every miss evicts
    gate = threading.Barrier(8)

    def worker(n: int):
        gate.wait()
        for i in range(5000):
            term = f"begrep {(n + i) % 13}"
            assert finder.definitions(term) == [term]
        return True

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet the race
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(worker, range(8)))
    finally:
        sys.setswitchinterval(old)
