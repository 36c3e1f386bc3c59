"""The JSON API against the real Assistant and a real (small) index."""
from __future__ import annotations

import json
import os
import stat

import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.config import load_settings
from rag.pipeline import Assistant
from rag.types import PASSAGE_FIELDS

from serve_helpers import build_index

ANSWER_KEYS = ["id", "question", "language", "answer", "citations", "abstained", "notice", "backend",
               "timings_ms", "related"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("api-index"))


@pytest.fixture(scope="module")
def assistant(data_dir):
    return Assistant(load_settings(data_dir=data_dir, rate_limit_per_minute=0))


@pytest.fixture(scope="module")
def client(assistant):
    return TestClient(create_app(assistant))


def test_ask_returns_the_ask_json_shape(client):
    r = client.post("/api/ask", json={"question": "Hva er en igangsetter?"})
    assert r.status_code == 200
    d = r.json()
    assert list(d) == ANSWER_KEYS
    assert not d["abstained"] and d["citations"]
    c = d["citations"][0]
    assert set(c) == {"n", "quote", "passage"} and list(c["passage"]) == list(PASSAGE_FIELDS)
    assert c["quote"] in c["passage"]["text"]
    assert "[1]" in d["answer"]


def test_ask_with_history_and_filters(client):
    body = {"question": "Hvem kan bli det?", "filters": {"source": "sn"},
            "history": [{"role": "user", "content": "Hva er en igangsetter?"},
                        {"role": "assistant", "content": "En igangsetter hjelper en ny gruppe i gang. [1]"}]}
    r = client.post("/api/ask", json=body)
    assert r.status_code == 200
    assert all(c["passage"]["source"] == "sn" for c in r.json()["citations"])


def test_stream_yields_ndjson_then_the_full_answer(client):
    with client.stream("POST", "/api/ask/stream", json={"question": "Hva er en igangsetter?"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in r.iter_lines() if line.strip()]
    assert events[-1]["type"] == "answer"
    assert list(events[-1]["answer"]) == ANSWER_KEYS
    assert all(e["type"] == "chunk" and isinstance(e["text"], str) for e in events[:-1])


def test_stream_rejects_an_empty_question_before_streaming(client):
    r = client.post("/api/ask/stream", json={"question": "   "})
    assert r.status_code == 400 and "error" in r.json()


def test_search_and_filters(client):
    r = client.get("/api/search", params={"q": "fortrolige fremmede", "k": 3})
    assert r.status_code == 200
    d = r.json()
    assert list(d) == ["id", "query", "results", "timings_ms"]
    assert len(d["results"]) == 3 and [x["rank"] for x in d["results"]] == [1, 2, 3]
    r = client.get("/api/search", params={"q": "igangsetter", "source": "anthology", "chapter": 2})
    assert r.status_code == 200
    assert all(x["passage"]["chapter"] == 2 for x in r.json()["results"])
    assert client.get("/api/search", params={"q": "x", "k": 0}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "source": "nope"}).status_code == 422
    assert client.get("/api/search").status_code == 422


def test_passage_found_and_missing(client):
    r = client.get("/api/passages/sn:igangsetter:001")
    assert r.status_code == 200 and r.json()["id"] == "sn:igangsetter:001"
    r = client.get("/api/passages/no-such-passage")
    assert r.status_code == 404 and "error" in r.json()


def test_health_ok_and_503_without_index(client, tmp_path):
    r = client.get("/api/health")
    assert r.status_code == 200
    d = r.json()
    assert d["ok"] and d["index"]["ready"] and d["store"]["ok"] and d["embeddings"]["ok"]
    empty = TestClient(create_app(Assistant(load_settings(data_dir=tmp_path / "empty"))))
    r = empty.get("/api/health")
    assert r.status_code == 503 and r.json()["ok"] is False and r.json()["index"]["ready"] is False
    r = empty.post("/api/ask", json={"question": "Hva er en igangsetter?"})
    assert r.status_code == 503 and "ingest" in r.json()["error"]


@pytest.mark.parametrize("body", [
    {},
    {"question": 5},
    {"question": ["a"]},
    {"question": "Hei", "history": [{"role": "system", "content": "x"}]},
    {"question": "Hei", "history": "nope"},
    {"question": "Hei", "history": [{"role": "user"}]},
    {"question": "Hei", "filters": {"source": "elsewhere"}},
    {"question": "Hei", "filters": {"chapter": "two"}},
    {"question": "Hei", "unknown": 1},
    [1, 2],
])
def test_malformed_bodies_are_422(client, body):
    r = client.post("/api/ask", json=body)
    assert r.status_code == 422
    assert "error" in r.json() and "Traceback" not in r.text


def test_not_json_and_huge_bodies(client):
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/ask", content=b"x" * 300_000, headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("question", ["", "   ", "\n\t  \u200b"])
def test_empty_question_is_400(client, question):
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 400
    assert "empty" in r.json()["error"]


def test_100kb_question_is_a_clear_4xx(client):
    r = client.post("/api/ask", json={"question": "selvhjelp " * 10_000})
    assert 400 <= r.status_code < 500 and r.json()["error"]
    long_but_under_cap = "selvhjelp " * 500  # 5000 chars: over max_question_chars
    r = client.post("/api/ask", json={"question": long_but_under_cap})
    assert r.status_code == 400 and "too long" in r.json()["error"]


