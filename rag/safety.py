"""Crisis signals and medical-advice requests, in Norwegian and English.

The crisis patterns err on the side of showing the help-line notice: a neutral research
question that mentions suicide still gets it. Patterns are word-bounded so that ordinary
words that merely contain "selv" («selvhjelpsgruppe») never match.
"""
from __future__ import annotations

import re
from pathlib import Path

from .config import PROJECT_ROOT
from .prompts import load_localized

_F = re.IGNORECASE | re.UNICODE

_CRISIS = re.compile(
    r"""
    \b(?:selvmord|sjølvmord|suicid|selvdrap|sjølvdrap)\w*
  | \bselv-?skad\w* | \bsjølvskad\w* | \bself[- ]?harm\w* | \bself[- ]?injur\w*
  | \b(?:ta|tar|tok|tatt)\s+(?:livet\s+(?:av\s+)?(?:meg|mitt|seg)|mitt\s+(?:eget\s+)?liv)\b
  | \b(?:skade|skader|skadet|skada|kutte|kutter|kuttet|kutta|drepe|dreper|drepte|skyte)\s+(?:meg|meg\s+selv|meg\s+sjølv)\b
  | \b(?:vil|orker|ønsker|klarer|gidder|ønskjer|orkar)\s+(?:ikke|ikkje|ikkje\s+lenger|ikke\s+lenger)\s+(?:å\s+)?(?:leve|lever|være\s+her|vere\s+her|leva)\b
  | \b(?:vil|ønsker|ønskjer|lyst\s+til\s+å|har\s+lyst\s+å)\s+(?:å\s+)?(?:dø|døy)\b
  | \b(?:orker|orkar)\s+(?:ikke|ikkje)\s+mer\b
  | \b(?:ingen|ikke\s+noen?|ikkje\s+nokon)\s+(?:grunn|vits|mening)\s+(?:i\s+|til\s+|med\s+)?(?:å\s+)?(?:leve|leva)\b
  | \b(?:ingenting|ikke\s+noe)\s+å\s+leve\s+for\b
  | \bbedre\s+om\s+jeg\s+var\s+død\b
  | \bkill(?:s|ed|ing)?\s+(?:my\s*self|me)\b
  | \b(?:hurt|hurting|hurts|cut|cutting|harm|harming)\s+my\s*self\b
  | \b(?:want|wanna|wanted|wish|going)\s+(?:to\s+)?die\b
  | \bwish\s+i\s+(?:was|were)\s+dead\b
  | \b(?:no|any)\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|go(?:ing)?\s+on)\b
  | \bnothing\s+(?:left\s+)?to\s+live\s+for\b
  | \b(?:do\s*n[o']?t|don't|do\s+not|no\s+longer)\s+want\s+to\s+(?:live|be\s+alive|be\s+here)\b
  | \bend(?:s|ed|ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all)\b | \btak(?:e|es|ing)\s+my\s+(?:own\s+)?life\b
  | \bcan(?:no|')?t\s+go\s+on\b | \bgiv(?:e|ing)\s+up\s+on\s+life\b
  | \b(?:gjøre|gjør|gjorde|gjere|gjer)\s+slutt\s+på\s+(?:alt|livet|det\s+hele|meg\s+selv)\b
  | \b(?:avslutte|avslutter|ende|ender)\s+(?:livet|det\s+hele)\b | \bgi\s+opp\s+livet\b
  | \bbetter\s+off\s+dead\b | \boverdos\w*
    """,
    _F | re.VERBOSE,
)

# Requests for dosing, medication or diagnosis advice. Strong cues count on their own;
# the weaker ones only with a first-person or advice-seeking word, so that research
# questions («Hva sier boka om medisinering i psykisk helsevern?») stay answerable.
_MED_STRONG = re.compile(
    r"""
    \b(?:dose|doser|dosen|dosering\w*|dosage|doses|dosing|milligram\w*|\d+\s*mg)\b
  | \bslutte\s+(?:å\s+ta|med)\s+\w* | \bsluttar?\s+med\s+(?:medisin|tablett|pille)\w*
  | \b(?:stop|quit|stopping|quitting)\s+(?:taking\s+)?(?:my\s+)?(?:medication|medicine|meds|pills|antidepressants?|tablets?)\b
  | \bstop\s+taking\b | \bhow\s+(?:much|many)\b[^?.!]*\b(?:should|can|could|must|do)\s+i\s+take\b
  | \bhvor\s+(?:mye|mange)\b[^?.!]*\b(?:bør|skal|kan|burde|må)\s+(?:jeg|eg)\s+ta\b
  | \bbivirkning\w* | \bside[- ]effects?\b
  | \b(?:trappe|trapper)\s+ned\b | \btaper(?:ing)?\s+off\b
    """,
    _F | re.VERBOSE,
)
_MED_WEAK = re.compile(
    r"""\b(?:medisin\w*|medikament\w*|tablett\w*|piller|pillen|lykkepille\w*|antidepressiv\w*|
    sovemedisin\w*|beroligende|diagnos\w*|medication\w*|medicine\w*|meds|pills?|tablets?|
    antidepressants?|diagnos\w*|prescri\w*|resept\w*|ssri|ssris)\b""",
    _F | re.VERBOSE,
)
_PERSONAL = re.compile(
    r"\b(?:jeg|meg|min|mitt|mine|eg|bør|burde|skal\s+jeg|kan\s+jeg|(?-i:I)|my|me|should|can\s+i|do\s+i|am\s+i)\b",
    _F,
)


def has_crisis_signal(question: str) -> bool:
    return bool(_CRISIS.search(question))


def question_part(text: str) -> str:
    """For a message that signals crisis and also asks something («I can't go on anymore. Would a
    self-help group help me?»), the sentences that ask: the crisis statement gets the help-line
    notice, and its words («go on») should not steer the search for the answer. Other text is
    returned as it is."""
    if not has_crisis_signal(text):
        return text
    asked = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.rstrip().endswith("?")]
    if not asked or len(asked) == len(re.split(r"(?<=[.!?])\s+", text.strip())):
        return text
    return " ".join(asked)


def crisis_notice(question: str, language: str, prompts_dir: Path | None = None) -> str | None:
    """The help-line notice (in ``language``) if the question signals crisis, else None."""
    if not has_crisis_signal(question):
        return None
    return load_localized(prompts_dir or PROJECT_ROOT / "prompts", "crisis", language)


def is_medical_advice_request(question: str) -> bool:
    """True for questions that ask for dosing, medication or diagnosis advice."""
    if _MED_STRONG.search(question):
        return True
    return bool(_MED_WEAK.search(question) and _PERSONAL.search(question))


def medical_refusal(language: str, prompts_dir: Path | None = None) -> str:
    """What the assistant says instead of medical advice, in ``language``."""
    return load_localized(prompts_dir or PROJECT_ROOT / "prompts", "medical", language)


