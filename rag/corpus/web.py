"""Web pages → passages, for operators whose machine can reach the internet.

Fetching is polite and bounded: robots.txt is honoured per origin (fetched through the
same httpx client), requests to one host are spaced by at least ``delay_s`` (or the
site's Crawl-delay, if larger), redirects are followed hop by hop (each hop checked
against robots.txt), and bodies are capped at ``max_bytes``. A page that cannot be
fetched or read becomes a ``FetchResult`` with status "skipped" or "error" and a reason;
nothing raises out of a batch.

The fetched passages live in ``<data_dir>/web/pages.jsonl`` (written atomically), next
to a fetch log ``<data_dir>/web/fetches.json`` that keeps each page's fetch date.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import re
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..chunking import pack, sentence_spans, word_count
from ..errors import ConfigError, CorpusError, InputError
from ..types import Passage

__all__ = [
    "DEFAULT_USER_AGENT", "FetchResult", "WebFetcher", "WebUpdate", "fetch_pages", "sitemap_urls",
    "decode_html", "extract_main_text", "pages_to_passages", "merge_web_passages",
    "load_web_passages", "save_web_passages", "load_fetch_log", "save_fetch_log",
    "update_web_corpus", "web_passages_path",
]

# Operators can append a contact URL or e-mail: "SelvhjelpRAG/0.1 (+https://example.org/contact; ...)".
DEFAULT_USER_AGENT = "SelvhjelpRAG/0.1 (self-help answer index; operator ingest; python-httpx)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY_S = 30.0  # a site's Crawl-delay is honoured up to this
ROBOTS_MAX_BYTES = 512_000
TARGET_WORDS, MAX_WORDS = 80, 120


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested (fragment dropped); passage ids derive from it
    final_url: str  # after redirects
    status: str  # "ok" | "skipped" | "error"
    reason: str | None  # why it was skipped or failed; None when ok
    title: str | None
    text: str | None  # extracted main text, one block per line
    fetched_at: str  # ISO 8601, UTC
    content_hash: str | None  # sha256 of title + text
    headings: tuple[str, ...] = ()  # heading lines found in ``text``

    def to_dict(self) -> dict:
        d = asdict(self)
        d["headings"] = list(self.headings)
        return d


class _Outcome(Exception):
    """A page that ends early: skipped or failed, with a reason for people."""

    def __init__(self, status: str, reason: str, final_url: str | None = None):
        super().__init__(reason)
        self.status, self.reason, self.final_url = status, reason, final_url


@dataclass
class _Response:
    url: str
    status_code: int
    content_type: str
    body: bytes


def _clean_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class WebFetcher:
    """One polite crawler session: a client, robots.txt cache and per-host timers.

    Share one fetcher between ``sitemap_urls`` and ``fetch_pages`` so the rate limit
    spans both. Use as a context manager; a client passed in is not closed.
    """

    def __init__(self, *, user_agent: str = DEFAULT_USER_AGENT, delay_s: float = 1.0,
                 timeout_s: float = 15.0, max_bytes: int = 5_000_000,
                 max_redirects: int = MAX_REDIRECTS, client: httpx.Client | None = None):
        if not user_agent.strip():
            raise ConfigError("A web fetch needs a User-Agent that names this tool.")
        try:
            import trafilatura  # noqa: F401  (fail before any request, not once per page)
        except ImportError:
            raise ConfigError("Web ingest needs trafilatura: pip install 'trafilatura>=2'") from None
        self.user_agent = user_agent
        self.delay_s = max(0.0, delay_s)
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._own_client = client is None
        self.client = client or httpx.Client()
        self._robots: dict[str, RobotFileParser | _Outcome] = {}  # origin → parser or refusal
        self._ready_at: dict[str, float] = {}  # host → monotonic time of the next allowed request
        self.problems: list[str] = []  # sitemap parts that could not be read

    def __enter__(self) -> "WebFetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # -- requests ---------------------------------------------------------------------

    def _wait_turn(self, host: str) -> None:
        wait = self._ready_at.get(host, 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _host_delay(self, origin: str) -> float:
        rp = self._robots.get(origin)
        crawl = rp.crawl_delay(self.user_agent) if isinstance(rp, RobotFileParser) else None
        return max(self.delay_s, min(float(crawl or 0), MAX_CRAWL_DELAY_S))

    def _get(self, url: str, *, limit: int, check_robots: bool = True,
             html_only: bool = False) -> _Response:
        """GET with redirects followed hop by hop; raises _Outcome when it ends early."""
        current = url
        for _ in range(self.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _Outcome("error", f"unsupported URL: {current}", current)
            origin = f"{parts.scheme}://{parts.netloc.lower()}"
            if check_robots:
                refusal = self._robots_refusal(origin, current)
                if refusal:
                    raise _Outcome(refusal.status, refusal.reason, current)
            host = parts.netloc.lower()
            self._wait_turn(host)
            try:
                response = self._one_request(current, limit=limit, html_only=html_only)
            finally:
                self._ready_at[host] = time.monotonic() + self._host_delay(origin)
            if isinstance(response, str):  # a redirect target
                current = response
                continue
            return response
        raise _Outcome("error", f"too many redirects (more than {self.max_redirects})", current)

    def _one_request(self, url: str, *, limit: int, html_only: bool) -> _Response | str:
        deadline = time.monotonic() + self.timeout_s
        try:
            with self.client.stream("GET", url, headers={"User-Agent": self.user_agent},
                                    follow_redirects=False, timeout=self.timeout_s) as r:
                if r.is_redirect and r.headers.get("location"):
                    return _clean_url(str(r.url.join(r.headers["location"])))
                ctype = r.headers.get("content-type", "")
                if not r.is_success:
                    return _Response(str(r.url), r.status_code, ctype, b"")
                mime = ctype.split(";")[0].strip().lower()
                if html_only and mime and mime not in HTML_TYPES:
                    raise _Outcome("skipped", f"not HTML: {mime}", url)
                length = r.headers.get("content-length", "")
                if length.isdigit() and int(length) > limit:
                    raise _Outcome("skipped", f"too large: {length} bytes (limit {limit})", url)
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise _Outcome("skipped", f"too large: over {limit} bytes", url)
                    if time.monotonic() > deadline:
                        raise _Outcome("error", f"timed out after {self.timeout_s:g} s", url)
                return _Response(str(r.url), r.status_code, ctype, bytes(body))
        except httpx.TimeoutException:
            raise _Outcome("error", f"timed out after {self.timeout_s:g} s", url) from None
        except httpx.InvalidURL as e:
            raise _Outcome("error", f"invalid URL: {e}", url) from None
        except httpx.HTTPError as e:
            raise _Outcome("error", f"network error: {type(e).__name__}: {e}", url) from None

    # -- robots.txt -------------------------------------------------------------------

    def _robots_refusal(self, origin: str, url: str) -> _Outcome | None:
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rp = self._robots[origin]
        if isinstance(rp, _Outcome):
            return rp
        return None if rp.can_fetch(self.user_agent, url) else _Outcome("skipped", "disallowed by robots.txt")

    def _load_robots(self, origin: str) -> RobotFileParser | _Outcome:
        rp = RobotFileParser(origin + "/robots.txt")
        try:
            r = self._get(origin + "/robots.txt", limit=ROBOTS_MAX_BYTES, check_robots=False)
        except _Outcome as e:  # host unreachable, timeout, redirect loop: a failure, not a refusal
            return _Outcome("error", f"robots.txt unreachable ({e.reason}); not fetching from {origin}")
        if r.status_code >= 500:  # RFC 9309: a server error means "assume everything is disallowed"
            return _Outcome("skipped", f"robots.txt unavailable (HTTP {r.status_code}); not fetching from {origin}")
        if 400 <= r.status_code < 500:
            rp.parse([])  # RFC 9309: an unavailable (4xx) robots.txt allows everything
            rp.allow_all = True
            return rp
        rp.parse(r.body.decode("utf-8", errors="replace").splitlines())
        return rp

    # -- pages and sitemaps -----------------------------------------------------------

    def fetch(self, url: str) -> FetchResult:
        """Fetch one page and extract its main text. Never raises."""
        clean = _clean_url(url)
        fetched_at = _now()
        final = clean
        try:
            r = self._get(clean, limit=self.max_bytes, html_only=True)
            final = r.url
            if r.status_code >= 400:
                raise _Outcome("error", f"HTTP {r.status_code}")
            html = decode_html(r.body, r.content_type)
            if _looks_undecodable(html):
                raise _Outcome("error", "could not decode")
            title, text, headings = extract_main_text(html)
            if not text:
                raise _Outcome("skipped", "no main text found")
        except _Outcome as e:
            return FetchResult(clean, e.final_url or final, e.status, e.reason, None, None, fetched_at, None)
        except Exception as e:  # the batch must survive a parser bug on one odd page
            return FetchResult(clean, final, "error", f"could not read page: {type(e).__name__}: {e}",
                               None, None, fetched_at, None)
        digest = hashlib.sha256(f"{title or ''}\n\n{text}".encode("utf-8")).hexdigest()
        return FetchResult(clean, final, "ok", None, title, text, fetched_at, digest, headings)

    def fetch_pages(self, urls: Iterable[str]) -> list[FetchResult]:
        """Fetch each distinct URL once, in order."""
        seen: dict[str, None] = {}
        for u in urls:
            if u and u.strip():
                seen.setdefault(_clean_url(u), None)
        return [self.fetch(u) for u in seen]

    def sitemap_urls(self, url: str, *, max_urls: int = 50_000) -> list[str]:
        """Page URLs listed in a sitemap, or in the sitemaps of a sitemap index (one level).

        Raises InputError if ``url`` itself cannot be read; unreadable child sitemaps are
        skipped and noted in ``self.problems``.
        """
        kind, locs = self._read_sitemap(_clean_url(url))
        if kind == "sitemapindex":
            pages: list[str] = []
            for child in locs:
                try:
                    child_kind, child_locs = self._read_sitemap(child)
                except InputError as e:
                    self.problems.append(str(e))
                    continue
                if child_kind == "urlset":
                    pages.extend(child_locs)
                else:
                    self.problems.append(f"Sitemap {child}: nested sitemap index ignored")
            locs = pages
        return list(dict.fromkeys(locs))[:max_urls]

    def _read_sitemap(self, url: str) -> tuple[str, list[str]]:
        try:
            r = self._get(url, limit=self.max_bytes)
        except _Outcome as e:
            raise InputError(f"Could not read sitemap {url}: {e.reason}") from None
        if r.status_code >= 400:
            raise InputError(f"Could not read sitemap {url}: HTTP {r.status_code}")
        try:
            return _parse_sitemap(r.body, self.max_bytes)
        except (ValueError, ET.ParseError, OSError, EOFError) as e:
            raise InputError(f"Could not read sitemap {url}: {e}") from None


def _parse_sitemap(body: bytes, limit: int) -> tuple[str, list[str]]:
    if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap
        body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(limit + 1)
        if len(body) > limit:
            raise ValueError(f"uncompressed sitemap is over {limit} bytes")
    # Entity declarations can expand without bound; a sitemap never needs them.
    if re.search(rb"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise ValueError("refused: the XML declares a DOCTYPE or entities")
    try:
        from defusedxml.ElementTree import fromstring  # type: ignore[import-not-found]
    except ImportError:
        fromstring = ET.fromstring
    root = fromstring(body)
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{kind}>)")
    locs = []
    for entry in root:
        for child in entry:
            if child.tag.rsplit("}", 1)[-1] == "loc" and child.text:
                loc = child.text.strip()
                if urlsplit(loc).scheme in ("http", "https"):
                    locs.append(loc)
    return kind, locs


def fetch_pages(urls: list[str], *, user_agent: str = DEFAULT_USER_AGENT, delay_s: float = 1.0,
                timeout_s: float = 15.0, max_bytes: int = 5_000_000,
                client: httpx.Client | None = None) -> list[FetchResult]:
    """Fetch pages politely; every URL gets a result, none raises."""
    with WebFetcher(user_agent=user_agent, delay_s=delay_s, timeout_s=timeout_s,
                    max_bytes=max_bytes, client=client) as f:
        return f.fetch_pages(urls)


def sitemap_urls(url: str, *, user_agent: str = DEFAULT_USER_AGENT, delay_s: float = 1.0,
                 timeout_s: float = 15.0, max_bytes: int = 5_000_000,
                 client: httpx.Client | None = None) -> list[str]:
    """Page URLs of a sitemap (or sitemap index, one level deep). Raises InputError."""
    with WebFetcher(user_agent=user_agent, delay_s=delay_s, timeout_s=timeout_s,
                    max_bytes=max_bytes, client=client) as f:
        return f.sitemap_urls(url)


# -- decoding and extraction -------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # As browsers do (WHATWG): Latin-1 and ASCII labels mean windows-1252.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes → text: BOM, then the HTTP charset, then a meta charset, then a guess.

    Never raises: undecodable bytes become U+FFFD.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    http = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type or "", re.IGNORECASE)
    meta = _META_CHARSET.search(body[:4096])
    for label in (http.group(1) if http else None, meta.group(1).decode("ascii") if meta else None):
        codec = _codec(label)
        if codec:
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                return body.decode("latin-1" if codec == "cp1252" else codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few stray bytes stays UTF-8 (charset_normalizer calls such
    # pages cp932, and undeclared Latin-1 Norwegian text Chinese, so it is not used here).
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= bad:
        return text
    # Undeclared legacy bytes: windows-1252, as browsers in a Norwegian locale assume.
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _looks_undecodable(text: str) -> bool:
    sample = text[:20_000]
    return bool(sample) and (sample.count("\ufffd") + sample.count("\x00")) > len(sample) / 10


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def extract_main_text(html: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(title, main text, headings) with trafilatura; boilerplate (nav, footer) is dropped."""
    try:
        import trafilatura
    except ImportError:
        raise ConfigError("Web ingest needs trafilatura: pip install trafilatura") from None
    opts = dict(include_comments=False, favor_precision=True)
    raw = trafilatura.extract(html, output_format="txt", **opts)
    if not raw or not raw.strip():
        return None, None, ()
    lines = [_norm(line) for line in raw.splitlines()]
    text = "\n".join(line for line in lines if line)
    title = None
    meta = trafilatura.extract_metadata(html)
    if meta is not None and meta.title:
        title = _norm(meta.title)
    if not title:
        m = _TITLE.search(html)
        title = _norm(re.sub(r"<[^>]+>", "", m.group(1))) if m else None
    return title or None, text, _headings(trafilatura, html, opts, set(text.split("\n")))


