"""What a question's words are (concepts, with English words through the glossary) and, for a
how-many question, what it counts and whether a sentence gives that count. Shared by retrieval
(a boost for passages that count the right thing) and the extractive answerer."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any

from .citations import content_stems, tokens
from .qtypes import NUMBER as _NUMBER
from .qtypes import QUOTED_NAME

# A question is a list of concepts; a concept is a tuple of alternatives, each a set of stems
# that must all be present ("Selvhjelp Norge" → {selvhjelp, norg}). A Norwegian word is one
# concept with one alternative; an English phrase found in the glossary is one concept whose
# alternatives are its Norwegian translations.
Concept = tuple[frozenset[str], ...]


def question_concepts(question: str, language: str, glossary: Any = None) -> list[Concept]:
    if language != "en" or glossary is None:
        return [(frozenset({s}),) for s in dict.fromkeys(content_stems(question, language))]
    from .citations import STOPWORDS_EN

    words = [w for w in re.findall(r"[^\W_]+(?:['’][A-Za-z]+)?", question)]
    out: list[Concept] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            if i + n > len(words) or (n == 1 and words[i].lower() in STOPWORDS_EN):
                continue
            alts = glossary.lookup(" ".join(words[i:i + n]))
            if alts:
                concept = tuple(frozenset(content_stems(alt, "nb")) for alt in alts)
                concept = tuple(a for a in concept if a)
                if concept:
                    out.append(concept)
                i += n
                break
        else:
            w = words[i].split("'")[0].split("’")[0]
            i += 1
            if w.lower() not in STOPWORDS_EN:
                out.extend((frozenset({s}),) for s in content_stems(w, "en"))
    return list(dict.fromkeys(out))


def match(concept: Concept, stems: frozenset[str]) -> float:
    """1 if an alternative is fully present, 0.5 if only as parts of compounds, else 0."""
    best = 0.0
    for alt in concept:
        if alt <= stems:
            return 1.0
        if all(s in stems or (len(s) >= 5 and any(len(h) > len(s) and (h.endswith(s) or h.startswith(s)) for h in stems)) for s in alt):
            best = 0.5
    return best


def quoted_terms(question: str, language: str, glossary: Any = None, *,
                 words_only: bool = False) -> list[list[Concept]]:
    """The concepts of each term the question quotes ("call self-help a 'possibility'").
    ``words_only``: leave out quoted names («Selvhjelp på norsk»), which start with a capital."""
    out = []
    for groups in QUOTED_NAME.findall(question):
        term = "".join(groups).strip()
        if not term or words_only and term[0].isupper():
            continue
        concepts = question_concepts(term, language, glossary)
        if concepts:
            out.append(concepts)
    return out


_COUNTED = re.compile(r"\b(?:hvor|kor|how)\s+(?:mange|many)\s+([^\W\d_]+(?:[- ][^\W\d_]+)?)", re.I)


_COUNTED_EN = re.compile(
    r"\bhow many\s+((?:[^\W\d_]+[\s-]+){0,3}?[^\W\d_]+)\s+(?:do|does|did|were|was|are|is|have|has|had|"
    r"can|could|will|would|should|took|take|there|in|of|from|at)\b", re.I)


def counted_stems(question: str, language: str, glossary: Any = None) -> frozenset[str] | None:
    """The stems that name what a how-many question counts ("medlemmer" → {"medlem"}; for an
    English question, the Norwegian words the glossary gives: "employees" → {"ansatt", …}).
    None when there is nothing to check against (an English word the glossary lacks)."""
    m = _COUNTED.search(question)
    if not m:
        return None
    if language != "en":
        words = [w for w in tokens(m.group(1)) if content_stems(w, language)]
        # «Hvor mange typer kapital …?» counts kinds of capital: the noun after the classifier.
        while len(words) > 1 and words[0].lower() in KIND_WORDS:
            words = words[1:]
        if words and words[0].lower() in TAKING_PART:
            words = ["deltakere"]  # «Hvor mange deltok …?» counts those who took part
        if not words or words[0].lower() in COUNTING_VERBS:
            return None  # «Hvor mange kom …?»: what is counted is not named
        stems = frozenset(content_stems(words[0], language)[:1])
        # «faser» is also answered by «fem stadier»: the glossary's Norwegian synonyms.
        syn = synonym_stems(glossary) if glossary is not None else {}
        return frozenset(x for st in stems for x in syn.get(st, {st})) or None
    np_ = _COUNTED_EN.search(question)
    # Without a clear noun phrase, only the first word ("how many people attended …" → people).
    phrase = np_.group(1) if np_ else m.group(1).split()[0]
    concepts = question_concepts(phrase, "en", glossary) if glossary is not None else []
    # Any word of any translation of the noun phrase ("local contact points" → lokal,
    # kontaktpunkt …): the sentence must name what is counted, in one of its words.
    stems = frozenset(st for concept in concepts for alt in concept for st in alt)
    return stems or None


TAKING_PART = frozenset("deltok deltar deltatt".split())
KIND_WORDS = frozenset("typer type slags sorter sort former kategorier ulike forskjellige".split())

_WHICH_N = re.compile(
    r"\b(?:which|what|hvilke|hvilken|hvilket|kva)\s+(?:two|three|four|five|six|seven|eight|nine|ten|"
    r"to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|\d+)\s+(\S.*)", re.I)


def listed_count(question: str, language: str, glossary: Any = None) -> frozenset[str] | None:
    """What a "which four X …?" question lists: the stems of X, as ``counted_stems`` gives them
    for "how many X …?"; None for other questions."""
    m = _WHICH_N.search(question)
    if not m:
        return None
    lead = "How many" if language == "en" else "Hvor mange"
    return counted_stems(f"{lead} {m.group(1)}", language, glossary)


# «Hvor mange deltok/kom/bor …?»: a verb, not the noun that names what is counted.
COUNTING_VERBS = frozenset(
    "deltok deltar deltatt kom kommer møtte møter bor bodde jobber jobbet arbeider arbeidet "
    "fikk får svarte svarer søkte søker døde dør går gikk bruker brukte står sto stod "
    "meldte melder startet starter kjenner kjente".split())


@lru_cache(maxsize=4)
def synonym_stems(glossary: Any) -> dict[str, frozenset[str]]:
    """Norwegian stem → the stems of its glossary synonyms (itself included)."""
    out: dict[str, set[str]] = {}
    for word, group in glossary.norwegian_synonyms().items():
        for st in content_stems(word, "nb")[:1]:
            out.setdefault(st, {st}).update(x for w in group for x in content_stems(w, "nb")[:1])
    return {k: frozenset(v) for k, v in out.items()}


def counts_near(sentence: str, counted: frozenset[str], window: int = 6) -> bool:
    """Whether a number in the sentence stands within ``window`` words of the counted noun."""
    # Retrieval asks this of every sentence of 60 passages: cheap tests first, and only the
    # words near a number that contain a counted stem are stemmed. (A stem is a prefix of its
    # word, and has_stem matches inside compounds, so a word without the stem as a substring
    # cannot match.)
    low = sentence.lower()
    if not any(st in low for st in counted):
        return False
    starts = [m.start() for m in re.finditer(r"\S+", sentence)]
    hits = [bisect.bisect_right(starts, m.start()) - 1 for m in _NUMBER.finditer(sentence)]
    if not hits:
        return False
    words = low.split()
    near = {j for i in hits for j in range(max(0, i - window), min(len(words), i + window + 1))}
    for j in near:
        w = words[j]
        if any(st in w for st in counted):
            stems = frozenset(content_stems(w, "nb"))
            if any(has_stem(stems, st) for st in counted):
                return True
    return False


def has_stem(stems: frozenset[str], stem: str) -> bool:
    return stem in stems or (len(stem) >= 4 and any(s.startswith(stem) or s.endswith(stem) for s in stems))
