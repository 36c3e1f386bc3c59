"""Citation markers, passage references, and lexical support checks.

Markers are ``[n]`` (also ``[1, 2]`` and ``[1-3]``), numbered from 1 in the order passages
are given. ``support_score`` says how well a passage backs a sentence: the share of the
sentence's content stems (Norwegian Snowball stemmer, stopwords removed) found in the
passage, optionally raised by embedding similarity, which is what lets an English sentence
be checked against Norwegian text.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from .types import Passage

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SELF_HELP = re.compile(r"\bself[- ]help\b", re.IGNORECASE)
MARKER = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+")

STOPWORDS_NB = frozenset(
    """
    og i jeg det at en et ei den til er som på de med han av ikke ikkje der så var meg seg men
    ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans
    hvor eller hva skal selv sjøl her alle vil bli ble blitt kunne inn når være kom noen noe
    ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor
    dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår
    hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge siden dykk
    dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe henne hennar
    hennes hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me medan
    mi mine mykje no nokon noka nokor noko nokre si sia sidan so somt somme um upp vere vore
    verte vort varte vart få får fikk gjør gjøre gjorde ofte mer mest annen andre annet
    bok boka boken kildene kilden sier si står forteller handler betyr bety menes mener
    innebærer kjennetegner kjennetegnet forklar beskriv definisjon definisjonen definerer
    defineres ifølge egentlig
    """.split()
)
STOPWORDS_EN = frozenset(
    """
    a an the and or but if of at by for with about against between into through during before
    after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only
    own same so than too very s t can will just don should now i me my myself we our ours you
    your he him his she her it its they them their what which who whom this that these those
    am is are was were be been being have has had having do does did doing would could
    shall may might must also book sources source say says said tell describe mean means
    meant explain define definition characterise characterize according actually many much
    as kind kinds type types sort sorts presented mentioned listed described give gave good
    get want need please author authors anthology
    """.split()
)

# English question words mapped to the Norwegian words the corpus uses (keys are English
# Snowball stems), so that an English question can still match Norwegian sentences.
_GLOSSARY = {
    "group": "gruppe", "selvhjelp": "selvhjelp", "differ": "forskjell",
    "found": "stiftet", "establish": "etablert", "state": "stat", "fund": "finansiering",
    "financ": "finansiering", "budget": "budsjett", "municip": "kommune", "member": "medlem",
    "particip": "deltaker", "anonym": "anonymitet", "confidenti": "fortrolig",
    "stranger": "fremmede", "meet": "møte", "leader": "leder", "nation": "nasjonal",
    "health": "helse", "mental": "psykisk", "public": "offentlig", "voluntari": "frivillig",
    "volunt": "frivillig", "organis": "organisasjon", "organ": "organisasjon",
    "cooper": "samarbeid", "collabor": "samarbeid", "knowledg": "kunnskap",
    "experi": "erfaring", "profession": "profesjonell", "movement": "bevegelse",
    "research": "forskning", "chapter": "kapittel", "coordin": "koordinering",
    "norway": "norge", "norwegian": "norsk", "alcohol": "alkoholiker", "sponsor": "sponsor",
    "hierarchi": "hierarki", "equal": "likhet", "close": "lukket",
    "boundari": "grense", "work": "arbeid", "entrepreneurship": "entreprenørskap",
    "social": "sosial", "capit": "kapital", "welfar": "velferd", "mirror": "speiling",
    "reciproc": "gjensidighet", "therapi": "terapi", "therapeut": "terapeutisk",
    "treatment": "behandling", "psychotherapi": "psykoterapi", "problem": "problem",
    "offic": "kontor", "district": "distrikt", "centr": "senter", "center": "senter",
    "learn": "læring", "cope": "mestring", "year": "år", "plan": "plan", "polit": "politisk",
    "individu": "individualisering", "field": "felt", "model": "modell", "principl": "prinsipp",
    "leaderless": "lederløs", "advic": "råd", "feedback": "tilbakemelding", "famili": "familie",
    "friend": "venn", "network": "nettverk", "ident": "identitet", "trust": "tillit",
    "peer": "likemann", "start": "startet", "project": "prosjekt", "govern": "myndighet",
    "ministri": "departement", "directorate": "direktorat", "germani": "tyskland",
    "sweden": "sverig", "swedish": "svensk", "denmark": "danmark", "danish": "dansk",
    "integr": "integrert", "interview": "intervju", "foreword": "forord", "preface": "forord",
    "date": "dato", "open": "åpnet", "foundat": "stiftelse", "newspap": "avis",
    "headlin": "overskrift", "mandat": "mandat", "period": "periode", "grant": "tilskudd",
}

_local = threading.local()


def _stemmer(lang: str):
    # PyStemmer objects are not thread-safe: one per thread.
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if lang not in cache:
        import Stemmer

        cache[lang] = Stemmer.Stemmer(lang)
    return cache[lang]


def tokens(text: str) -> list[str]:
    """Word tokens; hyphenated compounds split ("AA-gruppe" → AA, gruppe); "AAs" → AA."""
    out = []
    for t in _TOKEN.findall(_SELF_HELP.sub("selvhjelp", text)):
        if len(t) >= 3 and t.endswith("s") and t[:-1].isupper():
            t = t[:-1]
        out.append(t)
    return out


def content_stems(text: str, language: str = "nb") -> list[str]:
    """Stemmed content words of ``text`` (stopwords and one-letter words removed).

    English text is stemmed with the English stemmer and mapped through a small domain
    glossary into Norwegian stems; words without an entry keep their Norwegian stem
    (names and acronyms match either way).
    """
    words = [t.lower() for t in tokens(text)]
    words = [w for w in words if len(w) > 1 or w.isdigit()]
    if language == "en":
        words = [w for w in words if w not in STOPWORDS_EN]
        en_stems = _stemmer("english").stemWords(words)
        mapped = [_GLOSSARY.get(s, w) for s, w in zip(en_stems, words)]
        return [s for s in _stemmer("norwegian").stemWords(mapped) if s]
    words = [w for w in words if w not in STOPWORDS_NB]
    return [s for s in _stemmer("norwegian").stemWords(words) if s]


def stem_overlap(needles: Iterable[str], haystack: set[str]) -> float:
    """Share of ``needles`` found in ``haystack``; a compound that contains a needle of 5+
    letters counts half ("selvhjelpsgrupp" for "grupp")."""
    needles = list(dict.fromkeys(needles))
    if not needles:
        return 0.0
    got = 0.0
    for s in needles:
        if s in haystack:
            got += 1.0
        elif len(s) >= 5 and any(len(h) > len(s) and (h.endswith(s) or h.startswith(s)) for h in haystack):
            got += 0.5
    return got / len(needles)


# ---------------------------------------------------------------- markers


def parse_markers(text: str) -> list[int]:
    """Every marker number in ``text``, in order, ranges expanded ("[1-3]" → 1, 2, 3)."""
    out: list[int] = []
    for m in MARKER.finditer(text):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            if re.search(r"[–-]", part):
                a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
                out.extend(range(a, b + 1) if 0 < b - a < 20 else (a, b))
            else:
                out.append(int(part))
    return out


def remove_out_of_range(text: str, n_max: int) -> tuple[str, list[int]]:
    """Drop marker numbers outside 1..n_max; returns the new text and the removed numbers."""
    removed: list[int] = []

    def fix(m: re.Match) -> str:
        nums = parse_markers(m.group(0))
        keep = [n for n in dict.fromkeys(nums) if 1 <= n <= n_max]
        removed.extend(n for n in nums if not 1 <= n <= n_max)
        return "".join(f"[{n}]" for n in keep)

    new = MARKER.sub(fix, text)
    new = re.sub(r"[ \t]+([.,;:!?])", r"\1", new)
    return re.sub(r"[ \t]{2,}", " ", new), removed


def strip_markers(text: str) -> str:
    return re.sub(r"\s*" + MARKER.pattern, "", text).strip()


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite markers through ``mapping`` (old → new); unmapped numbers are dropped."""

    def fix(m: re.Match) -> str:
        nums = [mapping[n] for n in dict.fromkeys(parse_markers(m.group(0))) if n in mapping]
        return "".join(f"[{n}]" for n in dict.fromkeys(nums))

    return MARKER.sub(fix, text)


