"""Selvhjelp Norge fact sheets (``corpus/sn/*.md``) → passages.

A sheet is Markdown with YAML front matter between ``---`` lines (title, slug, sources,
summary_note, topics). Every ``##`` section becomes one or more passages, packed from whole
sentences. Line numbers are 1-based lines of the sheet file, so a citation can point at them.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # PyYAML ships with langchain-core, a declared dependency

from rag.chunking import pack, sentence_spans, word_count
from rag.errors import CorpusError
from rag.types import Passage

__all__ = ["SheetMeta", "load_sn_passages", "read_sheet_text", "parse_sheet"]

TARGET_WORDS = 80
MAX_WORDS = 120
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class SheetMeta:
    title: str
    slug: str
    sources: tuple[dict[str, Any], ...]
    summary_note: str
    topics: tuple[str, ...]

    @property
    def url(self) -> str:
        return self.sources[0]["url"]


def read_sheet_text(path: Path) -> str:
    """Read a sheet as text: strips a BOM, normalises CRLF/CR, falls back to Latin-1."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        warnings.warn(f"{path}: not valid UTF-8; read as Latin-1.", UnicodeWarning, stacklevel=2)
    # Control characters (NUL, C1) mean a binary or mis-encoded file, not a Latin-1 sheet.
    bad = _BAD_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CorpusError(f"{path}: line {line}: the file looks corrupt (control character "
                          f"U+{ord(bad.group()):04X}); save it as UTF-8 text.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _key_line(fm_lines: list[str], key: str) -> int:
    """1-based file line of ``key:`` in the front matter (which starts at file line 2)."""
    for i, line in enumerate(fm_lines):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i + 2
    return 1


def _fail(path: Path, line: int, msg: str) -> CorpusError:
    return CorpusError(f"{path}: line {line}: {msg}")


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return True
        except ValueError:
            return False
    return False


def _parse_front_matter(path: Path, lines: list[str]) -> tuple[SheetMeta, int]:
    """Return the metadata and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        raise _fail(path, 1, "a sheet must start with front matter between '---' lines.")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise _fail(path, 1, "the front matter has no closing '---' line.")
    fm_lines = lines[1:end]
    try:
        data = yaml.safe_load("\n".join(fm_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise _fail(path, line, f"front matter is not valid YAML ({problem}).") from exc
    if not isinstance(data, dict):
        raise _fail(path, 2, "front matter must be a mapping of keys to values.")

    def text_field(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise _fail(path, _key_line(fm_lines, key), f"'{key}' must be a non-empty string.")
        return value.strip()

    title = text_field("title")
    slug = text_field("slug")
    if not _SLUG.match(slug):
        raise _fail(path, _key_line(fm_lines, "slug"), f"slug {slug!r} must be lower-case words joined by '-'.")
    summary_note = text_field("summary_note")

    sources = data.get("sources")
    src_line = _key_line(fm_lines, "sources")
    if not isinstance(sources, list) or not sources:
        raise _fail(path, src_line, "'sources' must be a non-empty list.")
    clean: list[dict[str, Any]] = []
    for n, src in enumerate(sources, 1):
        if not isinstance(src, dict):
            raise _fail(path, src_line, f"source {n} must be a mapping with 'url' and a date.")
        url = src.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://\S+$", url):
            raise _fail(path, src_line, f"source {n} needs an http(s) 'url'.")
        dates = {k: src[k] for k in ("read", "updated") if k in src}
        if not dates or not all(_is_date(v) for v in dates.values()):
            raise _fail(path, src_line, f"source {n} needs a 'read' or 'updated' date (YYYY-MM-DD).")
        clean.append({"url": url, **{k: str(v) for k, v in dates.items()}})

    topics = data.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise _fail(path, _key_line(fm_lines, "topics"), "'topics' must be a list of words.")
    meta = SheetMeta(title, slug, tuple(clean), summary_note, tuple(topics))
    return meta, end + 1


@dataclass
class _Sentence:
    text: str
    first: int  # 1-based file lines
    last: int
    para: int


def _paragraphs(lines: list[str], start: int, stop: int) -> list[list[tuple[int, str]]]:
    """Group body lines [start, stop) into paragraphs of (1-based line, text)."""
    paras: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    for i in range(start, stop):
        line = lines[i].strip()
        if not line:
            if cur:
                paras.append(cur)
                cur = []
            continue
        if _LIST_MARK.match(line):  # each list item is its own paragraph
            if cur:
                paras.append(cur)
            cur = [(i + 1, _LIST_MARK.sub("", line, count=1))]
            continue
        cur.append((i + 1, line))
    if cur:
        paras.append(cur)
    return paras


def _sentences(paras: list[list[tuple[int, str]]]) -> list[_Sentence]:
    out: list[_Sentence] = []
    for p, para in enumerate(paras):
        text, starts = "", []
        for lineno, line in para:
            if text:
                text += " "
            starts.append((len(text), lineno))
            text += line
        for span in sentence_spans(text):
            first = max(ln for off, ln in starts if off <= span.start)
            last = max(ln for off, ln in starts if off < span.end)
            out.append(_Sentence(span.of(text), first, last, p))
    return out


def parse_sheet(path: Path) -> tuple[SheetMeta, list[Passage]]:
    """Parse one sheet into its metadata and passages."""
    lines = read_sheet_text(path).split("\n")
    meta, body = _parse_front_matter(path, lines)
    # Section boundaries: (heading, first body line index, stop index).
    heads = [i for i in range(body, len(lines)) if lines[i].startswith("## ")]
    sections: list[tuple[str, int, int]] = []
    if heads and any(lines[i].strip() and not lines[i].startswith("# ") for i in range(body, heads[0])):
        sections.append((meta.title, body, heads[0]))  # lead text before the first heading
    elif not heads:
        sections.append((meta.title, body, len(lines)))
    for k, h in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else len(lines)
        sections.append((lines[h][3:].strip(), h + 1, stop))

    body_lines = [ln if not ln.startswith("# ") else "" for ln in lines]  # an H1 is not prose
    passages: list[Passage] = []
    for heading, start, stop in sections:
        sents = _sentences(_paragraphs(body_lines, start, stop))
        if not sents:
            continue
        for a, b in pack([word_count(s.text) for s in sents], TARGET_WORDS, MAX_WORDS):
            chunk = sents[a:b]
            text = chunk[0].text
            for prev, s in zip(chunk, chunk[1:]):
                text += ("\n\n" if s.para != prev.para else " ") + s.text
            passages.append(Passage(
                id=f"sn:{meta.slug}:{len(passages) + 1:03d}",
                source="sn", kind="sheet", language="nb", text=text,
                section=heading, lines=(chunk[0].first, chunk[-1].last),
                url=meta.url, title=meta.title,
            ))
    if not passages:
        raise CorpusError(f"{path}: the sheet has no text after its front matter.")
    return meta, passages


def load_sn_passages(sn_dir: Path) -> list[Passage]:
    """Read every sheet in ``sn_dir`` (README.md excluded), in file-name order."""
    sn_dir = Path(sn_dir)
    if not sn_dir.is_dir():
        raise CorpusError(f"{sn_dir}: the Selvhjelp Norge sheet folder does not exist.")
    files = sorted(p for p in sn_dir.glob("*.md")
                   if p.name.lower() != "readme.md" and not p.name.startswith("."))
    if not files:
        raise CorpusError(f"{sn_dir}: no fact sheets (*.md) found.")
    out: list[Passage] = []
    seen: dict[str, Path] = {}
    for path in files:
        meta, passages = parse_sheet(path)
        if meta.slug in seen:
            raise CorpusError(f"{path}: slug {meta.slug!r} is already used by {seen[meta.slug].name}.")
        seen[meta.slug] = path
        out.extend(passages)
    return out
