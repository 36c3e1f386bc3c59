"""Question types shared by retrieval and the answerer: what a question asks for, and whether a
sentence or passage holds it."""
import pytest

from rag.qtypes import answer_type, asks_definition, defines, holds


@pytest.mark.parametrize("question, kind", [
    ("Når ble Selvhjelp Norge opprettet?", "year"),
    ("In which year was Selvhjelp Norge established?", "year"),
    ("Over what period did Project LINK Vestfold run, and who paid for it?", "year"),
    ("I hvilken periode pågikk prosjektet?", "year"),
    ("On what date was Selvhjelpshuset LINK formally opened?", "date"),
    ("Hvilken dato åpnet LINK?", "date"),
    ("Hvor mange distriktskontorer har SN?", "number"),
    ("How many interviews did Feiring carry out?", "number"),
    ("Hvem grunnla Norsk selvhjelpsforum?", "name"),
    ("What is SN's phone number?", "phone"),
    ("Hvem kan jeg ringe?", "phone"),
    # "call" as in "name something": a why-question, not a request for a number.
    ("Why does Self-help Norway prefer to call self-help a 'possibility'?", None),
    ("How do groups choose who leads?", None),
])
def test_answer_type(question, kind):
    assert answer_type(question) == kind


def test_holds_date_needs_day_and_month():
    assert holds("date", "Arbeidsseminaret 14. september 2006 markerte åpningen.", "q")
    assert holds("date", "It opened on September 14, 2006.", "q")
    assert not holds("date", "Huset åpnet i 2006.", "q")
    assert holds("year", "Huset åpnet i 2006.", "q")


@pytest.mark.parametrize("question, expected", [
    ("Hva står LINK for?", True),
    ("Hva betyr «selvorganisert selvhjelp»?", True),
    ("Hva er en igangsetter i selvhjelpssammenheng?", True),
    ("What do the authors mean by boundary work?", True),
    ("How does the 2004 plan define self-help?", True),
    ("Når ble Selvhjelp Norge opprettet?", False),
    ("How many groups are there?", False),
])
def test_asks_definition(question, expected):
    assert asks_definition(question) is expected


def test_defines():
    assert defines("LINK – som er et akronym for: Læring, Informasjon, Nettverk og Kunnskap.")
    assert defines("Med igangsettere menes her lekfolk som ønsker å bidra til oppstart av en gruppe.")
    assert defines("Vi bruker begrepet «selvhjelpsfeltet» om alle aktørene.")
    assert not defines("Gruppa møttes hver tirsdag i kommunens lokaler.")
