"""Reading order and lead-ins (rag.flow): what a block quote is embedded and answered with."""
from __future__ import annotations

import pytest

from index_helpers import line_passages
from rag.config import load_settings
from rag.embeddings import make_embeddings
from rag.flow import index_text, lead_in, lead_ins, reading_order
from rag.ingest import ingest
from rag.store import content_hash, open_store
from rag.types import Passage

LEAD = "(1) I nasjonal plan for selvhjelp (Sosial- og helsedirektoratet, 2004) står denne beskrivelsen av selvhjelp:20"
QUOTE = ("Selvhjelp er å ta tak i egne muligheter, finne fram til egne ressurser, ta ansvar for livet sitt og "
         "selv styre det i den retning en ønsker. (SP 2004–2013, s. 7)")


def p(pid, kind, lines, chapter=2, text="x", section=None):
    return Passage(id=pid, source="anthology", kind=kind, language="nb", chapter=chapter, lines=lines,
                   text=text, section=section)


def test_reading_order_links_a_passage_to_the_list_or_quote_after_it():
    ps = [p("b1", "body", (1665, 1668)), p("l1", "list", (1669, 1683)), p("b2", "body", (1685, 1690)),
          p("fn", "footnote", (1684, 1684)), p("far", "body", (1700, 1705)), p("other", "body", (1691, 1695), chapter=3)]
    order = reading_order(ps)
    assert order["b1"] == "l1" and order["l1"] == "b2"
    assert "b2" not in order  # the next body passage starts 10 lines later: not a continuation
    assert "fn" not in order and "fn" not in order.values()  # footnotes are outside the flow


def test_lead_in_is_the_sentence_that_introduces_a_quote_or_list():
    intro = p("b", "body", (4492, 4495), chapter=5,
              text="Under hvert av utsagnene sammenligner jeg med strategisk utvalgte utsagn. " + LEAD)
    quote = p("q", "quote", (4497, 4503), chapter=5, text=QUOTE)
    assert lead_in(intro, quote) == LEAD
    assert lead_ins([quote, intro]) == {"q": LEAD}
    # No colon, no lead-in; a body passage after a colon is prose, not a quote.
    assert lead_in(p("b", "body", (1, 2), text="Dette er en vanlig setning."), quote) is None
    assert lead_in(intro, p("b2", "body", (4497, 4503), chapter=5, text=QUOTE)) is None
    assert lead_in(None, quote) is None


def test_index_text_puts_the_lead_in_between_heading_and_text():
    quote = p("q", "quote", (4497, 4503), chapter=5, text=QUOTE, section="En sammenligning")
    assert index_text(quote) == quote.indexed_text == f"En sammenligning\n{QUOTE}"
    assert index_text(quote, LEAD) == f"En sammenligning\n{LEAD}\n{QUOTE}"
    bare = p("q", "quote", (4497, 4503), chapter=5, text=QUOTE)
    assert index_text(bare, LEAD) == f"{LEAD}\n{QUOTE}"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SELVHJELP_CHROMA_URL", raising=False)
    monkeypatch.delenv("SELVHJELP_EMBEDDINGS", raising=False)
    return load_settings(data_dir=tmp_path)


def test_a_changed_lead_in_re_embeds_the_quote_after_it(settings):
    """The quote's own text is unchanged, but what it is embedded with has changed."""
    body = line_passages(3, width=2, start_line=74)
    intro = Passage.from_dict({**body[-1].to_dict(), "text": "Under hvert av utsagnene sammenligner jeg. " + LEAD})
    last = intro.lines[1]
    quote = Passage(id="q", source=intro.source, kind="quote", language="nb", chapter=intro.chapter,
                    url=intro.url, lines=(last + 2, last + 4), text=QUOTE)
    corpus = [*body[:-1], intro, quote]
    assert lead_ins(corpus) == {"q": LEAD}
    store, emb = open_store(settings), make_embeddings(settings)
    ingest(corpus, store, emb, progress=False)
    assert store.ids_and_hashes()["q"] == content_hash(quote, LEAD) != content_hash(quote)

    moved = Passage.from_dict({**intro.to_dict(), "text": intro.text.replace("2004", "2005")})
    report = ingest([*body[:-1], moved, quote], store, emb, progress=False)
    assert (report.updated, report.unchanged) == (2, len(corpus) - 2)
    assert report.embedded_texts == 2  # the intro and the quote with its new lead-in
    assert store.ids_and_hashes()["q"] == content_hash(quote, LEAD.replace("2004", "2005"))


def test_two_sheets_citing_the_same_page_are_two_flows():
    """«Slik starter du en selvhjelpsgruppe» and «Igangsetteren …» both cite SN's page on starting
    a group; their line numbers count in different files, so neither continues the other."""
    url = "https://selvhjelp.no/starte-en-selvhjelpsgruppe/"
    a = Passage(id="sn:igangsetter:002", source="sn", kind="sheet", language="nb", url=url,
                title="Igangsetteren", lines=(34, 34), text="x")
    b = Passage(id="sn:starte-gruppe:002", source="sn", kind="sheet", language="nb", url=url,
                title="Slik starter du en selvhjelpsgruppe", lines=(34, 36), text="y")
    c = Passage(id="sn:starte-gruppe:003", source="sn", kind="sheet", language="nb", url=url,
                title="Slik starter du en selvhjelpsgruppe", lines=(38, 40), text="z")
    assert reading_order([a, b, c]) == {"sn:starte-gruppe:002": "sn:starte-gruppe:003"}
