"""`selvhjelp ask` and `selvhjelp chat` as a user runs them, on the small real index."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from rag.types import PASSAGE_FIELDS

from serve_helpers import ROOT, build_index

ANSWER_KEYS = ["id", "question", "language", "answer", "citations", "abstained", "notice", "backend",
               "timings_ms", "related"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A private copy of the session's test index, so that what these subprocesses write (sentence
    vectors in the embedding cache) cannot change other modules' results. Sharing the cache itself
    is safe since it opens a connection per operation (tests/test_cache_concurrency.py)."""
    shared = build_index(tmp_path_factory.mktemp("cli-index"))
    copy = tmp_path_factory.mktemp("cli-index-copy") / "data"
    shutil.copytree(shared, copy)
    return copy


def run(data_dir, *args, stdin=None):
    env = {"SELVHJELP_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "ANONYMIZED_TELEMETRY": "False",
           "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)


def test_ask_json_shape_and_verbatim_quotes(data_dir):
    res = run(data_dir, "ask", "--json", "Hva er en igangsetter?")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert list(d) == ANSWER_KEYS
    assert d["language"] == "nb" and not d["abstained"] and d["backend"] == "extractive"
    for c in d["citations"]:
        assert list(c["passage"]) == list(PASSAGE_FIELDS)
        assert c["quote"] in c["passage"]["text"]
        assert f"[{c['n']}]" in d["answer"]


def test_ask_english_question_gets_english_framing(data_dir):
    d = json.loads(run(data_dir, "ask", "--json", "What does «fortrolige fremmede» mean?").stdout)
    assert d["language"] == "en"
    assert not d["abstained"] and "Norwegian" in d["answer"]


def test_ask_filters_by_source(data_dir):
    d = json.loads(run(data_dir, "ask", "--json", "--source", "anthology", "Hva er en igangsetter?").stdout)
    assert all(c["passage"]["source"] == "anthology" for c in d["citations"])


def test_ask_batch_in_order_with_error_rows(data_dir):
    rows = [{"id": "x", "question": "Hva er LINK?"}, {"id": 2, "question": ""},
            {"id": "y", "question": "What is the recipe for fish soup?"}]
    res = run(data_dir, "ask", "--json", "--questions", "-",
              stdin="\n".join(json.dumps(r) for r in rows))
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["x", 2, "y"]
    assert "error" in out[1] and "empty" in out[1]["error"]
    assert out[2]["abstained"] is True and out[2]["citations"] == []


def test_ask_crisis_shows_help_lines_first(data_dir):
    res = run(data_dir, "ask", "Jeg orker ikke mer og vil ta livet mitt")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "113" in out and "116 123" in out and "22 40 00 40" in out
    assert out.index("113") < len(out) // 2 + 200  # the notice comes first


def test_ask_without_question_or_index_is_a_clear_error(tmp_path, data_dir):
    res = run(data_dir, "ask")
    assert res.returncode == 2 and "Give a question" in res.stderr
    res = run(tmp_path / "none", "ask", "Hva er selvhjelp?")
    assert res.returncode == 2 and "selvhjelp ingest" in res.stderr and "Traceback" not in res.stderr


def test_chat_resolves_a_follow_up(data_dir):
    res = run(data_dir, "chat", stdin="Hva er en igangsetter?\nhvordan blir man det?\n")
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("[1]") >= 2          # both turns answered with citations
    assert "Traceback" not in res.stdout + res.stderr


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    """A bug inside a command: the console entry point says so in one line and exits 1."""
    import rag.cli as cli
    import rag.pipeline as pipeline

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline.Assistant, "ask", boom)
    monkeypatch.setattr(pipeline.Assistant, "index_ready", lambda self: True, raising=False)
    monkeypatch.setattr(sys, "argv", ["selvhjelp", "ask", "Hva er en selvhjelpsgruppe?"])
    monkeypatch.delenv("SELVHJELP_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "simulated bug" in err and "SELVHJELP_DEBUG" in err and "Traceback" not in err
