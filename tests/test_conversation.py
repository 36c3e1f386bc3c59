"""Follow-up questions resolved against the conversation, without an LLM."""
import pytest

from rag.conversation import resolve_followup


def turns(*questions):
    out = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "Dette sier kildene: … [1]"}]
    return out


@pytest.mark.parametrize("history,question,expected", [
    (turns("Hva er en SN-gruppe?"), "hva med AA?", "Hva er en AA-gruppe?"),
    (turns("Hva er Selvhjelp Norge?"), "og hvem startet den?", "Hvem startet Selvhjelp Norge?"),
    (turns("Hva er Norsk selvhjelpsforum?"), "og når ble den stiftet?", "Når ble Norsk selvhjelpsforum stiftet?"),
    (turns("Hva er Selvhjelp Norge?"), "hva er dens mål?", "Hva er Selvhjelp Norges mål?"),
    (turns("Hvordan fungerer selvhjelpsgrupper?"), "og i Norge?", "Hvordan fungerer selvhjelpsgrupper i Norge?"),
    (turns("Hvordan fungerer selvhjelpsgrupper i praksis?"), "hva med AA?", "Hvordan fungerer AA?"),
])
def test_norwegian_followups(history, question, expected):
    assert resolve_followup(question, history) == expected


@pytest.mark.parametrize("history,question,expected", [
    (turns("What is Selvhjelp Norge?"), "and when was it founded?", "When was Selvhjelp Norge founded?"),
    (turns("How do SN groups handle anonymity?"), "what about AA?", "How do AA groups handle anonymity?"),
    (turns("What is Selvhjelp Norge?"), "and what are its goals?", "What are Selvhjelp Norge's goals?"),
    (turns("When was Selvhjelp Norge founded?"), "What about LINK?", "When was LINK founded?"),
])
def test_english_followups(history, question, expected):
    assert resolve_followup(question, history) == expected


def test_a_chain_of_followups_keeps_the_topic():
    history = turns("Hva er en SN-gruppe?", "hva med AA?")
    assert resolve_followup("og hvem startet den?", history) == "Hvem startet AA-gruppe?"


@pytest.mark.parametrize("question", [
    "Hva betyr det å være fortrolige fremmede?",  # «det å» is not a back-reference
    "Hvem startet Selvhjelp Norge?",
    "What is the difference between an AA group and an SN group?",
])
def test_standalone_questions_are_left_alone(question):
    assert resolve_followup(question, turns("Hva er en SN-gruppe?")) == question


def test_no_history_means_no_change():
    assert resolve_followup("and when was it founded?", []) == "and when was it founded?"
    # Only user turns count: an assistant message is never taken as the topic.
    history = [{"role": "assistant", "content": "Hva er Selvhjelp Norge?"}]
    assert resolve_followup("og hvem startet den?", history) == "og hvem startet den?"