# ---------------------------------------------------------------- support


def support_score(
    sentence: str,
    passage_text: str,
    *,
    language: str = "nb",
    embed: Callable[[list[str]], np.ndarray] | None = None,
    dense_floor: float = 0.80,
    dense_ceiling: float = 0.92,
) -> float:
    """How well ``passage_text`` supports ``sentence``, from 0 to 1.

    Lexical: share of the sentence's content stems present in the passage. A number in the
    sentence that the passage does not contain caps the score at 0.2 (invented figures are
    the worst kind of unsupported claim). With ``embed`` (texts → L2-normalised vectors),
    the best cosine between the sentence and a passage sentence, mapped linearly from
    [dense_floor, dense_ceiling] to [0, 1], can raise the score.
    """
    stems = content_stems(strip_markers(sentence), language)
    passage_stems = set(content_stems(passage_text, "nb"))
    score = stem_overlap(stems, passage_stems)
    if embed is not None and stems:
        from .chunking import split_sentences

        parts = split_sentences(passage_text) or [passage_text]
        vecs = embed([strip_markers(sentence)] + parts)
        cos = float(np.max(vecs[1:] @ vecs[0]))
        dense = (cos - dense_floor) / max(dense_ceiling - dense_floor, 1e-6)
        score = max(score, min(max(dense, 0.0), 1.0))
    numbers = set(_NUMBER.findall(strip_markers(sentence)))
    if numbers and not numbers <= set(_NUMBER.findall(passage_text)):
        score = min(score, 0.2)
    return score


