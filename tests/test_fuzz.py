"""Property-based fuzzing with hypothesis: the JSON API never answers 500, and the sentence
splitter, the packer and the anthology line joiner never lose text."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from rag.api import create_app
from rag.chunking import pack, sentence_spans
from rag.config import load_settings
from rag.corpus import anthology
from rag.pipeline import Assistant
from serve_helpers import build_index

# Real answers cost ~0.1–1 s each on 2 cores, so the API examples are few; the pure functions get many.
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=400, deadline=None)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = build_index(tmp_path_factory.mktemp("fuzz-index"))
    app = create_app(Assistant(load_settings(data_dir=data, rate_limit_per_minute=0)))
    return TestClient(app, raise_server_exceptions=False)


def _no_500(r) -> None:
    assert r.status_code != 500 and r.status_code < 600, (r.status_code, r.text[:300])
    if r.status_code >= 400:
        assert "Traceback" not in r.text
        assert r.json()["error"]


# Text a person might paste: words of every script, marks, controls, emoji, markup, quotes.
words = st.text(st.characters(codec="utf-8"), max_size=60)
questions = st.one_of(
    words,
    st.lists(st.sampled_from(["Hva", "er", "en", "igangsetter", "«selvhjelp»", "What", "is", "group", "<b>",
                              "\x00", "\u200b", "[1]", "?", "æøå", "🙂", "\n", "SN", "AA"]), max_size=12)
    .map(" ".join),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4),
    max_leaves=12,
)
ask_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"question": json_values}),
    st.fixed_dictionaries({"question": questions}, optional={
        "history": st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]),
                                                   "content": json_values}), max_size=3),
        "filters": st.fixed_dictionaries({}, optional={"source": json_values, "chapter": json_values,
                                                       "kind": json_values}),
    }),
)


@FEW
@given(question=questions)
def test_ask_any_question_never_500(client, question):
    _no_500(client.post("/api/ask", json={"question": question}))


@SOME
@given(body=ask_bodies)
def test_ask_any_json_never_500(client, body):
    r = client.post("/api/ask", content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    _no_500(r)


@SOME
@given(raw=st.binary(max_size=200))
def test_ask_any_bytes_never_500(client, raw):
    assume(not raw.strip().startswith(b"{"))  # mostly invalid JSON; valid bodies are covered above
    _no_500(client.post("/api/ask", content=raw, headers={"content-type": "application/json"}))


@FEW
@given(q=questions, k=st.one_of(st.integers(-5, 200), st.text(max_size=5)),
       chapter=st.one_of(st.none(), st.integers(-3, 120), st.text(max_size=5)))
def test_search_any_params_never_500(client, q, k, chapter):
    params = {"q": q, "k": str(k)}
    if chapter is not None:
        params["chapter"] = str(chapter)
    _no_500(client.get("/api/search", params=params))


@SOME
@given(pid=st.text(max_size=300))
def test_passages_any_id_never_500(client, pid):
    r = client.get("/api/passages/" + quote(pid, safe=""))
    _no_500(r)
    if r.status_code == 200:
        assert r.json()["id"] == pid


# ------------------------------------------------------------------ the sentence splitter and packer

prose = st.lists(st.sampled_from(list("abc ABC æøÅ 12 .!?…«»\"'()[]\n\t-:;,") + ["\u00a0", "\u2003", "f.eks.",
                                                                                  "s. 12", "Dr. ", "...", "»."]),
                 max_size=150).map("".join)


@MANY
@given(text=st.one_of(prose, st.text(max_size=200)))
def test_sentence_spans_cover_all_non_space_text_in_order(text):
    spans = sentence_spans(text)
    covered = [False] * len(text)
    prev_end = 0
    for s in spans:
        assert prev_end <= s.start < s.end <= len(text)  # ordered, non-overlapping, non-empty
        prev_end = s.end
        for i in range(s.start, s.end):
            covered[i] = True
    lost = [c for c, cov in zip(text, covered) if not cov and not c.isspace()]
    assert not lost, (text, spans, lost)


@MANY
@given(sizes=st.lists(st.integers(1, 150), max_size=60), target=st.integers(1, 120), extra=st.integers(0, 100))
def test_pack_keeps_every_unit_in_order(sizes, target, extra):
    maximum = target + extra
    chunks = pack(sizes, target, maximum)
    assert [i for a, b in chunks for i in range(a, b)] == list(range(len(sizes)))  # nothing cut, lost or repeated
    for a, b in chunks:
        assert a < b
        assert b - a == 1 or sum(sizes[a:b]) <= maximum  # only a single oversized unit may exceed


# ------------------------------------------------------------------ the anthology line joiner

line_pieces = st.sampled_from(list("abcæøå ABC-/.,«»\t 19") + ["http://x.no/", "self-", "help", "lig-", "og"])
lines = st.lists(st.lists(line_pieces, max_size=15).map("".join), min_size=1, max_size=12)


def _without_space(s: str) -> str:
    return re.sub(r"\s+", "", s)


@MANY
@given(raw_lines=lines, english=st.booleans(), lexicon=st.sets(st.sampled_from(["selfhelp", "self-help", "abc", "ab"])))
def test_line_joiner_loses_only_whitespace_and_line_end_hyphens(raw_lines, english, lexicon):
    saved = anthology._TextBuilder.lexicon
    anthology._TextBuilder.lexicon = frozenset(lexicon)
    try:
        tb = anthology._TextBuilder(english=english)
        cleaned = []
        for n, raw in enumerate(raw_lines, 1):
            clean = anthology._clean_line(raw)
            assert _without_space(clean) == _without_space(raw[1:] if raw.startswith(" ") else raw)
            tb.add(n, raw, clean)
            if clean:
                cleaned.append((n, clean))
    finally:
        anthology._TextBuilder.lexicon = saved
    source, out = _without_space("".join(c for _, c in cleaned)), _without_space(tb.text)
    # `out` is `source` with some hyphens removed, each the last character of a line.
    i = dropped = 0
    for ch in source:
        if i < len(out) and out[i] == ch:
            i += 1
        else:
            assert ch == "-", (source, out)
            dropped += 1
    assert i == len(out) and dropped <= max(0, len(cleaned) - 1)
    # Every line's offset points at that line's text (less a dropped final hyphen).
    assert [ln for _, ln in tb.line_starts] == [n for n, _ in cleaned]
    for (off, _), (_, clean) in zip(tb.line_starts, cleaned):
        assert tb.text[off:].startswith(clean[:-1] if clean.endswith("-") else clean)
