"""The anthology text (as extracted from its PDF) → clean, sentence-aligned passages.

Provenance is the 1-based line number of ``samarbeid-om-selvhjelp.txt``. The parser first gives
every line a role (page furniture to drop, or content of some kind), using rules for what rules
can see and ``structure.toml`` for what they cannot, then joins each run of content lines into
text (hyphenation, double-spaced quotes, glued footnote markers) while remembering which line
every character came from, and finally packs whole sentences into passages.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..chunking import pack, sentence_spans, word_count
from ..errors import CorpusError
from ..types import Passage

TEXT_FILE = "samarbeid-om-selvhjelp.txt"
TARGET_WORDS = 50  # measured: bench/passage_size.py (50/90 beat 35/60, 80/140 and 120/200)
MAX_WORDS = 90

SLUG = re.compile(r"^Samarbeid om selvhjelp\.indd\s+\d+\s+\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}:\d{2}$")
URL_LINE = re.compile(r"^https?://\S+$")
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
SITERING = re.compile(r"^Sitering av dette kapittelet:")
LISENS = re.compile(r"^Lisens: CC BY 4\.0$")
# The stray, broken citation line inside chapter 4 (line 3092).
SITERING_FRAGMENT = re.compile(r"\(s\. \d+–\d+\)\. Oslo: Cappelen Damm Akademisk\.")
ABSTRACT = re.compile(r"^ ?Abstract:")
KEYWORDS = re.compile(r"^Keywords:")
FOOTNOTE_START = re.compile(r"^(\d{1,2})\t ")
REFERENCE_START = re.compile(r"^[A-ZÆØÅ][^\n]{0,80}\(\d{4}[^)]*\)\.")
# A footnote marker glued to the end of a word: "samfunn2", "(AA).1", "tilbud.»9".
GLUED_MARKER = re.compile(r"(?<=[A-Za-zÆØÅæøåé\)\.»”])(\d{1,2})(?=[\s,.;:»)]|$)")
SENTENCE_END = re.compile(r"[.!?»”\")]$")
SUSPENDED = {"og", "eller", "til", "samt", "enn", "and", "or"}

DROP_REASONS = {
    "slug": "InDesign slug line (print production footer)",
    "slug_url": "hyperlink URL printed after a slug line",
    "running_header": "running header",
    "page_number": "bare page number",
    "citation": "«Sitering»/«Lisens» block (chapter metadata, kept in chapters.toml)",
    "front_matter": "chapter title block: title, authors, affiliations (kept in chapters.toml)",
    "heading": "section heading (carried in the `section` field of the passages under it)",
}
CONTENT_KINDS = ("body", "quote", "footnote", "abstract", "table", "list", "reference")


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    authors: tuple[str, ...]
    affiliations: tuple[str, ...]
    pages: tuple[int, int]
    missing_pages: tuple[int, ...]
    doi: str
    first_line: int
    last_line: int
    front_matter: tuple[tuple[int, int], ...]

    @property
    def url(self) -> str:
        return f"https://doi.org/{self.doi}"


@dataclass
class ParsedAnthology:
    book_title: str
    chapters: list[Chapter]
    passages: list[Passage]
    # passage id -> the source lines it owns (a line is owned by the passage holding its first character)
    owned_lines: dict[str, list[int]]
    # line -> reason, for every non-blank line that is deliberately left out of the passages
    dropped: dict[int, str]
    # page of each line (index = line number; index 0 unused)
    page_of_line: list[int]
    line_count: int


def read_lines(path: Path) -> list[str]:
    """The file's lines, 1-based: ``lines[0]`` is an unused empty string."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CorpusError(f"Cannot read the anthology text {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorpusError(f"{path} is not valid UTF-8 (byte {e.start}); restore it from ../shared/corpus") from None
    if "\x00" in text:  # a damaged copy: NUL bytes would end up inside passages
        raise CorpusError(f"{path} contains NUL bytes (at byte {raw.index(0)}); restore it from ../shared/corpus")
    return [""] + text.split("\n")


