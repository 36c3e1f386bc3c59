"""Dictionary-based query translation, English → Norwegian (classic cross-language IR).

No translation model can be used offline, so an English question is turned into a Norwegian
"gloss": a bag of Norwegian words and phrases from a hand-made glossary
(corpus/glossary/en-nb.tsv). The retriever searches with the gloss next to the original
question, for both dense and BM25 search.

    g = Glossary.load(Path("corpus/glossary/en-nb.tsv"))
    g.translate("When was Self-Help Norway founded?")
    # -> "når Selvhjelp Norge SN stiftet etablert grunnlagt opprettet"

Matching ignores case and simple inflection (plural -s/-es/-ies, -ed, -ing, possessive 's, a
few irregular verbs); phrases are matched longest-first, so "self-help groups" becomes
"selvhjelpsgruppe", not three separate words. English stop words are dropped; unknown words
(names, places, Norwegian words, numbers) are kept as written.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import CorpusError

__all__ = ["Glossary", "Translation", "default_glossary", "lemma", "GLOSSARY_RELPATH"]

GLOSSARY_RELPATH = Path("glossary") / "en-nb.tsv"

# A word: letters (incl. æøå and accents) and digits, with an optional apostrophe part
# ("norway's", "don't"). Hyphens and slashes separate words, so "self-help" == "self help".
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-z]+|['’](?![A-Za-z]))?")
_DECADE = re.compile(r"^(1[89]\d0|20[0-9]0)s$")  # "1990s" → "1990-tallet"
_ALT = " | "

STOPWORDS = frozenset("""
a an the this that these those it its it's itself they them their theirs themselves
he him his she her hers i me my mine we us our ours you your yours one's
is are was were be been being am do does did doing done has have had having
can could would should may might must will shall shan't won't wouldn't can't cannot
of in on at to for with by from into onto about as than then so if or and nor but yet
also too very just only even any some such there here what's who's
up down out off over again further once both each own same
s t d ll ve re m o y
please tell explain describe say says said know let
according regarding concerning get gets got getting gotten
well rather therefore finally while seems seem however besides generally thus hence
indeed actually really mostly mainly e g i.e etc like
""".split())

# Irregular English forms that the suffix rules cannot reach.
_IRREGULAR = {
    "led": "lead", "began": "begin", "begun": "begin", "grew": "grow", "grown": "grow",
    "took": "take", "taken": "take", "made": "make", "met": "meet", "paid": "pay",
    "spent": "spend", "wrote": "write", "written": "write", "ran": "run", "held": "hold",
    "chose": "choose", "chosen": "choose", "gave": "give", "given": "give", "built": "build",
    "brought": "bring", "thought": "think", "taught": "teach", "felt": "feel", "lost": "lose",
    "sought": "seek", "understood": "understand", "became": "become", "came": "come",
    "went": "go", "gone": "go", "told": "tell", "knew": "know", "known": "know",
    "shown": "show", "seen": "see", "saw": "see", "got": "get", "gotten": "get", "kept": "keep",
    "women": "woman", "men": "man", "children": "child", "wrought": "work",
    "drew": "draw", "drawn": "draw", "fell": "fall", "fallen": "fall", "rose": "rise",
    "risen": "rise", "sent": "send", "lent": "lend", "meant": "mean", "spoke": "speak",
    "spoken": "speak", "stood": "stand", "won": "win", "hid": "hide", "hidden": "hide",
    "analyses": "analysis", "criteria": "criterion", "phenomena": "phenomenon",
    "data": "data", "news": "news", "series": "series", "status": "status",
}
_UNDOUBLE = set("bcdfgklmnprtvz")


def lemma(word: str) -> str:
    """A crude English lemma, applied the same way to glossary keys and to questions, so that
    "meetings"/"meeting"/"meet", "founded"/"found", "uses"/"used"/"using"/"use" and
    "Norway's"/"Norway" meet. It is a key for matching, not a real word ("make" → "mak")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if not w.isalpha() or len(w) <= 2:
        return w
    w = _IRREGULAR.get(w, w)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("ied"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("es") and w[:-2].endswith(("x", "z", "ch", "sh", "ss")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if w.endswith("ed") and not w.endswith("eed") and _has_vowel(w[:-2]):
        w = w[:-2]
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w = w[:-3]
    if len(w) == 2:
        w += "e"  # used/using → use, aged → age
    # American/British spellings: organize/organise, organization/organisation.
    w = re.sub(r"iz(?=[aei])", "is", w)
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # make/making → mak; centre/centres → centr
    if len(w) > 3 and w[-1] == w[-2] and w[-1] in _UNDOUBLE:
        w = w[:-1]  # planned/planning → plan; programme → program; call/called → cal
    return w


def _has_vowel(stem: str) -> bool:
    return len(stem) >= 2 and any(c in "aeiouy" for c in stem)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Translation:
    gloss: str                    # Norwegian words/phrases, space-separated
    short: str                    # the same with each entry's first alternative only
    coverage: float               # share of English content words that were translated
    matched: tuple[str, ...]      # English phrases/words that were translated, as written
    unknown: tuple[str, ...]      # content words kept as written (names, numbers, unknown)


class Glossary:
    """English → Norwegian glossary with longest-first phrase matching."""

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]], source: str = "<memory>"):
        self.source = source
        self._entries = entries
        # first lemma → phrase lengths, longest first: the inner loop tries only real lengths.
        lengths: dict[str, set[int]] = {}
        for key in entries:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {k: sorted(v, reverse=True) for k, v in lengths.items()}
        # For the gloss, one alternative per stem: «utvikle | utvikler | utviklet | utvikling»
        # lists the forms the book uses (document translation needs them all), but repeated
        # in a question's gloss they would outweigh its other words.
        import Stemmer

        stem = Stemmer.Stemmer("norwegian").stemWord
        self._gloss = {key: _distinct_stems(alts, stem) for key, alts in entries.items()}
        # The short gloss keeps each entry's first (most common) alternative only.
        self._first = {key: alts[:1] for key, alts in entries.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, english: str) -> bool:
        return tuple(lemma(w) for w in _words(english)) in self._entries

    def lookup(self, english: str) -> tuple[str, ...]:
        """Norwegian alternatives for one English word or phrase (empty when unknown)."""
        return self._entries.get(tuple(lemma(w) for w in _words(english)), ())

    @classmethod
    def load(cls, path: Path) -> "Glossary":
        """Read ``english<TAB>norwegian`` lines; either side may hold alternatives separated
        by " | ". Blank lines and lines starting with # are skipped. A malformed line or an
        English key given twice raises CorpusError naming the file and line."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CorpusError(f"Cannot read the glossary {path}: {e}") from None
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        first_line: dict[tuple[str, ...], int] = {}
        for n, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue

            def bad(why: str) -> CorpusError:
                return CorpusError(f"{path}, line {n}: {why}: {raw!r}")

            parts = raw.strip(" \r\n").split("\t")
            if len(parts) != 2:
                raise bad("expected 'english<TAB>norwegian' (exactly one tab)")
            en_side, nb_side = (p.strip() for p in parts)
            english = [a.strip() for a in en_side.split("|")]
            norwegian = [a.strip() for a in nb_side.split("|")]
            if not all(english) or not all(norwegian):
                raise bad("empty English or Norwegian alternative")
            nb = tuple(dict.fromkeys(norwegian))
            for alt in english:
                key = tuple(lemma(w) for w in _words(alt))
                if not key:
                    raise bad(f"English alternative {alt!r} has no words")
                if key in entries and first_line[key] != n:
                    raise bad(f"English {alt!r} is already defined on line {first_line[key]}")
                entries[key] = nb
                first_line[key] = n
        if not entries:
            raise CorpusError(f"The glossary {path} has no entries.")
        return cls(entries, source=str(path))

    def analyse(self, text: str) -> Translation:
        """Translate ``text`` and report what was and was not covered. The gloss keeps one
        Norwegian alternative per distinct stem, the short gloss one per English entry."""
        spans = _spans(text)
        words = [text[a:b] for a, b in spans]
        lemmas = [lemma(w) for w in words]
        out: list[str] = []
        short: list[str] = []
        matched: list[str] = []
        unknown: list[str] = []
        content = translated = 0
        i = 0
        while i < len(words):
            hit = 0
            for n in self._lengths.get(lemmas[i], ()):
                if n <= len(words) - i and tuple(lemmas[i:i + n]) in self._entries:
                    hit = n
                    break
            if hit:
                key = tuple(lemmas[i:i + hit])
                out.extend(self._gloss[key])
                short.extend(self._first[key])
                matched.append(text[spans[i][0]:spans[i + hit - 1][1]])
                n_content = sum(1 for w in words[i:i + hit] if not _is_stop(w))
                content += n_content
                translated += n_content
                i += hit
                continue
            w = words[i]
            i += 1
            if _is_stop(w):
                continue
            m = _DECADE.match(w.lower().replace("’", "").replace("'", ""))
            if m:
                out.append(f"{m.group(1)}-tallet")
                short.append(out[-1])
                matched.append(w)
                content += 1
                translated += 1
                continue
            word = w.rstrip("'’")
            if word.lower().endswith(("'s", "’s")):
                word = word[:-2]
            out.append(word)
            short.append(word)
            unknown.append(word)
            if not word.isdigit():
                content += 1
        coverage = translated / content if content else 0.0
        return Translation(" ".join(dict.fromkeys(out)), " ".join(dict.fromkeys(short)), coverage,
                           tuple(matched), tuple(unknown))

    def norwegian_to_english(self) -> dict[str, frozenset[str]]:
        """Each single Norwegian word of the glossary (lower case) → the English lemmas of the
        entries that translate to it (stop words left out). Used to index Norwegian passages
        under English words too (document translation, the mirror of the query gloss)."""
        out: dict[str, set[str]] = {}
        for key, norwegian in self._entries.items():
            english = {w for w in key if not _is_stop(w)}
            if not english:
                continue
            for alt in norwegian:
                words = alt.lower().split()
                if len(words) == 1:
                    out.setdefault(words[0], set()).update(english)
        return {k: frozenset(v) for k, v in out.items()}

    def norwegian_groups(self) -> tuple[tuple[str, ...], ...]:
        """The Norwegian alternatives of each entry, as written («lærings- og mestringssenter",
        …, «LMS»)."""
        return tuple(self._entries.values())

    def norwegian_synonyms(self) -> dict[str, frozenset[str]]:
        """Each single Norwegian word of the glossary (lower case) → the single words that
        translate the same English entries ("fase" → {"fase", "stadium", "stadier"})."""
        out: dict[str, set[str]] = {}
        for norwegian in self._entries.values():
            group = {alt.lower() for alt in norwegian if len(alt.split()) == 1}
            for word in group:
                out.setdefault(word, set()).update(group)
        return {k: frozenset(v) for k, v in out.items()}

    @staticmethod
    def english_terms(text: str) -> list[str]:
        """The lemmas of an English text's content words (what `norwegian_to_english` yields)."""
        return [lemma(w) for w in _words(text) if not _is_stop(w)]

    def translate(self, text: str, *, first_only: bool = False) -> str:
        """The Norwegian gloss of an English text ("" when nothing is left)."""
        tr = self.analyse(text)
        return tr.short if first_only else tr.gloss

    def coverage(self, text: str) -> float:
        """Share of English content words (not stop words, not bare numbers) that the
        glossary translated; 0.0 when the text has no content words."""
        return self.analyse(text).coverage


def _distinct_stems(alternatives: tuple[str, ...], stem: Callable[[str], str]) -> tuple[str, ...]:
    """The alternatives, leaving out any whose Norwegian stems repeat an earlier one's."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for alt in alternatives:
        key = tuple(stem(w) for w in alt.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(alt)
    return tuple(out)


def _is_stop(word: str) -> bool:
    w = word.lower().replace("’", "'")
    return w in STOPWORDS or (w.endswith("'s") and w[:-2] in STOPWORDS)


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Glossary:
    return Glossary.load(Path(path))


def default_glossary(settings_or_corpus_dir) -> Glossary:
    """The project glossary (``<corpus_dir>/glossary/en-nb.tsv``), loaded once per path.
    Accepts a Settings object (uses its ``corpus_dir``) or the corpus directory itself."""
    corpus_dir = getattr(settings_or_corpus_dir, "corpus_dir", settings_or_corpus_dir)
    return _load_cached(str((Path(corpus_dir) / GLOSSARY_RELPATH).resolve()))