def _headings(trafilatura, html: str, opts: dict, lines: set[str]) -> tuple[str, ...]:
    """Heading texts (from trafilatura's XML output) that appear as lines of the text."""
    xml = trafilatura.extract(html, output_format="xml", **opts)
    if not xml:
        return ()
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return ()
    heads = (_norm("".join(h.itertext())) for h in root.iter("head"))
    return tuple(dict.fromkeys(h for h in heads if h and h in lines))


# -- passages ----------------------------------------------------------------------------

def _page_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def _source_for(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return "sn" if host == "selvhjelp.no" or host.endswith(".selvhjelp.no") else "web"


def _language(text: str) -> str:
    try:
        from ..language import detect_language
    except ImportError:
        return "nb"
    try:
        lang = detect_language(text[:2000])  # a page's opening is enough
    except Exception:  # detection is a nicety; a page is still indexed without it
        return "nb"
    return lang if lang in ("nb", "en") else "nb"


def _page_passages(r: FetchResult, target: int, maximum: int) -> list[Passage]:
    heads = set(r.headings)
    # Sections: (heading or None, [(unit text, paragraph no)]); the heading opens its section.
    sections: list[tuple[str | None, list[tuple[str, int]]]] = [(None, [])]
    for para, line in enumerate(r.text.split("\n")):
        if line in heads:
            sections.append((line, [(line, para)]))
            continue
        units = sections[-1][1]
        units.extend((s.of(line), para) for s in sentence_spans(line))
    language = _language(r.text)
    source = _source_for(r.final_url)
    key = _page_key(r.url)
    out: list[Passage] = []
    for heading, units in sections:
        if not units or (heading is not None and len(units) == 1):
            continue  # a heading with no text under it
        for a, b in pack([word_count(u) for u, _ in units], target, maximum):
            parts: list[str] = []
            for i in range(a, b):
                sep = " " if i > a and units[i][1] == units[i - 1][1] else "\n"
                parts.append((sep if i > a else "") + units[i][0])
            out.append(Passage(
                id=f"web:{key}:{len(out) + 1}", source=source, kind="web", language=language,
                text="".join(parts), section=heading, url=r.final_url, title=r.title,
            ))
    return out


def pages_to_passages(results: Iterable[FetchResult], *, target_words: int = TARGET_WORDS,
                      max_words: int = MAX_WORDS) -> list[Passage]:
    """Sentence-aligned passages of the pages that fetched OK (one copy per final URL)."""
    out: list[Passage] = []
    seen: set[str] = set()
    for r in results:
        if r.status != "ok" or not r.text or r.final_url in seen:
            continue
        seen.add(r.final_url)
        out.extend(_page_passages(r, target_words, max_words))
    return out


def _id_page(passage_id: str) -> str | None:
    parts = passage_id.split(":")
    return parts[1] if len(parts) == 3 and parts[0] == "web" else None


def merge_web_passages(old: list[Passage], results: Iterable[FetchResult],
                       new: list[Passage]) -> list[Passage]:
    """The web corpus after a run: pages that fetched OK are replaced by their new
    passages (so chunks a page no longer has are dropped); pages that failed this time,
    or were not in this run, keep their old passages."""
    refreshed = {_page_key(r.url) for r in results if r.status == "ok"}
    kept = [p for p in old if _id_page(p.id) not in refreshed]
    new_ids = {p.id for p in new}
    return [p for p in kept if p.id not in new_ids] + list(new)


# -- persistence ---------------------------------------------------------------------------

def web_passages_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "web" / "pages.jsonl"


def _fetch_log_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "web" / "fetches.json"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_web_passages(data_dir: Path | str, passages: list[Passage]) -> Path:
    """Write the web corpus as JSONL, all or nothing (temp file + os.replace)."""
    path = web_passages_path(data_dir)
    lines = (json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in passages)
    _write_atomic(path, "".join(lines))
    return path


def load_web_passages(data_dir: Path | str) -> list[Passage]:
    """The saved web corpus; empty if nothing was ever fetched."""
    path = web_passages_path(data_dir)
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(Passage.from_dict(json.loads(line)))
            except (ValueError, TypeError) as e:
                raise CorpusError(f"{path}, line {n}: not a passage ({e}). Delete the file and re-fetch.") from None
    return out


def load_fetch_log(data_dir: Path | str) -> dict[str, dict]:
    """URL → {final_url, title, fetched_at, content_hash (last OK fetch), last_status,
    last_reason, last_attempt}."""
    path = _fetch_log_path(data_dir)
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise CorpusError(f"{path} is not valid JSON ({e}). Delete it; it is rebuilt on the next fetch.") from None


def save_fetch_log(data_dir: Path | str, results: Iterable[FetchResult]) -> Path:
    """Record this run's attempts; a page's fetch date moves only when it fetched OK."""
    log = load_fetch_log(data_dir)
    for r in results:
        entry = log.setdefault(r.url, {})
        entry.update(last_status=r.status, last_reason=r.reason, last_attempt=r.fetched_at)
        if r.status == "ok":
            entry.update(final_url=r.final_url, title=r.title, fetched_at=r.fetched_at,
                         content_hash=r.content_hash)
    path = _fetch_log_path(data_dir)
    _write_atomic(path, json.dumps(log, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return path


@dataclass
class WebUpdate:
    results: list[FetchResult]
    passages: list[Passage]  # the whole saved web corpus after this run
    changes: dict[str, str] = field(default_factory=dict)  # url → "new" | "changed" | "unchanged"
    problems: list[str] = field(default_factory=list)  # sitemaps that could not be read

    @property
    def failed(self) -> list[FetchResult]:
        return [r for r in self.results if r.status != "ok"]


def update_web_corpus(data_dir: Path | str, urls: Iterable[str] = (), sitemaps: Iterable[str] = (), *,
                      user_agent: str = DEFAULT_USER_AGENT, delay_s: float = 1.0,
                      timeout_s: float = 15.0, max_bytes: int = 5_000_000,
                      client: httpx.Client | None = None) -> WebUpdate:
    """Fetch URLs (and the pages of sitemaps), merge into the saved web corpus, save.

    Failures are in the returned report, not raised. The caller then runs the normal
    ingest, which picks up ``load_web_passages(data_dir)``.
    """
    old = load_web_passages(data_dir)
    with WebFetcher(user_agent=user_agent, delay_s=delay_s, timeout_s=timeout_s,
                    max_bytes=max_bytes, client=client) as f:
        wanted = list(urls)
        for s in sitemaps:
            try:
                wanted.extend(f.sitemap_urls(s))
            except InputError as e:
                f.problems.append(str(e))
        results = f.fetch_pages(wanted)
        problems = list(f.problems)
    new = pages_to_passages(results)
    merged = merge_web_passages(old, results, new)
    changes: dict[str, str] = {}
    for r in results:
        if r.status == "ok":
            key = _page_key(r.url)
            before = [p for p in old if _id_page(p.id) == key]
            after = [p for p in new if _id_page(p.id) == key]
            changes[r.url] = "new" if not before else ("unchanged" if before == after else "changed")
    save_fetch_log(data_dir, results)
    save_web_passages(data_dir, merged)  # last: the file ingest reads
    return WebUpdate(results, merged, changes, problems)
