"""Grounded answers: extractive by default (no LLM, no network), an LLM when configured.

The extractive answerer quotes the retrieved passages' own sentences, verbatim, each
followed by its ``[n]`` marker; it abstains when the evidence is weak and offers the
nearest passages as related reading. ``rag.llm_answers.LLMAnswerer`` asks an
OpenAI-compatible model, checks its markers and support afterwards, and falls back to it.
"""
from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import sentence_spans
from .citations import STOPWORDS_NB, content_stems, tokens
from .config import PROJECT_ROOT
from .counting import Concept, question_concepts, quoted_terms
from .counting import counted_stems as _counted_stems, counts_near as _counts_near, has_stem as _has_stem
from .counting import match as _match
from .flow import INTRODUCES as _INTRODUCES, lead_in, work
from .language import detect_language
from .prompts import phrase
from .qtypes import PRESENT as _PRESENT
from .qtypes import QUOTED_NAME as _QUOTED_NAME
from .qtypes import answer_type as _answer_type, asks_definition, asks_period, asks_practical, defines, holds as _holds
from .qtypes import duration_subject, holds_period, places as _places
from .safety import crisis_notice, is_medical_advice_request, medical_refusal, question_part
from .types import Answer, Citation, Passage, ScoredPassage

Search = Callable[[str, int], list[ScoredPassage]]


@dataclass(frozen=True)
class AnswerConfig:
    """Knobs for the extractive answerer; thresholds are meant to be calibrated on the dev set."""

    max_passages: int = 8  # retrieved hits whose sentences are considered
    max_quotes: int = 3  # quoted runs in an ordinary answer
    max_quotes_per_side: int = 2  # per side of a comparison
    min_words: int = 5  # shorter sentences are not quoted on their own
    max_run_words: int = 90  # a quoted run (sentence plus context) stays below this
    keep_ratio: float = 0.75  # further quotes need this share of the best sentence's score
    # Sentence score = lexical * w_lex + retrieval * w_ret + dense * w_dense (weights renormalised
    # when there is no dense signal). English questions lean on retrieval, since their
    # words rarely match Norwegian text.
    w_lex_nb: float = 0.6
    w_ret_nb: float = 0.25
    w_lex_en: float = 0.35
    w_ret_en: float = 0.4
    w_dense: float = 0.3
    # Abstain below this evidence (lexical and dense only: the retrieval score is relative).
    min_evidence_nb: float = 0.3
    min_evidence_en: float = 0.1  # English words rarely match Norwegian text ...
    min_evidence_en_dense: float = 0.22  # ... so with sentence vectors the dense score decides
    # If hits carry an absolute dense cosine in signals["dense"], abstain below this.
    min_top_dense: float | None = None
    # A when/how many/who question needs a sentence that holds a year/number/name and
    # shares at least this (weighted) share of the question's words.
    min_typed_lex_nb: float = 0.3
    # The quoted evidence must share at least this many distinct words with the question,
    # or half its weight (one common shared word such as "Norwegian" is chance, not an answer).
    min_shared_words: int = 2
    min_single_word_lex: float = 0.34
    # A sentence this close to the question in meaning (normalised cosine, see dense_floor)
    # is on topic even when it shares few words («datamaterialet … samlet inn» vs
    # «datainnsamlingen»): it passes the shared-word and counted-noun checks.
    strong_dense: float = 0.6
    # "What is X / what does X mean": a sentence that defines («menes», «står for») gains this.
    definition_bonus: float = 0.1
    # A "when" answer: a sentence with an exact year over one with a decade only (dev nb-32;
    # 0.06-0.1 change nothing else on dev, held-out or SN). 0.1 since session 6: with years in
    # source references ignored, nb-32's two sentences («I 1995 og 1996 …», «På midten av
    # 1990-tallet …») came within 0.02 of each other and 0.06 lost it; 0.08 and 0.1 win it back.
    exact_year_bonus: float = 0.1
    # The question's words found only in the passage's section heading or chapter title count
    # this much (dev en-17 answered from «… prosjektpenger fra Helsedirektoratet for en periode
    # fra juni 2009 til utgangen av 2010», under «… Prosjekt LINK Vestfold»; 0.3 changes nothing,
    # 0.5-0.8 the same; held-out and SN unchanged).
    heading_share: float = 0.5
    # A sentence with the term(s) the question quotes ('possibility' rather than 'service
    # offer') gains this, in proportion to the quoted terms it holds.
    quoted_bonus: float = 0.1
    min_typed_lex_en: float = 0.12
    # A sentence that announces what the text will do («Kapittelet drøfter …», «Jeg vil vise
    # hvordan …») names the topic without saying anything about it: it loses this much.
    announcement_penalty: float = 0.1
    # Sentence cosines mapped linearly from [floor, ceiling] to [0, 1].
    dense_floor: float = 0.80
    dense_ceiling: float = 0.92
    dense_top_m: int = 12  # sentences re-scored densely (vectors are cached)
    side_k: int = 5  # hits per side of a comparison
    related_count: int = 3
    # LLM answers: passages in the prompt, and the support a sentence needs from the
    # passages it cites (lexical share of its words, or the embedding score if given).
    llm_passages: int = 6
    min_support_nb: float = 0.5
    min_support_en: float = 0.3


# ------------------------------------------------------------------ question analysis

def _enumerates(sentence: str, query: "_Query | None", at_least: int = 3,
                counted: frozenset[str] | None = None) -> bool:
    """Whether the sentence lists three or more kinds of something the question names
    («økonomisk kapital …, sosial kapital …, kulturell kapital … og symbolsk kapital»): the
    answer to "how many kinds of capital" without a figure in it. Each mention needs its own
    lower-case modifier, so a name said three times («Selvhjelp Norge …») is no list.
    ``counted``: what a how-many question counts; the list must be of that («psykisk helse,
    mental helse …» is no count of members)."""
    if query is None:
        return False
    listed = _listed_stems(sentence, at_least)
    if counted is not None:
        return bool(listed & counted)
    return bool(listed) and any(len(alt) == 1 and alt <= listed for concept in query.concepts for alt in concept)


@lru_cache(maxsize=4096)
def _listed_stems(sentence: str, at_least: int) -> frozenset[str]:
    """Stems the sentence names after ``at_least`` different lower-case modifiers."""
    words = tokens(sentence)
    modifiers: dict[str, set[str]] = {}
    for prev, word in zip(words, words[1:]):
        st = content_stems(word, "nb")
        if st and prev.islower() and prev not in STOPWORDS_NB:
            modifiers.setdefault(st[0], set()).add(prev)
    return frozenset(st for st, mods in modifiers.items() if len(mods) >= at_least)


