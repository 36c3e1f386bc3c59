"""Key terms for professionals: the passages that define a term, found in the corpus at run time.

Nothing here is written by hand except the list of term names. For a term we search the index,
keep passages whose text contains the term (by Norwegian stem, or exactly for acronyms such as
LINK), and rank them by how much the sentence that mentions the term reads like a definition
(«X er …», «betyr», «defineres», «kaller vi», «forstår vi» …).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Callable, Sequence

from .chunking import split_sentences
from .types import Passage, ScoredPassage

KEY_TERMS = (
    "igangsetter",
    "selvorganisert selvhjelp",
    "selvhjelpsgruppe",
    "fortrolige fremmede",
    "grenseobjekt",
    "grensearbeid",
    "LINK",
    "erfaringskunnskap",
    "knutepunkt",
    "likemannsarbeid",
    "empowerment",
    "Selvhjelp Norge",
)

# Phrases that make a sentence read like a definition, strongest first.
_CUES = (
    (r"\bdefiner\w*", 3.0), (r"\bkall(?:er|es|t)\b", 3.0), (r"\bforstå(?:r|s) (?:vi|man|som)\b", 3.0),
    (r"\ber (?:et|en) (?:analytisk )?(?:begrep|betegnelse|uttrykk)\b", 3.0),
    (r"\bbetyr\b", 2.5), (r"\bvil si\b", 2.5), (r"\bmenes\b", 2.5), (r"\bbetegne\w*", 2.0),
    (r"\bbegrep\w*", 1.5), (r"\binnebær\w*", 1.5), (r"\bkjennetegn\w*", 1.5),
    (r"\bbeskrive[sr]? som\b", 1.5), (r"\bomtale[sr]? som\b", 1.5), (r"\bbrukes om\b", 2.0),
    (r"\bviser til\b", 1.0), (r"\bhandler om\b", 1.0),
)
_CUE_RES = [(re.compile(p, re.IGNORECASE), w) for p, w in _CUES]
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_TERM_CHARS = 80

Search = Callable[[str, int], Sequence[ScoredPassage]]


@dataclass(frozen=True)
class TermHit:
    passage: Passage
    sentence: str  # the sentence that mentions (ideally defines) the term, verbatim
    score: float

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "score": round(self.score, 3), "passage": self.passage.to_dict()}


def _stem(word: str) -> str:
    from .citations import _stemmer

    return _stemmer("norwegian").stemWord(word.lower())


def term_matcher(term: str) -> Callable[[str], bool]:
    """A test for «does this text mention the term»: every word of the term must start a word
    of the text (by stem, so inflections count), or, for an all-caps acronym, occur exactly."""
    words = _WORD.findall(term)
    if not words:
        return lambda text: False
    acronyms = {w for w in words if len(w) > 1 and w.isupper()}
    stems = [_stem(w) for w in words if w not in acronyms]

    def matches(text: str) -> bool:
        tokens = _WORD.findall(text)
        if any(a not in tokens for a in acronyms):
            return False
        lower = [t.lower() for t in tokens]
        return all(any(t.startswith(s) for t in lower) for s in stems)

    return matches


def definition_score(sentence: str, term: str) -> float:
    """How much ``sentence`` reads like a definition of ``term`` (0 when it does not mention it)."""
    if not term_matcher(term)(sentence):
        return 0.0
    head = term.split()[0].lower()
    pos = sentence.lower().find(head[: max(4, len(head) - 2)])
    score = 1.0
    for r, w in _CUE_RES:  # a cue counts fully only close to the term
        cue = [m.start() for m in r.finditer(sentence)]
        if cue:
            near = pos >= 0 and min(abs(c - pos) for c in cue) <= 60
            score = max(score, 1.0 + (w if near else w / 3))
    if 0 <= pos <= 40:  # the term opens the sentence: «En igangsetter er …»
        score += 1.0
        if re.search(r"\b(?:er|var)\b", sentence[pos: pos + len(term) + 40]):
            score += 1.0
    if re.search(r"[«\"“]" + re.escape(term.split()[0][:5]), sentence, re.IGNORECASE):
        score += 0.5  # the term in quotes marks it as a term being introduced
    words = len(sentence.split())
    if words > 60:
        score -= 0.5  # long sentences rarely define
    return score


def find_definitions(search: Search, term: str, k: int = 5) -> list[TermHit]:
    """The ``k`` passages that best define ``term``, best first, each with its defining sentence."""
    term = " ".join(str(term).split())[:_MAX_TERM_CHARS]
    if not term:
        return []
    matches = term_matcher(term)
    seen: dict[str, tuple[ScoredPassage, float]] = {}
    for query, n in ((term, 40), (f"Hva er {term}? {term} betyr", 30)):
        for hit in search(query, n):
            if hit.passage.id in seen or not matches(hit.passage.text):
                continue
            seen[hit.passage.id] = (hit, 1.0 / (1 + len(seen)))  # retrieval order as a tie-breaker
    hits: list[TermHit] = []
    for hit, order in seen.values():
        p = hit.passage
        if p.kind in ("reference", "heading"):
            continue
        scored = [(definition_score(s, term), s) for s in split_sentences(p.text)]
        best, sentence = max(scored, key=lambda x: x[0], default=(0.0, ""))
        if best <= 0:
            continue
        kind_bonus = 0.3 if p.kind in ("body", "sheet", "abstract") else 0.0
        hits.append(TermHit(passage=p, sentence=sentence, score=best + kind_bonus + order))
    hits.sort(key=lambda h: -h.score)
    return hits[:k]


class TermFinder:
    """``find_definitions`` with a small memo, for the API and the UI (terms are asked often)."""

    def __init__(self, search: Search, size: int = 256):
        self.search = search
        self.size = size
        self._memo: dict[tuple[str, int], list[TermHit]] = {}
        self._lock = threading.Lock()  # the API looks terms up on many threads at once

    def definitions(self, term: str, k: int = 5) -> list[TermHit]:
        key = (" ".join(str(term).split()).lower(), k)
        with self._lock:
            hits = self._memo.get(key)
        if hits is None:
            hits = find_definitions(self.search, term, k)  # outside the lock: it searches
            with self._lock:
                if key not in self._memo and len(self._memo) >= self.size:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[key] = hits
        return hits

    def clear(self) -> None:
        with self._lock:
            self._memo.clear()
