"""Crisis notices and medical-advice refusals, in Norwegian and English."""
import pytest

from rag.config import PROJECT_ROOT
from rag.safety import crisis_notice, is_medical_advice_request, medical_refusal, question_part

HELP_LINES = ["113", "116 117", "116 123", "22 40 00 40"]


@pytest.mark.parametrize("question", [
    "jeg vil ikke leve lenger",
    "Jeg vil ta livet mitt",
    "Jeg tenker på å ta livet av meg",
    "jeg har lyst til å skade meg selv",
    "Jeg kutter meg når det blir for mye",
    "Jeg orker ikke å leve mer",
    "eg vil ikkje leve lenger",
    "Hva sier forskningen om selvmord blant gruppedeltakere?",  # neutral mention: notice anyway
    "Finnes det grupper for selvskading?",
    "Jeg tenker på å gjøre slutt på alt",
    "Noen ganger vil jeg bare avslutte livet",
])
def test_crisis_norwegian(question):
    notice = crisis_notice(question, "nb")
    assert notice is not None
    for line in HELP_LINES:
        assert line in notice
    assert "Mental Helse" in notice and "Kirkens SOS" in notice
    assert "ikke en terapeut" in notice


@pytest.mark.parametrize("question", [
    "I want to kill myself",
    "I want to die",
    "there is no reason to live",
    "I don't want to live anymore",
    "I have been hurting myself",
    "Are there self-harm support groups?",
    "What does the book say about suicide?",
    "I feel like ending it all, can a group help me?",
    "I can't go on like this",
    "I keep thinking about taking my own life",
])
def test_crisis_english(question):
    notice = crisis_notice(question, "en")
    assert notice is not None
    for line in HELP_LINES:
        assert line in notice
    assert "not a therapist" in notice


@pytest.mark.parametrize("question", [
    "Hva er en selvhjelpsgruppe?",
    "Hva er forskjellen på en AA-gruppe og en SN-gruppe?",
    "Hvordan tar man vare på seg selv i en gruppe?",
    "Hva betyr det å hjelpe seg selv?",
    "Hvordan lever deltakerne med problemene sine?",
    "Kan jeg starte en gruppe selv?",
    "What is self-help?",
    "How did the groups live up to their ideals?",
    "What does the book say about killing time?",
    "When did the state grant scheme end?",
    "How did the project end, and was it all worth it?",
    "Hvordan avslutter gruppa et møte?",
    "Can't groups go online?",
])
def test_ordinary_questions_get_no_notice(question):
    assert crisis_notice(question, "nb") is None


def test_notice_text_lives_in_prompt_files():
    assert crisis_notice("I want to die", "en") == (PROJECT_ROOT / "prompts" / "crisis_en.txt").read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize("question", [
    "Hvor mye sertralin bør jeg ta?",
    "Bør jeg slutte å ta medisinene mine?",
    "Bør jeg slutte med Cipralex?",
    "Har jeg en diagnose som depresjon?",
    "Should I stop taking my antidepressants?",
    "What dose of lithium is safe?",
    "How much ibuprofen should I take?",
])
def test_medical_advice_requests(question):
    assert is_medical_advice_request(question)


@pytest.mark.parametrize("question", [
    "Hva sier boka om medisinering i psykisk helsevern?",
    "What does the book say about diagnoses in self-help groups?",
    "Hvordan samarbeider Selvhjelp Norge med helsetjenesten?",
    "Kan jeg ta kontakt med Selvhjelp Norge?",
    "Skal jeg ta med noe til første møte?",
    "Hva er en selvhjelpsgruppe?",
])
def test_research_questions_are_not_medical_requests(question):
    assert not is_medical_advice_request(question)


def test_medical_refusal_in_both_languages():
    nb, en = medical_refusal("nb"), medical_refusal("en")
    assert "medisinske råd" in nb and "116 117" in nb and "fastlege" in nb
    assert "medical advice" in en and "116 117" in en


@pytest.mark.parametrize("message, asked", [
    ("I can't go on anymore. Would a self-help group help me?", "Would a self-help group help me?"),
    ("Jeg orker ikke mer og vil ta livet mitt. Kan en gruppe hjelpe?", "Kan en gruppe hjelpe?"),
    # One sentence, or no question: the whole message.
    ("I feel like ending it all, can a group help me?", "I feel like ending it all, can a group help me?"),
    ("Jeg vil ikke leve lenger.", "Jeg vil ikke leve lenger."),
    # No crisis signal: left as it is, however many sentences.
    ("Jeg har lest boka. Hva er en SN-gruppe?", "Jeg har lest boka. Hva er en SN-gruppe?"),
])
def test_the_question_part_of_a_crisis_message(message, asked):
    """The crisis statement gets the help lines; its words («go on» → «går») must not steer the
    search for what is asked."""
    assert question_part(message) == asked
