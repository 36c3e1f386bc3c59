"""Question language: Norwegian (bokmål, "nb") or English ("en").

lingua decides for ordinary sentences. It is restricted to the languages a user of this
assistant plausibly writes (Norwegian bokmål/nynorsk, English, and the close neighbours
Danish and Swedish, all of which count as Norwegian here). Short or ambiguous input
(«hva med AA?», "and when?") falls back on function-word cues; the default is "nb".
"""
from __future__ import annotations

import re
import threading

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NB_LETTERS = re.compile(r"[æøåÆØÅ]")
# Quoted stretches: titles and names quoted in another language.
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|‘[^’]*’|(?<!\w)'[^']*'(?!\w)")

# Function words that only one of the two languages uses (lower case).
_EN_CUES = frozenset(
    """the and what when who whom whose how why which where is are was were does do did
    of about with from a an it its this that these those they their there can could should
    would will my me you your much many any difference between founded started want am
    myself be have has not""".split()
)
_NB_CUES = frozenset(
    """og hva hvem hvor hvordan hvorfor hvilke hvilken hvilket når er var ble blir har hadde
    med på en ei et jeg meg min mitt mine det den de dem som ikke til av om fra kan skal
    bør vil kva kven korleis kvifor eg ikkje ho dei noe noen mellom forskjellen også""".split()
)

_detector = None
_lock = threading.Lock()


def _get_detector():
    """Build the lingua detector once, on first use (its models load lazily too)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = LanguageDetectorBuilder.from_languages(
                    Language.BOKMAL, Language.NYNORSK, Language.ENGLISH,
                    Language.DANISH, Language.SWEDISH,
                ).build()
    return _detector


def preload() -> None:
    """Load lingua's models now (about a second) rather than on the first question."""
    detect_language("Hva er en selvhjelpsgruppe?")
    detect_language("What is a self-help group?")


def _cue_vote(words: list[str]) -> int:
    """Positive: English cues win; negative: Norwegian cues win; 0: undecided."""
    en = sum(w in _EN_CUES for w in words)
    nb = sum(w in _NB_CUES for w in words)
    return en - nb


def detect_language(text: str) -> str:
    """Return "nb" or "en" for a question."""
    # æøå in an ordinary word means Norwegian; not in a quoted title or a name, which an English
    # question may carry («emphasised at the 'Selvhjelp på norsk' seminars», "Ånund Brottveit").
    bare = _QUOTED.sub(" ", text)
    bare_words = _WORD.findall(bare)
    # ... nor in an unquoted name inside a clearly English sentence ("at the 1990s Selvhjelp på
    # norsk seminars": at least two English function words more than Norwegian ones).
    if any(_NB_LETTERS.search(w) and not (i and w[:1].isupper())
           for i, w in enumerate(bare_words)) and _cue_vote([w.lower() for w in bare_words]) < 2:
        return "nb"
    if len(bare_words) >= 3:
        text = bare
    raw = _WORD.findall(text)
    words = [w.lower() for w in raw]
    if not words:
        return "nb"
    vote = _cue_vote(words)
    # A capital "I" after the first word is the English pronoun (Norwegian "i" is lower case).
    vote += sum(w == "I" for w in raw[1:])
    if len(words) < 4 and vote != 0:
        return "en" if vote > 0 else "nb"
    from lingua import Language

    confidences = {c.language: c.value for c in _get_detector().compute_language_confidence_values(text)}
    english = confidences.get(Language.ENGLISH, 0.0)
    if english >= 0.7 and vote > -2:
        return "en"
    if english <= 0.1 and vote < 2:
        return "nb"
    # Ambiguous: let the cue words decide, then lingua's plain majority.
    if vote != 0:
        return "en" if vote > 0 else "nb"
    return "en" if english > 0.5 else "nb"
