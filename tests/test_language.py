"""Question language detection: lingua for sentences, cue words for fragments."""
import pytest

from rag.language import detect_language


@pytest.mark.parametrize("question", [
    "Hva er forskjellen på en AA-gruppe og en SN-gruppe?",
    "Hvem startet Selvhjelp Norge?",
    "Hvordan fungerer en selvhjelpsgruppe i praksis",
    "Er Selvhjelp Norge statlig finansiert",
    "Kva er ei sjølvhjelpsgruppe?",  # nynorsk counts as Norwegian
    "I Norge finnes mange selvhjelpsgrupper",  # capital I at the start is Norwegian «i»
    "hva med AA?",
    "og når?",
    "og hvem startet den?",
    "jeg vil ikke leve lenger",
    "Fortrolige fremmede",
    "Hvem er Åse?",
    "Før eller siden må noen starte gruppa",
    "Hva sier kapittelet «Selvhjelp på norsk» om autonomi?",
])
def test_norwegian(question):
    assert detect_language(question) == "nb"


@pytest.mark.parametrize("question", [
    "What is the difference between an AA group and an SN group?",
    "What is SN's annual budget?",
    "How do self-help groups work in Norway?",
    "Who founded Norsk selvhjelpsforum?",
    "Is Selvhjelp Norge funded by the state",
    "and when?",
    "and when was it founded?",
    "What about AA?",
    "I want to die",
    "confidential strangers",
    # Norwegian letters only in a quoted title or a name:
    "Which four features of self-help were emphasised at the 1990s 'Selvhjelp på norsk' seminars?",
    "What does the chapter «Fortrolige fremmede» say about AA?",
    "When did Ånund Brottveit and Marte Feiring sign the foreword?",
    # ... or in an unquoted name inside a clearly English sentence:
    "Which four features of self-help were emphasised at the 1990s Selvhjelp på norsk seminars?",
])
def test_english(question):
    assert detect_language(question) == "en"


@pytest.mark.parametrize("text", ["", "   ", "AA?", "SN", "2019", "?!"])
def test_no_evidence_defaults_to_norwegian(text):
    assert detect_language(text) == "nb"