# ---------------------------------------------------------------- references


def _surname(name: str) -> str:
    return name.split()[-1] if name.split() else name


def _initials(name: str) -> str:
    return " ".join(f"{p[0]}." for p in name.split()[:-1])


def _join(items: Sequence[str], last: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def doi_url(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = doi.strip()
    if doi.startswith("http"):
        return doi
    return "https://doi.org/" + doi.removeprefix("doi:").strip()


def _pages(p: Passage, language: str) -> str | None:
    if not p.pages:
        return None
    a, b = p.pages
    prefix = "s." if language == "nb" else ("p." if a == b else "pp.")
    return f"{prefix} {a}" if a == b else f"{prefix} {a}–{b}"


def format_citation(passage: Passage, language: str = "nb") -> str:
    """A short human-readable source line, e.g.
    «Kap. 2, "Selvhjelpsgrupper og …", Brottveit, s. 50–51, https://doi.org/10.23865/noasp.68.ch2»."""
    p = passage
    if p.source == "anthology":
        parts = []
        if p.chapter == 0:
            parts.append("Forord" if language == "nb" else "Preface (Forord)")
        elif p.chapter is not None:
            parts.append(f"{'Kap.' if language == 'nb' else 'Ch.'} {p.chapter}")
        if p.chapter_title and p.chapter != 0:
            parts.append(f'"{p.chapter_title}"')
        if p.authors:
            parts.append(_join([_surname(a) for a in p.authors], "og" if language == "nb" else "and"))
        if pages := _pages(p, language):
            parts.append(pages)
        if url := doi_url(p.doi) or p.url:
            parts.append(url)
        return ", ".join(parts) or "Samarbeid om selvhjelp (2019)"
    title = p.title or p.section or ("Selvhjelp Norge" if p.source == "sn" else p.url or p.id)
    parts = [f'"{title}"']
    if p.source == "sn":
        parts.append("Selvhjelp Norge")
    if p.url:
        parts.append(p.url)
    return ", ".join(parts)


_BOOK = (
    "Å. Brottveit & M. Feiring (Red.), Samarbeid om selvhjelp. En antologi om den nye "
    "selvhjelpsbevegelsen i Norge"
)


def format_reference(passage: Passage) -> str:
    """An APA-style reference for the passage's source (for the UI's copy button)."""
    p = passage
    if p.source == "anthology":
        authors = list(p.authors or [])
        names = [f"{_surname(a)}, {_initials(a)}".rstrip(", ") for a in authors]
        who = _join(names, "&") if names else "Brottveit, Å. & Feiring, M. (Red.)"
        title = "Forord" if p.chapter == 0 else (p.chapter_title or "Samarbeid om selvhjelp")
        pages = f" ({_pages(p, 'nb')})" if p.pages else ""
        ref = f"{who} (2019). {title}. I {_BOOK}{pages}. Cappelen Damm Akademisk."
        if url := doi_url(p.doi):
            ref += f" {url}"
        return ref
    org = "Selvhjelp Norge" if p.source == "sn" else (p.authors[0] if p.authors else "")
    title = p.title or p.section or p.id
    ref = f"{org}. (u.å.). {title}." if org else f"{title}. (u.å.)."
    if p.url:
        ref += f" {p.url}"
    return ref


def passages_block(passages: Sequence[Passage], language: str = "nb",
                   leads: Mapping[str, str] | None = None) -> str:
    """The numbered passages for an LLM prompt. Each passage is fenced and any text that
    could close the block early is defused, so passage text stays quoted material. ``leads``:
    the sentence introducing a block quote or list (rag.flow), shown before it in its fence."""
    def defuse(text: str) -> str:
        return re.sub(r"</?\s*kilder?\s*>|</?\s*utdrag\b[^>]*>", "[…]", text, flags=re.IGNORECASE)

    out = []
    for i, p in enumerate(passages, 1):
        lead = (leads or {}).get(p.id)
        head = f"[Innledes i teksten med: «{defuse(lead)}»]\n" if lead else ""
        out.append(f'<utdrag nr="{i}" kilde="{format_citation(p, language)}">\n{head}{defuse(p.text)}\n</utdrag>')
    return "\n\n".join(out)