def load_chapters(path: Path) -> tuple[dict, list[Chapter]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        chapters = [
            Chapter(
                number=c["number"], title=c["title"], authors=tuple(c["authors"]),
                affiliations=tuple(c.get("affiliations", ())), pages=tuple(c["pages"]),
                missing_pages=tuple(c.get("missing_pages", ())), doi=c["doi"],
                first_line=c["first_line"], last_line=c["last_line"],
                front_matter=tuple(tuple(r) for r in c.get("front_matter", ())),
            )
            for c in data["chapter"]
        ]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as e:
        raise CorpusError(f"Cannot read chapter map {path}: {e}") from None
    return data["book"], chapters


def _ranges(items) -> list[tuple[int, int]]:
    return [tuple(r) for r in items]


class _Roles:
    """Per-line roles; a line gets the first role given to it."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.n = len(lines) - 1
        self.role: list[str | None] = [None] * (self.n + 1)
        for i in range(1, self.n + 1):
            if not lines[i].strip():
                self.role[i] = "blank"

    def set(self, i: int, role: str) -> None:
        if self.role[i] is None:
            self.role[i] = role

    def free(self, i: int) -> bool:
        return 1 <= i <= self.n and self.role[i] is None


def _mark_furniture(r: _Roles) -> None:
    """Slug blocks (slug, URLs, running header, page number) and citation blocks."""
    lines = r.lines
    i = 1
    while i <= r.n:
        if SLUG.match(lines[i]):
            r.set(i, "slug")
            j = i + 1
            header_seen = False
            while j <= r.n:
                s = lines[j].strip()
                if not s:
                    j += 1
                    continue
                if URL_LINE.match(s) and not header_seen:
                    r.set(j, "slug_url")
                elif PAGE_NUMBER.match(s):
                    r.set(j, "page_number")
                    break
                elif not header_seen:
                    r.set(j, "running_header")
                    header_seen = True
                else:
                    break
                j += 1
            i = j + 1
            continue
        if SITERING.match(lines[i]):
            j = i
            while j <= r.n:
                r.set(j, "citation")
                if LISENS.match(lines[j].strip()) or "doi.org/10.23865/noasp.68.ch" in lines[j]:
                    if j + 1 <= r.n and LISENS.match(lines[j + 1].strip()):
                        r.set(j + 1, "citation")
                        j += 1
                    break
                j += 1
            i = j + 1
            continue
        if SITERING_FRAGMENT.search(lines[i]):
            r.set(i, "citation")
        i += 1


def _page_starts(r: _Roles, chapters: list[Chapter]) -> list[int]:
    """Lines that start a PDF page: one leading space, or a running header after a slug block."""
    lines = r.lines
    starts = {c.first_line for c in chapters}
    last = 0
    for i in range(1, r.n + 1):
        s = lines[i]
        is_start = False
        if r.role[i] == "running_header":
            is_start = True
        elif s.startswith(" ") and s.strip() and r.role[i] != "citation":
            # A page holds 30+ lines; a leading space closer than that is not a new page
            # (lines 1325 and 3896 in the title blocks of chapters 2 and 5).
            is_start = i - last >= 10
        if i in starts:
            is_start = True
        if is_start:
            starts.add(i)
            last = i
    return sorted(starts)


def _page_map(r: _Roles, chapters: list[Chapter], starts: list[int]) -> list[int]:
    first_page = {c.first_line: c.pages[0] for c in chapters}
    page_of = [0] * (r.n + 1)
    start_set = set(starts)
    page = chapters[0].pages[0] - 1
    for i in range(1, r.n + 1):
        if i in first_page:
            page = first_page[i]
        elif i in start_set:
            page += 1
        page_of[i] = page
    return page_of


def _mark_structure(r: _Roles, chapters: list[Chapter], structure: dict) -> dict[int, int]:
    """Front matter, abstracts, curated headings/tables/lists, footnotes, references, quotes.

    Returns the map continuation-line -> footnote start line for footnotes that run on.
    """
    lines = r.lines
    for ch in chapters:
        for a, b in ch.front_matter:
            for i in range(a, b + 1):
                r.set(i, "front_matter")
    for kind, key in (("heading", "headings"), ("table", "tables"), ("list", "lists")):
        for a, b in _ranges(structure.get(key, ())):
            for i in range(a, b + 1):
                if lines[i].strip():
                    if not r.free(i):
                        raise CorpusError(f"structure.toml: {key} line {i} is already a {r.role[i]}")
                    r.set(i, kind)
    # Abstract up to the Keywords block; the Keywords lines go with it.
    for i in range(1, r.n + 1):
        if not (ABSTRACT.match(lines[i]) and r.free(i)):
            continue
        j = i
        while j <= r.n and j < i + 80:
            if lines[j].strip():
                r.set(j, "abstract")
                j += 1
                continue
            k = j
            while k <= r.n and not lines[k].strip():
                k += 1
            if k <= r.n and KEYWORDS.match(lines[k]):
                while k <= r.n and lines[k].strip() and r.free(k):
                    r.set(k, "abstract")
                    k += 1
                break
            j = k
    # Footnotes: a numbered start, then the lines up to a blank, a new page or another footnote.
    for i in range(1, r.n + 1):
        if FOOTNOTE_START.match(lines[i]) and r.free(i):
            r.set(i, "footnote")
            j = i + 1
            while j <= r.n and r.free(j) and lines[j].strip():
                s = lines[j]
                if FOOTNOTE_START.match(s) or (s.startswith(" ") and not s.startswith(" \t")):
                    break
                r.set(j, "footnote")
                j += 1
    continuation_of: dict[int, int] = {}
    for item in structure.get("footnote_continuations", ()):
        a, b = item["lines"]
        start = item["footnote_start"]
        if r.role[start] != "footnote" or not FOOTNOTE_START.match(lines[start]):
            raise CorpusError(f"structure.toml: line {start} is not a footnote start")
        for i in range(a, b + 1):
            if lines[i].strip():
                if not r.free(i):
                    raise CorpusError(f"structure.toml: footnote continuation line {i} is already a {r.role[i]}")
                r.set(i, "footnote")
                continuation_of[i] = start
    for kind, key in (("reference", "references"), ("quote", "quotes")):
        for a, b in _ranges(structure.get(key, ())):
            for i in range(a, b + 1):
                r.set(i, kind)  # only free lines take it: furniture and footnotes inside stay
    for i in range(1, r.n + 1):
        r.set(i, "body")
    return continuation_of


def _is_url_token(tok: str) -> bool:
    return "://" in tok or tok.startswith("www.")


_TOKEN_EDGE = re.compile(r"^[^\wæøåÆØÅ]+|[^\wæøåÆØÅ]+$")


def build_lexicon(lines: list[str]) -> frozenset[str]:
    """Words as the book writes them inside a line (never at a line end), lower-cased.

    Used to tell a soft line-break hyphen ("selvhjelpsbeve-/gelsen") from a real one
    ("self-/help"): whichever form the book also prints mid-line wins.
    """
    words = set()
    for s in lines:
        for tok in s.split()[:-1]:
            tok = _TOKEN_EDGE.sub("", tok).lower()
            if tok:
                words.add(tok)
    return frozenset(words)


class _TextBuilder:
    """Joins source lines into running text, remembering where each line starts."""

    lexicon: frozenset[str] = frozenset()

    def __init__(self, english: bool = False):
        self.text = ""
        self.line_starts: list[tuple[int, int]] = []  # (offset, line)
        self._raw_prev = ""
        self.english = english

    def add(self, line_no: int, raw: str, clean: str) -> None:
        if not clean:
            return
        if not self.text:
            sep = ""
        else:
            sep = self._separator(clean)
        if sep == "<drop-hyphen>":
            self.text = self.text[:-1]
            sep = ""
        self.line_starts.append((len(self.text) + len(sep), line_no))
        self.text += sep + clean
        self._raw_prev = raw

    def new_paragraph(self) -> None:
        if self.text and not self.text.endswith("\n\n"):
            self.text += "\n\n"
            self._raw_prev = ""

    def _separator(self, nxt: str) -> str:
        if self.text.endswith("\n\n"):
            return ""
        prev_raw = self._raw_prev.rstrip("\r\n")
        prev = self.text
        last_tok = prev.rsplit(None, 1)[-1] if prev.strip() else ""
        first_tok = nxt.split(None, 1)[0]
        trailing_space = prev_raw.endswith((" ", "\t"))
        if _is_url_token(last_tok) and not trailing_space:
            return ""  # a URL broken over two lines, with or without a hyphen
        if prev.endswith("-") and not trailing_space:
            before = last_tok[:-1]
            left = _TOKEN_EDGE.sub("", before).lower()
            right = _TOKEN_EDGE.sub("", first_tok).lower()
            if left + right in self.lexicon:
                return "<drop-hyphen>"
            if f"{left}-{right}" in self.lexicon:
                return ""
            if len(prev) >= 2 and prev[-2].isalpha() and nxt[0].islower() and not before.isupper() and "-" not in before[-1:]:
                return "<drop-hyphen>"  # a soft line-break hyphen: "forsknings-/prosjektet"
            return ""  # a real hyphen: "Nord-/Trøndelag", "SN-/gruppe", "12-/trinns"
        if prev.endswith("-") and trailing_space:
            if first_tok.lower() in SUSPENDED:
                return " "  # "interesse- og brukerorganisasjoner"
            if last_tok.endswith("lig-") or self.english or not nxt[0].islower():
                return ""  # "offentlig-/frivillig", "policy-/documents"
            return "<drop-hyphen>"  # "Arbeider- /partiets"
        if not trailing_space and prev[-1:].isalpha() and nxt[0].islower():
            return ""  # a compound split with its hyphen lost: "grasrot/organiseringen"
        if prev.endswith("/") and not trailing_space:
            return ""  # "SVA/" + "OsloMet"
        return " "


def _clean_line(raw: str) -> str:
    s = raw[1:] if raw.startswith(" ") else raw  # the page-start marker is exactly one space
    s = s.replace("\t", " ")
    s = re.sub(r"\s+", " ", s).strip()
    return s


class _MarkerStripper:
    """Removes footnote markers glued to words, in order, only for footnotes the chapter has."""

    def __init__(self, numbers: list[int]):
        self.remaining = sorted(set(numbers))
        self.last: int | None = None

    def __call__(self, s: str) -> str:
        if not self.remaining and self.last is None:
            return s

        def repl(m: re.Match) -> str:
            n = int(m.group(1))
            # In order; a marker the rules could not see (say, glued to a digit) is skipped over.
            if n in self.remaining[:3]:
                del self.remaining[: self.remaining.index(n) + 1]
                self.last = n
                return ""
            if n == self.last:
                return ""  # the same note cited again, as in the quotes at lines 2155 and 2170
            return m.group(0)

        return GLUED_MARKER.sub(repl, s)


def parse_anthology(corpus_dir: Path, target_words: int = TARGET_WORDS, max_words: int = MAX_WORDS) -> ParsedAnthology:
    folder = Path(corpus_dir) / "anthology"
    lines = read_lines(folder / TEXT_FILE)
    book, chapters = load_chapters(folder / "chapters.toml")
    try:
        structure = tomllib.loads((folder / "structure.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CorpusError(f"Cannot read {folder / 'structure.toml'}: {e}") from None

    short = [c for c in chapters if c.last_line > len(lines) - 1]
    if short:  # a truncated copy would otherwise fail deep inside the parser
        raise CorpusError(f"{folder / TEXT_FILE} has {len(lines) - 1} lines but chapter {short[0].number} ends at "
                          f"line {short[0].last_line}: the file is truncated; "
                          "restore it from ../shared/corpus")
    _TextBuilder.lexicon = build_lexicon(lines)
    r = _Roles(lines)
    _mark_furniture(r)
    continuation_of = _mark_structure(r, chapters, structure)
    starts = _page_starts(r, chapters)
    page_of = _page_map(r, chapters, starts)

    out = _Assembler(r, page_of, book, target_words, max_words)
    out.heading_ends = {b for _, b in _ranges(structure.get("headings", ()))}
    out.range_start = {i: a for key in ("tables", "lists") for a, b in _ranges(structure.get(key, ()))
                       for i in range(a, b + 1)}
    for ch in chapters:
        out.chapter(ch, continuation_of)

    dropped = {i: DROP_REASONS[r.role[i]] for i in range(1, r.n + 1) if r.role[i] in DROP_REASONS}
    return ParsedAnthology(
        book_title=book["title"], chapters=chapters, passages=out.passages,
        owned_lines=out.owned, dropped=dropped, page_of_line=page_of, line_count=r.n,
    )


@dataclass
class _Run:
    kind: str
    section: str | None
    lines: list[int] = field(default_factory=list)


class _Assembler:
    def __init__(self, r: _Roles, page_of: list[int], book: dict, target: int, maximum: int):
        self.r = r
        self.page_of = page_of
        self.book_title = book["title"]
        self.target = target
        self.maximum = maximum
        self.passages: list[Passage] = []
        self.owned: dict[str, list[int]] = {}

    # -- chapter walk --------------------------------------------------------------------
    def chapter(self, ch: Chapter, continuation_of: dict[int, int]) -> None:
        r, lines = self.r, self.r.lines
        fn_numbers = [int(FOOTNOTE_START.match(lines[i]).group(1))
                      for i in range(ch.first_line, ch.last_line + 1)
                      if r.role[i] == "footnote" and FOOTNOTE_START.match(lines[i])]
        strip = _MarkerStripper(fn_numbers)
        section: str | None = None
        heading_lines: list[int] = []
        runs: list[_Run] = []
        footnotes: dict[int, _Run] = {}
        fn_current: int | None = None
        abstract = _Run("abstract", None)
        cleaned: dict[int, str] = {}

        for i in range(ch.first_line, ch.last_line + 1):
            role = r.role[i]
            if role in ("body", "quote", "table", "list", "heading", "reference", "footnote", "abstract"):
                cleaned[i] = strip(_clean_line(lines[i])) if role not in ("footnote", "reference", "abstract") else _clean_line(lines[i])
            if role == "heading":
                heading_lines.append(i)
                if i in self.heading_ends:
                    section = " ".join(cleaned[h] for h in heading_lines)
                    heading_lines = []
                continue
            if role == "abstract":
                abstract.lines.append(i)
            elif role == "footnote":
                if i in continuation_of:
                    footnotes[continuation_of[i]].lines.append(i)
                    continue
                if FOOTNOTE_START.match(lines[i]):
                    fn_current = i
                    footnotes[i] = _Run("footnote", section, [i])
                else:
                    footnotes[fn_current].lines.append(i)
            elif role in ("body", "quote", "table", "list", "reference"):
                prev = runs[-1] if runs else None
                if prev and prev.kind == role and prev.section == section and not self._table_break(prev, i):
                    if role == "body" and self._paragraph_break(prev.lines[-1], i):
                        prev.lines.append(-1)  # paragraph mark
                    prev.lines.append(i)
                else:
                    runs.append(_Run(role, section, [i]))

        if abstract.lines:
            self._emit_whole(ch, abstract, "abstract", "en", f"ch{ch.number}:abstract", cleaned)
        for run in runs:
            if run.kind in ("table", "list"):
                self._emit_whole(ch, run, run.kind, "nb", f"ch{ch.number}:{run.kind}-{run.lines[0]}", cleaned, rows=True)
            elif run.kind == "reference":
                self._emit_references(ch, run, cleaned)
            else:
                self._emit_packed(ch, run, cleaned)
        for start, run in footnotes.items():
            m = FOOTNOTE_START.match(lines[start])
            cleaned[start] = _clean_line(lines[start][m.end():])
            self._emit_whole(ch, run, "footnote", "nb", f"ch{ch.number}:fn{m.group(1)}", cleaned)

    def _table_break(self, prev: _Run, i: int) -> bool:
        """Each curated table or list range is one run of its own."""
        return prev.kind in ("table", "list") and self.range_start.get(prev.lines[0]) != self.range_start.get(i)

    def _paragraph_break(self, a: int, b: int) -> bool:
        """A blank line between two body lines ends a paragraph only after a finished sentence."""
        lines = self.r.lines
        if not any(self.r.role[k] == "blank" for k in range(a + 1, b)):
            return False
        prev = lines[a].rstrip()
        return bool(SENTENCE_END.search(prev)) and not prev.endswith("-")

    # -- emitting ------------------------------------------------------------------------
    def _base(self, ch: Chapter, kind: str, language: str, section: str | None) -> dict:
        return dict(
            source="anthology", kind=kind, language=language, chapter=ch.number,
            chapter_title=ch.title, authors=tuple(ch.authors) if ch.authors else None,
            section=section, doi=ch.doi, url=ch.url, title=self.book_title,
        )

    def _add(self, pid: str, text: str, owned: list[int], base: dict) -> None:
        owned = sorted(set(owned))
        p = Passage(
            id=pid, text=text, pages=(self.page_of[owned[0]], self.page_of[owned[-1]]),
            lines=(owned[0], owned[-1]), **base,
        )
        self.passages.append(p)
        self.owned[pid] = owned

    def _emit_whole(self, ch, run: _Run, kind, language, pid, cleaned, rows=False) -> None:
        """One passage for the whole run: an abstract, a footnote, a table or a list."""
        if rows:  # flattened table/list rows stay one per line
            owned = [i for i in run.lines if cleaned[i]]
            text = "\n".join(cleaned[i] for i in owned)
        else:
            tb = _TextBuilder(english=language == "en")
            for i in run.lines:
                if kind == "abstract" and KEYWORDS.match(self.r.lines[i]):
                    tb.new_paragraph()
                tb.add(i, self.r.lines[i], cleaned[i])
            text, owned = tb.text.strip(), [ln for _, ln in tb.line_starts]
        if text:
            self._add(pid, text, owned, self._base(ch, kind, language, run.section))

    def _emit_references(self, ch, run: _Run, cleaned) -> None:
        entries: list[list[int]] = []
        for i in run.lines:
            if REFERENCE_START.match(self.r.lines[i]) or not entries:
                entries.append([i])
            else:
                entries[-1].append(i)
        texts = []
        for e in entries:
            tb = _TextBuilder()
            for i in e:
                tb.add(i, self.r.lines[i], cleaned[i])
            texts.append((tb.text, e))
        groups = pack([word_count(t) for t, _ in texts], self.target, self.maximum)
        for a, b in groups:
            owned = [i for _, e in texts[a:b] for i in e]
            text = "\n".join(t for t, _ in texts[a:b])
            self._add(f"ch{ch.number}:ref-{owned[0]}-{owned[-1]}", text, owned,
                      self._base(ch, "reference", "nb", run.section))

    def _emit_packed(self, ch, run: _Run, cleaned) -> None:
        tb = _TextBuilder()
        for i in run.lines:
            if i == -1:
                tb.new_paragraph()
            else:
                tb.add(i, self.r.lines[i], cleaned[i])
        text = tb.text
        spans = []
        # Sentences never run across a paragraph break.
        pos = 0
        for para in text.split("\n\n"):
            for s in sentence_spans(para):
                spans.append((pos + s.start, pos + s.end))
            pos += len(para) + 2
        if not spans:
            return
        starts = tb.line_starts
        for a, b in pack([word_count(text[s:e]) for s, e in spans], self.target, self.maximum):
            c0, c1 = spans[a][0], spans[b - 1][1]
            owned = [ln for off, ln in starts if c0 <= off < c1]
            if not owned:  # the chunk starts mid-line: it belongs to the line it starts in
                owned = [max((ln for off, ln in starts if off <= c0), default=starts[0][1])]
            first_line = max((ln for off, ln in starts if off <= c0), default=owned[0])
            last_line = max((ln for off, ln in starts if off < c1), default=owned[-1])
            pid = f"ch{ch.number}:{first_line}-{last_line}"
            if any(p.id == pid for p in self.passages[-3:]):
                pid += f".{c0}"
            p_text = text[c0:c1]
            base = self._base(ch, run.kind, "nb", run.section)
            p = Passage(id=pid, text=p_text, pages=(self.page_of[first_line], self.page_of[last_line]),
                        lines=(first_line, last_line), **base)
            self.passages.append(p)
            self.owned[pid] = owned
