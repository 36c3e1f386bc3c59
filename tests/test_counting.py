"""What a how-many question counts, and whether a sentence gives that count (rag/counting.py)."""
import pytest

from rag.config import PROJECT_ROOT
from rag.counting import counted_stems, counts_near
from rag.translate import default_glossary


@pytest.fixture(scope="module")
def glossary():
    return default_glossary(PROJECT_ROOT / "corpus")


def test_counted_noun_of_a_norwegian_question(glossary):
    assert "innbygg" in counted_stems("Hvor mange innbyggere har kommunen?", "nb", glossary)
    # «deltok» counts those who took part; «kom» names nothing to count.
    assert "deltak" in counted_stems("Hvor mange deltok på seminaret?", "nb", glossary)
    assert counted_stems("Hvor mange kom på seminaret?", "nb", glossary) is None
    assert counted_stems("Når ble SN opprettet?", "nb", glossary) is None


def test_counted_noun_of_an_english_question_comes_through_the_glossary(glossary):
    stems = counted_stems("How many employees did Self-help Norway have?", "en", glossary)
    assert stems and any(s.startswith("ansatt") for s in stems)


@pytest.mark.parametrize("sentence, window, expected", [
    ("Kommunen har bare 3200 innbyggere.", 2, True),
    ("I kommunen med sine 3200 fastboende innbyggere var det stille.", 2, True),
    ("I 2009 fikk kommunen nye innbyggere.", 2, False),            # a year is no count
    ("Det var 12 møter, og innbyggerne i kommunen kom sjelden til noen av dem.", 2, False),
    ("Det var 12 møter, og innbyggerne kom sjelden.", 6, True),
    ("Ingen tall her om innbyggere.", 6, False),
])
def test_counts_near(sentence, window, expected):
    assert counts_near(sentence, frozenset({"innbygg"}), window) is expected


def test_a_classifier_word_is_not_what_is_counted(glossary):
    # «typer kapital» counts kinds of capital.
    assert "kapital" in counted_stems("Hvor mange typer kapital har Bourdieu beskrevet?", "nb", glossary)


def test_quoted_terms_and_words_only(glossary):
    from rag.counting import quoted_terms

    q = "Why does SN call self-help a 'possibility' and not a «tilbud» at the «Selvhjelp på norsk» seminars?"
    assert len(quoted_terms(q, "en", glossary)) == 3
    words = quoted_terms(q, "en", glossary, words_only=True)
    assert len(words) == 2  # the name «Selvhjelp på norsk» is left out
    assert any("mul" in alt for concept in words[0] for alt in concept)  # 'possibility' → «mulighet»


def test_which_n_questions_list_what_they_name(glossary):
    from rag.counting import listed_count

    assert "period" in listed_count("Hvilke tre perioder har selvhjelp gått gjennom?", "nb", glossary)
    assert "trekk" in listed_count("Which four features of self-help were emphasised?", "en", glossary)
    assert listed_count("Hvilke perioder har selvhjelp gått gjennom?", "nb", glossary) is None
    assert listed_count("Hvor mange perioder finnes?", "nb", glossary) is None