@lru_cache(maxsize=4096)
def _heading_stems(p: Passage) -> frozenset[str]:
    """The stems of the passage's section heading and chapter (or sheet) title."""
    text = " ".join(x for x in (p.section, p.chapter_title if p.source == "anthology" else p.title) if x)
    return frozenset(content_stems(text, "nb")) if text else frozenset()


@lru_cache(maxsize=2048)
def _meta_stems(p: Passage) -> frozenset[str]:
    # For the anthology, ``title`` is the book's title (it names "Norge" for every passage).
    title = "" if p.source == "anthology" else (p.title or "")
    meta = " ".join([p.chapter_title or "", title, *(p.authors or ())])
    return frozenset(content_stems(meta, "nb"))


# A sentence that introduces what follows: «… står denne beskrivelsen av selvhjelp:» — in the
# book often with a footnote number after the colon («selvhjelp:20»).
_ARTICLES = r"(?:en|ei|et|ein|eit|den|det|de|an|a|the)\s+"
_SIDE = r"(?:" + _ARTICLES + r")?(.+?)"
# «lærings- og mestringssentrene» is one side: no split after a hyphen (a shared-ending compound).
_COMPARE = [
    re.compile(r"forskjell\w*\s+(?:på|mellom)\s+" + _SIDE + r"(?<!-)\s+og\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"(?:likhet\w*|ulikhet\w*)(?:\s+og\s+\w+)?\s+mellom\s+" + _SIDE + r"(?<!-)\s+og\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"sammenlign\w*\s+" + _SIDE + r"(?<!-)\s+(?:og|med)\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    # «skiller X seg fra Y»: X may itself hold «fra» («planen fra 2014 seg fra planen fra 2004»).
    re.compile(r"(?:hva\s+)?skiller\s+" + _SIDE + r"(?<!-)\s+seg\s+fra\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"(?:hva\s+)?skiller\s+" + _SIDE + r"(?<!-)\s+(?:seg\s+)?(?:fra|og)\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"differen\w*\s+between\s+" + _SIDE + r"\s+and\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"(?:compare|comparing)\s+" + _SIDE + r"\s+(?:and|with|to)\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"(?:how\s+)?(?:does|do|is|are)\s+" + _SIDE + r"\s+(?:differ|different)\s+from\s+" + _SIDE + r"\s*[?.!]*$", re.I),
    re.compile(r"^(?:" + _ARTICLES + r")?(.+?)\s+(?:vs\.?|versus|kontra)\s+" + _SIDE + r"\s*[?.!]*$", re.I),
]
_CONTRAST = re.compile(
    r"\b(?:mens|i motsetning til|derimot|tvert imot|til forskjell fra|forskjell\w*|ulik\w*|"
    r"sterkere|svakere|mer enn|mindre enn|whereas|unlike|in contrast|differ\w*)\b",
    re.IGNORECASE,
)
# A contrast drawn inside one sentence («X …, mens Y …»), not just the word «forskjell».
_DIRECT_CONTRAST = re.compile(
    r"(?:,\s*mens\b|\bi motsetning til\b|\bderimot\b|\btil forskjell fra\b|\bwhereas\b|\bunlike\b|\bin contrast\b|"
    r"\bforskjell(?:en|er|ene)? mellom\b|\bskiller seg fra\b|\bbryter (?:klart )?med\b)",
    re.IGNORECASE,
)
# «denne betingelsen», «dette kriteriet»: names something the sentence before spelled out.
_DEMONSTRATIVE = re.compile(r"\b(?:denne|dette|disse|this|these)\s+[a-zæøå]{4,}", re.I)
# "Where in Norway …?", «Hvor i Norge …?»: the area the answer lies in.
_PLACE_SCOPE = re.compile(r"\b(?i:where|hvor|kor)\s+(?:in|i|på)\s+([A-ZÆØÅ][\w-]+)")
_ALIASES = {
    "aa": "Anonyme Alkoholikere",
    "sn": "Selvhjelp Norge",
    "nsf": "Norsk selvhjelpsforum",
}


@dataclass(frozen=True)
class Comparison:
    left: str
    right: str


_TOPIC_CLAUSE = re.compile(
    r"\s+(?:når det gjelder|hva gjelder|med hensyn til|i forhold til|when it comes to|in terms of|"
    r"with regard to|regarding|as regards)\b", re.I)


def detect_comparison(question: str) -> Comparison | None:
    """«forskjellen på X og Y», "difference between X and Y", "X vs Y", «sammenlign X og Y»."""
    q = question.strip()
    for pat in _COMPARE:
        m = pat.search(q)
        if m:
            left, right = (s.strip(" ,;:«»\"'") for s in m.groups())
            # «… fra Selvhjelp Norge når det gjelder metoder»: the topic is not part of the side
            # (it still reaches the side queries, which keep the question's other words).
            right = _TOPIC_CLAUSE.split(right, maxsplit=1)[0].strip(" ,;:")
            if left and right and left.lower() != right.lower():
                return Comparison(left, right)
    return None


_QUESTION = re.compile(
    r"\?|^\s*(?:hva|hvem|hvor|hvordan|hvorfor|når|hvilke\w*|kva|kven|korleis|kvifor|kan|er|finnes|"
    r"fins|gir|har|sier|what|who|how|why|when|which|where|is|are|does|do|can|could)\b|"
    r"\b(?:boka|boken|forskning\w*|kapittel\w*|the book|research|study|studies|chapter)\b",
    re.IGNORECASE,
)


def _asks_something(question: str) -> bool:
    return bool(_QUESTION.search(question))




# ------------------------------------------------------------------ sentences

@dataclass(frozen=True)
class _Sent:
    start: int
    end: int
    words: int
    stems: frozenset[str]


@lru_cache(maxsize=4096)
def _sentences(text: str, language: str = "nb") -> tuple[_Sent, ...]:
    out = []
    for sp in sentence_spans(text):
        s = text[sp.start:sp.end]
        stems = frozenset(content_stems(s, language))
        if language == "nb" and _NEGATION.search(s):
            # «verken NSF eller SN som typiske representanter» says they are atypical: a negated
            # sentence also holds the negative-prefix forms (a-/u-) of its longer words.
            stems |= {pre + st for st in stems if len(st) >= 5 for pre in ("a", "u")}
        out.append(_Sent(sp.start, sp.end, len(s.split()), stems))
    return tuple(out)


_NEGATION = re.compile(r"\b(?:ikke|ikkje|verken|heller ikke|ingen|aldri)\b", re.I)


# A sentence opening with a definite noun («Kompetansesenteret består …», «Prosjektet …») names
# something the sentence before introduced.
_DEFINITE_OPENING = re.compile(r"^[A-ZÆØÅ][a-zæøå]{3,}(?:et|en|ene|a)\b")
_ANAPHORA = re.compile(
    r"^(?:Dette|Disse|Det|Den|De|Han|Hun|Her|Slik|Samtidig|Likevel|Derfor|Denne|Dermed|Også|"
    r"This|These|It|They|Here|Thus|However)\b"
)
_FIGURE = re.compile(r"\d")
_EXACT_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b(?![-–]?tall)")


_ANNOUNCES = re.compile(
    r"^(?:I )?(?:[Dd]ette |[Dd]enne )?(?:[Kk]apittel(?:et)?|[Aa]rtikkel(?:en)?|[Bb]ok(?:a|en)?)\s+(?:drøfter|handler|tar for seg|"
    r"diskuterer|belyser|ser på|beskriver|viser|analyserer|undersøker)\b|^I (?:dette|denne) (?:kapittelet|artikkelen|boka)\b|"
    r"^(?:Jeg|Vi) vil (?:nå )?(?:vise|drøfte|diskutere|se på|belyse|analysere|undersøke)\b|"
    r"^(?:This|The) (?:chapter|article|book) (?:discusses|examines|describes|shows|analyses|analyzes)\b")


def _work(c: "_Cand") -> tuple:
    """The chapter or SN sheet a candidate sentence comes from."""
    return work(c.hit.passage)


def _refers_back(text: str) -> bool:
    """The sentence names what it speaks of in the one before («Han …», «Seminaret …»)."""
    return bool(_ANAPHORA.match(text) or _DEFINITE_OPENING.match(text))
_NOT_PROSE = re.compile(r"^\(?(?:Gruppedeltaker|Informant|Intervju|Kilde|Tabell|Figur)\b|https?://|\.indd\b")


@dataclass
class _Cand:
    hit: ScoredPassage
    idx: int  # sentence index in the passage
    sent: _Sent
    lex: float = 0.0
    ret: float = 0.0
    dense: float | None = None
    score: float = 0.0
    side: int | None = None  # 0/1 for comparison sides
    short: bool = False  # below min_words: quoted only as the answer to a when/how-many question
    quoted: float = 0.0  # share of the question's quoted terms the sentence holds
    announces: bool = False  # «Kapittelet drøfter …»: says what the text will do, not what is so

    @property
    def text(self) -> str:
        return self.hit.passage.text[self.sent.start:self.sent.end]

    def before(self, by_key: dict | None = None) -> "_Cand":
        """The sentence before this one (idx > 0): the scored candidate if ``by_key`` has it."""
        key = (self.hit.passage.id, self.idx - 1)
        prev = _sentences(self.hit.passage.text, self.hit.passage.language)[self.idx - 1]
        return (by_key or {}).get(key) or _Cand(self.hit, self.idx - 1, prev)


class _VectorCache:
    """Sentence vectors by text hash, least recently used evicted first."""

    def __init__(self, size: int = 20000):
        self.size = size
        self._d: OrderedDict[str, np.ndarray] = OrderedDict()
        # The API answers on many threads; another thread may evict between lookup and read.
        self._lock = threading.Lock()

    def get_many(self, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        with self._lock:
            found = {k: self._d[k] for k in keys if k in self._d}
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:  # embedded outside the lock: the model has its own
            vecs = np.asarray(embed([texts[i] for i in missing]), dtype=np.float32)
            for i, v in zip(missing, vecs):
                found[keys[i]] = v
        with self._lock:
            for k in keys:
                self._d[k] = found[k]
                self._d.move_to_end(k)
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return np.stack([found[k] for k in keys])


@dataclass
class _Query:
    concepts: list[Concept]
    weights: list[float]

    def overlap(self, stems: frozenset[str], skip: frozenset[int] = frozenset()) -> float:
        total = sum(w for k, w in enumerate(self.weights) if k not in skip)
        if not total:
            return 0.0
        got = sum(w * _match(c, stems) for k, (c, w) in enumerate(zip(self.concepts, self.weights)) if k not in skip)
        return got / total

    def shared(self, stems: frozenset[str]) -> int:
        return sum(1 for c in self.concepts if _match(c, stems) > 0)


def _query(concepts: list[Concept], cands: list["_Cand"]) -> _Query:
    """IDF-like weights from the candidate pool: a concept every sentence has says little."""
    n = max(len(cands), 1)
    weights = []
    for c in concepts:
        df = sum(1 for x in cands if _match(c, x.sent.stems) > 0)
        weights.append(math.log(1 + n / (1 + df)) + 0.2)
    return _Query(concepts, weights)


# ------------------------------------------------------------------ extractive answerer


class ExtractiveAnswerer:
    """Answers from the retrieved passages' own sentences. No LLM, no network.

    ``embed_query``/``embed_passages`` (optional) add dense sentence similarity; sentence
    vectors are cached in memory, so pass a disk-cached passage embedder to keep it cheap.
    """

    backend = "extractive"

    def __init__(
        self,
        prompts_dir: Path | str | None = None,
        config: AnswerConfig | None = None,
        *,
        embed_query: Callable[[str], np.ndarray] | None = None,
        embed_passages: Callable[[list[str]], np.ndarray] | None = None,
        glossary: Any = None,
        following: Callable[[Passage], Passage | None] | None = None,
        preceding: Callable[[Passage], Passage | None] | None = None,
        topics: Callable[[Passage], frozenset[str]] | None = None,
        known: Callable[[str], bool] | None = None,
    ):
        # The passage after a given one in reading order: a quote ending «… fra Yalom:» goes on
        # in the next passage (a list or a block quote), which is then quoted too.
        self.following = following
        # The passage before a given one: with ``following``, the rest of a paragraph that a
        # chunk boundary cut (``_paragraph_rest``).
        self.preceding = preceding
        # The stems that mark what a passage's chapter is about: a sentence there is about
        # them even when it does not name them (chapter 6's «Kommunen …» is LINK's town).
        self.topics = topics
        # Whether a stem occurs anywhere in the sources (a name they never use is not answered).
        self.known = known
        self.prompts_dir = Path(prompts_dir or PROJECT_ROOT / "prompts")
        # English → Norwegian glossary (rag.translate.Glossary) for matching English questions
        # against Norwegian sentences; without it a small built-in word list is used.
        self.glossary = glossary
        self.config = config or AnswerConfig()
        self.embed_query = embed_query
        self.embed_passages = embed_passages
        self._vectors = _VectorCache()
        self._acronym_of: dict[tuple[str, ...], str] | None = None  # glossary stems -> acronym

    # -- public

    def answer(
        self,
        question: str,
        hits: list[ScoredPassage],
        *,
        language: str | None = None,
        search: Search | None = None,
        query_vector: np.ndarray | None = None,
    ) -> Answer:
        t0 = time.perf_counter()
        language = language or detect_language(question)
        ans = self._answer(question, hits, language, search, query_vector)
        ans.timings_ms["answer"] = (time.perf_counter() - t0) * 1000
        return ans

    # -- steps

    def _phrase(self, language: str, key: str, **kw: str) -> str:
        return phrase(self.prompts_dir, language, key, **kw)

    def _answer(self, question, hits, language, search, query_vector) -> Answer:
        cfg = self.config
        notice = crisis_notice(question, language, self.prompts_dir)
        related = list(hits[: cfg.related_count])
        if is_medical_advice_request(question):
            refusal = medical_refusal(language, self.prompts_dir)
            return Answer(
                question, language, refusal + "\n\n" + self._phrase(language, "medical_related"),
                [], abstained=True, notice=notice, backend=self.backend, related=related,
            )
        if not question.strip():
            return Answer(question, language, self._phrase(language, "empty_question"), [], True,
                          notice=notice, backend=self.backend)

        if notice and not _asks_something(question):
            # A personal statement of crisis, not a question about the sources: the notice
            # is the answer; quoting the book at it would be tone-deaf.
            return Answer(question, language, self._phrase(language, "crisis_answer"), [], True,
                          notice=notice, backend=self.backend)

        # The notice answers the crisis statement; the sources answer what is asked («… Would a
        # self-help group help me?»), judged by the question's own words.
        question = question_part(question) if notice else question

        if self._unknown_name(question, language):
            # «… i Finland»: the sources never name it, so nothing they say is about it.
            return self._abstain(question, language, notice, hits)

        # "How many factors … in the chapter comparing X and Y?" asks for a number, not a contrast.
        comparison = detect_comparison(question) if _answer_type(question) is None else None
        hits = list(hits[: cfg.max_passages])
        side_hits: list[list[ScoredPassage]] = []
        if comparison and search is not None:
            for side in (comparison.left, comparison.right):
                side_hits.append(list(search(self._side_query(side, question, comparison, language), cfg.side_k)))

        cands = self._candidates(hits, side_hits)
        if not cands:
            return self._abstain(question, language, notice, hits)
        query = self._score(cands, question_concepts(question, language, self.glossary), question, language, query_vector)

        if comparison:
            chosen = self._select_comparison([c for c in cands if not c.short], comparison, language, query)
        else:
            chosen = self._select(cands, question, language, query)
        # A sentence that spells out the abbreviation asked about letter by letter is evidence
        # enough («LINK – et akronym for: Læring, Informasjon, …» shares only «LINK» with it).
        spelled = (_answer_type(question) == "acronym" and bool(chosen)
                   and any(_holds("acronym", c.text, question) for c in chosen[0]))
        if not chosen or not spelled and self._too_weak(chosen, hits, language, query):
            return self._abstain(question, language, notice, hits)
        return self._compose(question, language, notice, chosen, comparison)

    def _unknown_name(self, question: str, language: str) -> str | None:
        """A name in a Norwegian question (a capitalised word after the first) whose stem the
        sources never use: «Finland», «Drammen». English questions are left alone: their
        capitalised words («Catholic», "Self-help Norway") are often English for a Norwegian one."""
        if self.known is None or language != "nb":
            return None
        words = tokens(_QUOTED_NAME.sub(" ", question))
        for w in words[1:]:
            if w[:1].isupper() and not w.isdigit():
                stems = content_stems(w, "nb")
                if stems and not any(self.known(st) for st in stems):
                    return w
        return None

    def _side_query(self, side: str, question: str, comparison: Comparison, language: str = "nb") -> str:
        # The side itself plus whatever else the question asks about ("... i praksis").
        drop = set(content_stems(comparison.left + " " + comparison.right, language)) | {
            "forskjell", "sammenlign", "differ", "compar", "lik", "likhet", "skill"}
        rest = [t for t in tokens(question) if content_stems(t, language) and content_stems(t, language)[0] not in drop]
        alias = _ALIASES.get(side.split("-")[0].lower())
        return " ".join([side] + ([alias] if alias else []) + self._acronyms(side, language) + rest)

    def _acronyms(self, side: str, language: str) -> list[str]:
        """The glossary's acronym for a Norwegian side («lærings- og mestringssentrene» → LMS):
        the book often uses only the short form in the passages that compare."""
        if language != "nb" or self.glossary is None or not hasattr(self.glossary, "norwegian_groups"):
            return []
        if self._acronym_of is None:  # built once: the glossary has ~1,400 entries
            self._acronym_of = {}
            for group in self.glossary.norwegian_groups():
                short = [alt for alt in group if alt.isupper() and 2 <= len(alt) <= 5]
                for alt in group if short else ():
                    self._acronym_of.setdefault(tuple(content_stems(alt, "nb")), short[0])
        acronym = self._acronym_of.get(tuple(content_stems(side, "nb")))
        return [acronym] if acronym and acronym.lower() != side.lower() else []

    def _candidates(self, hits, side_hits) -> list[_Cand]:
        cfg = self.config
        seen: dict[tuple[str, int], _Cand] = {}
        seen_text: set[str] = set()
        for group in [hits, *side_hits]:
            if not group:
                continue
            retrieved = {h.passage.id for h in group}
            for pos, h in enumerate(group):
                if h.passage.kind in ("reference", "heading", "table"):
                    continue
                ret = 1.0 / (1.0 + 0.3 * pos)  # by position: scores differ in scale between retrievers
                own = [(h, i, s) for i, s in enumerate(_sentences(h.passage.text, h.passage.language))]
                # A neighbour retrieved itself keeps its own rank for its sentences.
                rest = [x for x in self._paragraph_rest(h) if x[0].passage.id not in retrieved]
                for hit, i, s in own + rest:
                    p = hit.passage
                    text = p.text[s.start:s.end]
                    # A short sentence is kept only when it holds a figure («Seminaret hadde 50
                    # deltakere.»); it is then quoted with the sentence before it (_run).
                    short = s.words < cfg.min_words
                    if short and (s.words < 3 or not _FIGURE.search(text)) or _NOT_PROSE.search(text):
                        continue
                    key = (p.id, i)
                    if key in seen:
                        seen[key].ret = max(seen[key].ret, ret)
                        continue
                    norm = " ".join(text.lower().split())
                    if norm in seen_text:  # the same sentence in overlapping chunks
                        continue
                    seen_text.add(norm)
                    seen[key] = _Cand(hit, i, s, ret=ret, short=short)
        return list(seen.values())

    def _paragraph_rest(self, h: ScoredPassage) -> list[tuple[ScoredPassage, int, _Sent]]:
        """The sentences of the hit's paragraph that a chunk boundary put in the passage before
        or after it (the two share a line): «Informantene … kommer fra … Nord-Troms, … Finnmark
        …» ends the passage before the one retrieved for "where did the participants come from".
        Each is cited from its own passage."""
        p, out = h.passage, []
        if not p.lines:
            return out
        for other, after in ((self.preceding and self.preceding(p), False), (self.following and self.following(p), True)):
            if other is None or other.kind != p.kind or not other.lines:
                continue
            if (other.lines[0] if after else other.lines[1]) != (p.lines[1] if after else p.lines[0]):
                continue  # a paragraph break between them
            cut = other.text.find("\n\n") if after else other.text.rfind("\n\n")
            sents = _sentences(other.text, other.language)
            hit = ScoredPassage(other, h.score, h.rank, {**h.signals, "paragraph_of": p.id})
            out += [(hit, i, s) for i, s in enumerate(sents)
                    if cut < 0 or (s.end <= cut if after else s.start > cut)]
        return out

    def _score(self, cands, concepts, question, language, query_vector) -> _Query:
        cfg = self.config
        query = _query(concepts, cands)
        for c in cands:
            c.lex = query.overlap(c.sent.stems)
            if cfg.heading_share:
                # Words the question shares with the passage's section heading or chapter title
                # count in part (a sentence under «… Prosjekt LINK Vestfold» is about it).
                wider = query.overlap(c.sent.stems | _heading_stems(c.hit.passage))
                c.lex += cfg.heading_share * (wider - c.lex)
            lead = self._lead_stems(c.hit.passage)
            if lead:
                # A block quote is what its lead-in says it is («… står denne beskrivelsen av
                # selvhjelp:»): the lead-in's words count as the quote's own.
                c.lex = max(c.lex, query.overlap(c.sent.stems | lead))
        w_lex, w_ret = (cfg.w_lex_en, cfg.w_ret_en) if language == "en" else (cfg.w_lex_nb, cfg.w_ret_nb)
        for c in cands:
            c.score = (w_lex * c.lex + w_ret * c.ret) / (w_lex + w_ret)
        definition = asks_definition(question)
        if definition:
            for c in cands:
                if defines(c.text):
                    c.score += cfg.definition_bonus
        quoted = quoted_terms(question, language, self.glossary)
        for c in cands:
            c.quoted = sum(1 for q in quoted if all(_match(k, c.sent.stems) for k in q)) / len(quoted) if quoted else 0.0
            c.score += cfg.quoted_bonus * c.quoted
            c.announces = bool(cfg.announcement_penalty and self._announces(c))
            c.score -= cfg.announcement_penalty * c.announces
        if self.embed_passages is None or (query_vector is None and self.embed_query is None):
            return query
        # Dense similarity for the most promising sentences only; vectors are cached.
        top = sorted(cands, key=lambda c: c.score, reverse=True)[: cfg.dense_top_m]
        kind = _answer_type(question)
        if kind is not None:
            # A when/how-many question is judged on the sentences that hold a year/number, by
            # meaning too: give those a dense score even when their words rank them lower.
            typed = [c for c in cands if c not in top and _holds(kind, c.text, question)]
            top += sorted(typed, key=lambda c: c.score, reverse=True)[: cfg.dense_top_m]
        qv = query_vector if query_vector is not None else self.embed_query(question)
        vecs = self._vectors.get_many([c.text for c in top], self.embed_passages)
        cos = vecs @ np.asarray(qv, dtype=np.float32).reshape(-1)
        span = max(cfg.dense_ceiling - cfg.dense_floor, 1e-6)
        for c, x in zip(top, cos):
            c.dense = min(max((float(x) - cfg.dense_floor) / span, 0.0), 1.0)
            c.score = (w_lex * c.lex + w_ret * c.ret + cfg.w_dense * c.dense) / (w_lex + w_ret + cfg.w_dense)
            if definition and defines(c.text):
                c.score += cfg.definition_bonus
            c.score += cfg.quoted_bonus * c.quoted - cfg.announcement_penalty * c.announces
        return query

    @staticmethod
    def _announces(c: _Cand) -> bool:
        """«Kapittelet drøfter to hovedmodeller … Samtidig er det interessante forskjeller …»:
        the sentence announces, or goes on from a sentence that does."""
        if _ANNOUNCES.search(c.text):
            return True
        if c.idx == 0 or not _ANAPHORA.match(c.text):
            return False
        return bool(_ANNOUNCES.search(c.before().text))

    def _lead(self, p: Passage) -> str:
        """The sentence introducing a block quote or list («(1) I nasjonal plan for selvhjelp
        (…, 2004) står denne beskrivelsen av selvhjelp:»): it says what the quote is."""
        lead = lead_in(self.preceding(p), p) if self.preceding and p.kind in ("quote", "list") else None
        return lead or ""

    def _lead_stems(self, p: Passage) -> frozenset[str]:
        lead = self._lead(p)
        return frozenset(content_stems(lead, p.language)) if lead else frozenset()

    def _evidence(self, c: _Cand, language: str) -> float:
        return max(c.lex, c.dense or 0.0) if language == "en" else max(c.lex, 0.8 * (c.dense or 0.0))

    def _too_weak(self, chosen: list[list[_Cand]], hits, language, query: _Query) -> bool:
        cfg = self.config
        best = max(self._evidence(c, language) for run in chosen for c in run)
        if language == "en":
            dense = any(c.dense is not None for run in chosen for c in run)
            floor = cfg.min_evidence_en_dense if dense else cfg.min_evidence_en
        else:
            floor = cfg.min_evidence_nb
        if best < floor:
            return True
        need = min(cfg.min_shared_words, len(query.concepts))
        if (max(query.shared(c.sent.stems) for run in chosen for c in run) < need
                and max(c.lex for run in chosen for c in run) < cfg.min_single_word_lex
                and max(c.dense or 0.0 for run in chosen for c in run) < cfg.strong_dense):
            return True
        if cfg.min_top_dense is not None:
            dense = [h.signals.get("dense") for h in hits if h.signals.get("dense") is not None]
            if dense and max(dense) < cfg.min_top_dense:
                return True
        return False

    def _run(self, c: _Cand, cands_by_key: dict, good: float, *, extend: bool = False) -> list[_Cand]:
        """The sentence plus a neighbour: the one before if it opens with a back-reference
        («Dette …»), the one after if it also scores well; kept contiguous so the quote is a
        verbatim substring of the passage. ``extend``: go on through the passage while the run
        stays within ``max_run_words`` (practical guidance reads as a paragraph, not a line)."""
        cfg = self.config
        run = [c]
        sents = _sentences(c.hit.passage.text, c.hit.passage.language)
        words = c.sent.words
        refers_back = _ANAPHORA.match(c.text) or c.short
        if refers_back and c.idx > 0 and words + sents[c.idx - 1].words <= cfg.max_run_words:
            run.insert(0, c.before(cands_by_key))
            words += sents[c.idx - 1].words
        nxt_i = c.idx + 1
        if nxt_i < len(sents):
            nxt = cands_by_key.get((c.hit.passage.id, nxt_i))
            # A sentence ending in ":" introduces the next one; keep them together.
            if _INTRODUCES.search(c.text) and words + sents[nxt_i].words <= 2 * cfg.max_run_words:
                run.append(nxt or _Cand(c.hit, nxt_i, sents[nxt_i]))
            elif nxt is not None and nxt.score >= good and words + nxt.sent.words <= cfg.max_run_words:
                run.append(nxt)
        if extend:
            words = sum(x.sent.words for x in run)
            i = run[-1].idx + 1
            while i < len(sents) and words + sents[i].words <= cfg.max_run_words:
                run.append(cands_by_key.get((c.hit.passage.id, i)) or _Cand(c.hit, i, sents[i]))
                words += sents[i].words
                i += 1
        return run

    def _entities(self, question: str, language: str) -> list[Concept]:
        """Concepts for the names in the question: runs of capitalised words after the first
        word, and acronyms ("Self-help Norway's", "Mental Helse", "Angstringen", "SN")."""
        # A quoted name is one entity, lower-case words and all («De blindes selvhjelpsforbund»).
        quoted = ["".join(g).strip() for g in _QUOTED_NAME.findall(question) if "".join(g).strip()]
        runs = list(quoted)
        question = _QUOTED_NAME.sub(" , ", question)
        words = re.findall(r"[^\W_]+(?:-[^\W_]+)*", question)
        cur = []
        for k, w in enumerate(words):
            if (k > 0 and w[:1].isupper()) or (len(w) >= 2 and w.isupper()):
                cur.append(w)
            elif cur:
                runs.append(" ".join(cur))
                cur = []
        if cur:
            runs.append(" ".join(cur))
        out = []
        for run in runs:
            # Quoted names are Norwegian even in an English question: Norwegian stop words.
            own = frozenset(content_stems(run, "nb" if run in quoted else language))
            alts = [own] if own else []
            concepts = question_concepts(run, language, self.glossary)
            if len(concepts) == 1:  # the whole name is one glossary phrase: its translations count
                alts.extend(a for a in concepts[0] if a and a not in alts)
            if alts:
                out.append(tuple(alts))
        return out

    @staticmethod
    def _lex_in_context(c: _Cand, query: _Query | None) -> float:
        if query is None or c.idx == 0 or not (c.short or _refers_back(c.text)):
            return 0.0
        return query.overlap(c.sent.stems | c.before().sent.stems)

    @staticmethod
    def _context_stems(c: _Cand) -> frozenset[str]:
        """The sentence (with the ones before while they refer back, «Han …»/«Dette …», up to
        three) and its chapter's title and authors ("Feirings case")."""
        p = c.hit.passage
        sents = _sentences(p.text, p.language)
        stems = c.sent.stems
        # Follow a chain of back-references («Latour … Han antar … Han identifiserer fem …»).
        i, text = c.idx, c.text
        while i > 0 and c.idx - i < 3 and _refers_back(text):
            i -= 1
            stems = stems | sents[i].stems
            text = p.text[sents[i].start:sents[i].end]
        return stems | _meta_stems(p)

    def _about(self, c: _Cand, entity: Concept) -> bool:
        """Whether the sentence speaks of the entity: in its context (``_context_stems``), or
        its chapter is about it (all of the entity's words among the chapter's topics)."""
        if _match(entity, self._context_stems(c)):
            return True
        topics = self.topics(c.hit.passage) if self.topics else frozenset()
        return any(alt and alt <= topics for alt in entity)

    def _select(self, cands, question, language, query: _Query | None = None) -> list[list[_Cand]]:
        cfg = self.config
        kind = _answer_type(question)
        ranked = sorted(cands, key=lambda c: c.score, reverse=True)
        years = set(re.findall(r"\b(?:1[89]|20)\d\d\b", question))
        if years:
            # "How many groups were active in 2023?" needs a sentence about 2023.
            # A block quote's year may stand in its lead-in («I nasjonal plan … (…, 2004) står …:»).
            ranked = [c for c in ranked if years & set(re.findall(r"\b(?:1[89]|20)\d\d\b", c.text + " " + self._lead(c.hit.passage)))]
            if not ranked:
                return []
        if _PRESENT.search(question):
            # "Who leads SN today?" needs a sentence that speaks of the present, not history.
            ranked = [c for c in ranked if _PRESENT.search(c.text)]
            if not ranked:
                return []
        if kind is not None:
            typed = [c for c in ranked if _holds(kind, c.text, question)
                     or kind == "number" and _enumerates(c.text, query)]
            if kind == "date" and not typed:
                # The book may give only the year of a day asked for: quote that.
                typed = [c for c in ranked if _holds("year", c.text, question)]
            counted = _counted_stems(question, language, self.glossary) if kind == "number" else None
            if counted:
                # "How many members …?": a number about something else is no answer, however
                # many other question words the sentence shares («Hvor mange ansatte har SN?»
                # was answered with «… dannet i 1998 av to personer …» on the held-out set).
                typed = [c for c in typed if any(_has_stem(c.sent.stems, st) for st in counted)
                         or _enumerates(c.text, query, counted=counted)]
            subject = duration_subject(question) if kind == "duration" else None
            head = question_concepts(subject, language, self.glossary)[-1:] if subject else []
            if head:
                # "How long did the interviews last?": a length of time of something else (a
                # two-year project period) is no answer; the sentence, or the ones it refers back
                # to, or its section heading, must name what lasted (the subject's last word).
                typed = [c for c in typed
                         if _match(head[0], self._context_stems(c) | _heading_stems(c.hit.passage))]
            # It must be about what the question names ("SN's budget", not a town's budget),
            # in the sentence itself or the one before it ("Latour … Han identifiserer fem …").
            ents = self._entities(question, language)
            if kind == "place":
                # "Where in Norway …?": Norway is where the answer lies, not what it is about;
                # «Nord-Troms» answers it without naming Norway.
                scope = _PLACE_SCOPE.search(question)
                scope_stems = frozenset(content_stems(scope.group(1), language)) if scope else frozenset()
                ents = [e for e in ents if not _match(e, scope_stems)]
            if ents:
                typed = [c for c in typed if any(self._about(c, e) for e in ents)]
            # The typed sentence must itself be on topic, not just hold a number.
            floor = cfg.min_typed_lex_en if language == "en" else cfg.min_typed_lex_nb
            # A sentence that refers back («Seminaret hadde 50 deltakere.») is judged with the
            # sentence before it, which names what it speaks of.
            typed = [c for c in typed if max(c.lex, c.dense or 0.0, self._lex_in_context(c, query)) >= floor]
            if not typed and kind == "place":
                # A named place is preferred, not required: the book may say where in other
                # words («på en nasjonal konferanse», «i kommunen»).
                kind = None
            elif not typed:
                return []
        also: list[_Cand] = []  # further typed quotes that pass without the bar
        if kind is not None:
            # Best: the number stands next to what is counted («syv regionale enheter, omtalt
            # som distriktskontorer»), not elsewhere in the sentence.
            # For "when", an exact year («I 1995 og 1996 samlet seminarrekken …») is a better
            # answer than a decade («På midten av 1990-tallet samlet seminarrekken …»).
            # "Over what period …?": a span of years («i perioden 2009–2014») is better still.
            exact = cfg.exact_year_bonus if kind == "year" else 0.0
            span = exact if kind == "year" and asks_period(question) else 0.0
            first = max(typed, key=lambda c: (bool(counted) and _counts_near(c.text, counted),
                                              c.score + self._evidence(c, language)
                                              + exact * bool(_EXACT_YEAR.search(c.text))
                                              + span * holds_period(c.text)))
            if kind == "place":
                # A where-answer gives every place its source names for it: a sentence on topic
                # from the same chapter or sheet that lists other places («i Nord-Troms, … i
                # Finnmark og … i Vest-Oppland») follows, even below the bar for further quotes.
                # Another chapter's places are another study's; one more place is often
                # something else's («landets eneste kommunale LMS, plassert i Sandefjord»).
                named = {p.lower() for p in _places(first.text)}
                for c in sorted(typed, key=lambda c: c.score, reverse=True):
                    new = {p.lower() for p in _places(c.text)} - named
                    if c is not first and len(new) >= 2 and not c.short and _work(c) == _work(first):
                        also.append(c)
                        named |= new
            ranked = [first] + also + [c for c in ranked if c is not first and c not in also and not c.short]
        else:
            ranked = [c for c in ranked if not c.short]
            if not ranked:
                return []
        best = ranked[0].score
        good = cfg.keep_ratio * best
        if kind is None and asks_definition(question) and not defines(ranked[0].text):
            # "How does the plan define self-help?": a sentence that defines («Selvhjelp er å …»)
            # opens the answer if it is among the good ones and shares as many of the question's
            # words, before one that merely names the term (not one defining another term).
            defining = next((c for c in ranked if c.score >= good and c.lex >= ranked[0].lex
                             and defines(c.text)), None)
            if defining is not None:
                ranked = [defining] + [c for c in ranked if c is not defining]
        by_key = {(c.hit.passage.id, c.idx): c for c in cands}
        runs: list[list[_Cand]] = []
        used: set[str] = set()
        for c in ranked:
            if len(runs) >= cfg.max_quotes or c.score < good and runs and c not in also:
                break
            if c.hit.passage.id in used:
                continue
            if len(runs) == cfg.max_quotes - 1 > 0 and len({_work(r[0]) for r in runs}) == 1:
                # The last quote goes to another chapter or sheet when one above the bar says it
                # too: three quotes from one chapter hide that another defines the term (dev en-34).
                other = next((o for o in ranked if o.score >= good and _work(o) != _work(runs[0][0])
                              and o.hit.passage.id not in used), None)
                c = other or c
            # A practical question («Hvordan finner jeg en gruppe?») gets SN's guidance on it as
            # a paragraph, in the first quote.
            extend = not runs and c.hit.passage.source == "sn" and asks_practical(question, language)
            runs.append(self._run(c, by_key, good, extend=extend))
            used.add(c.hit.passage.id)
        return runs

    @staticmethod
    def _common_stems(cands, share: float = 0.4) -> frozenset[str]:
        """Stems in more than ``share`` of the candidate sentences."""
        df = Counter(st for c in cands for st in c.sent.stems)
        return frozenset(st for st, n in df.items() if n > share * len(cands))

    def _select_comparison(self, cands, comp: Comparison, language, query: _Query) -> list[list[_Cand]]:
        """Up to ``max_quotes_per_side`` quotes about each side; both sides or nothing."""
        cfg = self.config
        sides = []
        def stems_of(text: str) -> set[str]:
            return {s for concept in question_concepts(text, language, self.glossary) for alt in concept for s in alt}

        common = self._common_stems(cands)
        for side, other in ((comp.left, comp.right), (comp.right, comp.left)):
            own = stems_of(side) - stems_of(other)
            # A word nearly every candidate has («selvhjelp») does not tell the sides apart.
            own = (own - common) or own
            first = tokens(side)[0].lower() if tokens(side) else ""
            alias = _ALIASES.get(first) or next(iter(self._acronyms(side, language)), "")
            sides.append((own, alias.lower()))

        def position(c: _Cand, i: int) -> int | None:
            """Word index of the first mention of side ``i`` in the sentence, or None."""
            own, alias = sides[i]
            text = c.text
            if alias and alias in text.lower():
                return len(text[: text.lower().index(alias)].split())
            for k, t in enumerate(tokens(text)):
                if own & set(content_stems(t)):
                    return k
            return None

        w_lex, w_ret = (cfg.w_lex_en, cfg.w_ret_en) if language == "en" else (cfg.w_lex_nb, cfg.w_ret_nb)
        # Each side is scored against the question minus the other side's words.
        skips = [
            frozenset(k for k, c in enumerate(query.concepts) if any(alt & sides[1 - i][0] for alt in c))
            for i in (0, 1)
        ]

        def side_score(c: _Cand, i: int, pos: int) -> float:
            # Lexical overlap with the question minus the other side's words, so a sentence
            # about one side is not outscored by every sentence that names both.
            stems = c.sent.stems | sides[i][0]  # it mentions side i (maybe by its alias)
            lex = query.overlap(stems, skips[i])
            score = (w_lex * lex + w_ret * c.ret) / (w_lex + w_ret)
            if c.dense is not None:
                score = 0.75 * score + 0.25 * c.dense
            both = position(c, 1 - i) is not None
            bonus = 0.1 if pos <= 4 else 0.0  # the side is what the sentence is about
            if both:
                bonus += 0.1 if _CONTRAST.search(c.text) else -0.1
            return score + bonus

        by_key = {(c.hit.passage.id, c.idx): c for c in cands}
        runs: list[list[_Cand]] = []
        used: set[tuple[str, int]] = set()
        # A sentence that names both sides with a contrast («…, mens AA-grupper …») answers the
        # comparison most directly: it goes first, if it scores close to the best one-sided quote.
        def both_score(c: _Cand, p0: int, p1: int) -> float:
            # A sentence that contrasts the two sides answers the whole question: its words
            # count against the whole question, not against one side's half of it.
            lex = query.overlap(c.sent.stems | sides[0][0] | sides[1][0])
            score = (w_lex * lex + w_ret * c.ret) / (w_lex + w_ret)
            if c.dense is not None:
                score = 0.75 * score + 0.25 * c.dense
            return score + (0.1 if min(p0, p1) <= 4 else 0.0) + 0.1  # a direct contrast

        def position_before(c: _Cand, i: int) -> int | None:
            """Side ``i`` named by a demonstrative («… bryter med denne betingelsen») that the
            sentence before spells out: it counts as named, at the demonstrative."""
            m = _DEMONSTRATIVE.search(c.text)
            if not m or c.idx == 0:
                return None
            return len(c.text[: m.start()].split()) if position(c.before(), i) is not None else None

        both = []
        named_before: set[int] = set()  # sentences that name a side through the one before
        for c in cands:
            p0, p1 = position(c, 0), position(c, 1)
            if (p0 is None) != (p1 is None):
                p0 = p0 if p0 is not None else position_before(c, 0)
                p1 = p1 if p1 is not None else position_before(c, 1)
                if p0 is not None and p1 is not None:
                    named_before.add(id(c))
            if p0 is not None and p1 is not None and _DIRECT_CONTRAST.search(c.text) and not c.announces:
                both.append((both_score(c, p0, p1), c))
        # ... than the best quote about one side only (a sentence naming both sides without a
        # direct contrast, «slektskap mellom SN-grupper og AA-grupper», is not one-sided).
        best_single = max((side_score(c, i, pos) for c in cands for i in (0, 1)
                           if (pos := position(c, i)) is not None and position(c, 1 - i) is None),
                          default=0.0)
        if both:
            sc, c = max(both, key=lambda x: x[0])
            if sc >= cfg.keep_ratio * best_single:
                run = self._run(c, by_key, float("inf"))
                if id(c) in named_before and run[0] is c:
                    # «… denne betingelsen» is quoted with the sentence that says what it is.
                    run.insert(0, c.before(by_key))
                for r in run:
                    r.side = 2
                    used.add((r.hit.passage.id, r.idx))
                runs.append(run)
        for i in (0, 1):
            pool = []
            for c in cands:
                pos = position(c, i)
                if pos is not None:
                    pool.append((side_score(c, i, pos), c))
            # A side is what the book says about it, not a sentence announcing that it will.
            pool = [x for x in pool if not x[1].announces] or pool
            pool.sort(key=lambda x: x[0], reverse=True)
            picked = 0
            for sc, c in pool:
                if picked >= cfg.max_quotes_per_side or (picked and sc < cfg.keep_ratio * pool[0][0]):
                    break
                run = self._run(c, by_key, float("inf"))
                if any((r.hit.passage.id, r.idx) in used for r in run):
                    continue
                for r in run:
                    r.side = i
                    used.add((r.hit.passage.id, r.idx))
                runs.append(run)
                picked += 1
            if picked == 0:
                return []  # a comparison needs both sides
        return runs

    # -- output

    def _abstain(self, question, language, notice, hits) -> Answer:
        text = self._phrase(language, "abstain")
        related = list(hits[: self.config.related_count])
        if related:
            text += "\n\n" + self._phrase(language, "related")
        return Answer(question, language, text, [], abstained=True, notice=notice,
                      backend=self.backend, related=related)

    def _continuation(self, run: list[_Cand], quote: str) -> Passage | None:
        """The next passage when the quote ends its passage with «…:» and that passage is short
        enough to quote whole."""
        p = run[-1].hit.passage
        if (self.following is None or not _INTRODUCES.search(quote)
                or run[-1].idx != len(_sentences(p.text, p.language)) - 1):
            return None
        nxt = self.following(p)
        if nxt is None or len(nxt.text.split()) > self.config.max_run_words:
            return None
        return nxt

    def _compose(self, question, language, notice, runs, comparison) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        last_side = None
        continued: set[str] = set()  # passages quoted whole as the continuation of a run
        for run in runs:
            p = run[0].hit.passage
            if p.id in continued:
                continue  # already quoted whole
            quote = p.text[run[0].sent.start:run[-1].sent.end]
            # One number per quoted run (two runs from one passage get two numbers), so every
            # citation's quote is one verbatim substring of its passage.
            n = len(citations) + 1
            citations.append(Citation(n, p, quote))
            if comparison and run[0].side is not None and run[0].side != last_side:
                last_side = run[0].side
                if last_side == 2:
                    heading = self._phrase(language, "side_both")
                else:
                    heading = self._phrase(language, "side", side=comparison.left if last_side == 0 else comparison.right)
                lines.append(("\n" if lines else "") + heading)
            shown = " ".join(quote.split())
            lines.append(f"«{shown}» [{n}]" if language == "en" else f"{shown} [{n}]")
            more = self._continuation(run, quote)
            if more is not None and more.id not in continued and all(c.passage.id != more.id for c in citations):
                continued.add(more.id)
                n = len(citations) + 1
                citations.append(Citation(n, more, more.text))
                shown = " ".join(more.text.split())
                lines.append(f"«{shown}» [{n}]" if language == "en" else f"{shown} [{n}]")
        if language == "en":
            all_en = all(c.passage.language == "en" for c in citations)
            intro = self._phrase("en", "intro_english" if all_en else ("intro_compare" if comparison else "intro"))
        else:
            intro = self._phrase("nb", "intro_compare" if comparison else "intro")
        text = intro + "\n\n" + "\n".join(lines)
        return Answer(question, language, text, citations, abstained=False, notice=notice,
                      backend=self.backend)