def test_control_characters_and_invalid_utf8(client):
    r = client.post("/api/ask", json={"question": "Hva er\x00 en\x07 igangsetter?\x1b[31m"})
    assert r.status_code == 200
    assert "\x00" not in r.json()["question"] and "\x1b" not in r.json()["question"]
    r = client.post("/api/ask", content='{"question": "Hva er en igangsetter? \udcff"}'.encode("utf-8", "surrogatepass"),
                    headers={"content-type": "application/json"})
    assert 200 <= r.status_code < 500
    r = client.post("/api/ask", content=b'{"question": "Hva er \xff\xfe en igangsetter?"}',
                    headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and "Traceback" not in r.text


def test_html_in_the_question_comes_back_as_plain_json_text(client):
    q = 'Hva er en igangsetter? <script>alert("x")</script><img src=x onerror=alert(1)>'
    r = client.post("/api/ask", json={"question": q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "<script>" in r.json()["question"]  # data, not markup: the UI escapes it (test_browser)


def test_rate_limit_gives_429_with_retry_after(assistant):
    from rag.config import load_settings

    limited = Assistant(load_settings(data_dir=assistant.settings.data_dir, rate_limit_per_minute=2))
    c = TestClient(create_app(limited))
    codes = [c.post("/api/ask", json={"question": "   "}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    r = c.post("/api/ask", json={"question": "Hva er en igangsetter?"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.json()["error"]
    assert c.get("/api/health").status_code == 200  # health is never limited


def test_ingest_needs_the_token(assistant):
    off = TestClient(create_app(assistant))
    assert off.post("/api/ingest").status_code == 403  # no token configured: operator endpoints off
    a = Assistant(load_settings(data_dir=assistant.settings.data_dir, api_token="s3cret", rate_limit_per_minute=0))
    c = TestClient(create_app(a))
    r = c.post("/api/ingest")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert c.post("/api/ingest", headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_ingest_with_the_token_runs_incrementally(data_dir, tmp_path):
    # A separate copy of the index, so the full corpus ingest does not change the shared one.
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    a = Assistant(load_settings(data_dir=copy, api_token="s3cret", rate_limit_per_minute=0))
    before = a.store.count()
    r = TestClient(create_app(a)).post("/api/ingest", headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200
    rep = r.json()
    assert rep["unchanged"] == before and rep["added"] > 0 and rep["deleted"] == 0


def test_feedback_is_appended_as_jsonl(client, assistant):
    path = assistant.settings.data_dir / "feedback" / "feedback.jsonl"
    n0 = len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0
    r = client.post("/api/feedback", json={"question_id": "q1", "answer": "Svar «æøå»", "rating": "up",
                                           "question": "Hva er en igangsetter?"})
    assert r.status_code == 200 and r.json() == {"saved": True}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n0 + 1
    rec = json.loads(lines[-1])
    assert rec["question_id"] == "q1" and rec["rating"] == "up" and rec["answer"] == "Svar «æøå»"
    assert "question" not in rec  # log_questions is off by default
    assert "«æøå»" in lines[-1]
    assert client.post("/api/feedback", json={"answer": "x", "rating": "meh"}).status_code == 422


def test_feedback_keeps_the_question_only_when_opted_in(tmp_path, data_dir):
    a = Assistant(load_settings(data_dir=data_dir, log_questions=True, rate_limit_per_minute=0))
    from rag.feedback import feedback_path, save_feedback

    assert save_feedback(a.settings, answer="a", rating="down", question="Hva er LINK?")
    assert json.loads(feedback_path(a.settings).read_text(encoding="utf-8").splitlines()[-1])["question"] == "Hva er LINK?"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only directory")
def test_feedback_dir_not_writable_is_a_clean_response(tmp_path, data_dir):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        _unwritable_feedback_check(ro, data_dir)
    finally:
        ro.chmod(stat.S_IRWXU)


def test_feedback_path_blocked_is_a_clean_response(tmp_path, data_dir):
    # Works as root too: a *file* where the feedback directory should be cannot be written into.
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "feedback").write_text("not a directory")
    _unwritable_feedback_check(blocked, data_dir)


def _unwritable_feedback_check(root, data_dir):
    a = Assistant(load_settings(data_dir=root, rate_limit_per_minute=0))
    c = TestClient(create_app(a), raise_server_exceptions=False)
    r = c.post("/api/feedback", json={"answer": "x", "rating": "up"})
    assert r.status_code == 503 and r.json() == {"saved": False, "error": "Feedback could not be saved right now."}


def test_unexpected_errors_are_generic_500s(assistant):
    class Broken(Assistant):
        def passage(self, pid):
            raise RuntimeError("secret internal detail")

    c = TestClient(create_app(Broken(assistant.settings)), raise_server_exceptions=False)
    r = c.get("/api/passages/x")
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text and r.json()["error"]


def test_terms(client):
    r = client.get("/api/terms")
    assert r.status_code == 200 and "igangsetter" in r.json()["terms"]
    r = client.get("/api/terms/fortrolige fremmede", params={"k": 3})
    assert r.status_code == 200
    res = r.json()["results"]
    assert res and all("fortrolig" in x["sentence"].lower() for x in res)
    assert all(x["sentence"] in x["passage"]["text"] for x in res)


def test_openapi_docs(client):
    assert client.get("/api/docs").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert "/api/ask" in spec["paths"] and "/api/ask/stream" in spec["paths"]
