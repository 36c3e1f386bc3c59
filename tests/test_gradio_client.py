"""The real server (`selvhjelp serve` in a subprocess), called with gradio_client and httpx."""
from __future__ import annotations

import json

import httpx
import pytest

from serve_helpers import Server, build_index

ANSWER_KEYS = ["id", "question", "language", "answer", "citations", "abstained", "notice", "backend",
               "timings_ms", "related"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = build_index(tmp_path_factory.mktemp("serve-index"))
    with Server(data) as s:
        yield s


def test_gradio_client_named_endpoint(server):
    from gradio_client import Client

    client = Client(server.url + "/", verbose=False, download_files=False)
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    out = client.predict("Hva er en igangsetter?", "sn", api_name="/ask")
    if isinstance(out, str):
        out = json.loads(out)
    assert list(out) == ANSWER_KEYS
    assert out["citations"] and all(c["passage"]["source"] == "sn" for c in out["citations"])


def test_api_and_ui_served_by_one_process(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert c.get("/api/health").json()["ok"] is True
        r = c.post("/api/ask", json={"question": "Hva betyr fortrolige fremmede?"})
        assert r.status_code == 200 and list(r.json()) == ANSWER_KEYS
        with c.stream("POST", "/api/ask/stream", json={"question": "Hva er en igangsetter?"}) as s:
            events = [json.loads(x) for x in s.iter_lines() if x.strip()]
        assert events[-1]["type"] == "answer"
        assert c.post("/api/ask", json={"question": 1}).status_code == 422
        assert c.get("/api/docs").status_code == 200
        config = c.get("/config").json()
        assert config.get("analytics_enabled") is False
