"""The web ingester against real HTTP servers on 127.0.0.1 (no internet needed)."""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.chunking import word_count
from rag.corpus.web import (
    FetchResult, WebFetcher, decode_html, fetch_pages, load_fetch_log, load_web_passages,
    merge_web_passages, pages_to_passages, save_web_passages, sitemap_urls, update_web_corpus,
    web_passages_path,
)
from rag.errors import InputError
from rag.types import Passage

UA = "SelvhjelpRAG-test/0.1 (+https://example.invalid/contact; operator ingest)"

NAV = """<header><nav><ul><li><a href="/">Forside</a></li><li><a href="/om-oss">Om oss</a></li>
<li><a href="/kontakt">Kontakt oss</a></li><li><a href="/nyheter">Nyheter</a></li></ul></nav></header>"""
FOOTER = """<footer><p>Eksempelforeningen, Storgata 1, 0155 Oslo. Org.nr. 999 999 999.</p>
<p><a href="/personvern">Personvernerklæring</a> | <a href="/cookies">Informasjonskapsler</a></p></footer>"""

ARTICLE = [
    ("h1", "Slik kommer du i gang med en gruppe"),
    ("p", "En selvhjelpsgruppe er et fellesskap av mennesker som kjenner igjen de samme utfordringene. "
          "Gruppa møtes fast, gjerne en gang i uka, og deltakerne bruker sine egne erfaringer som utgangspunkt."),
    ("h2", "Hvor store bør gruppene være?"),
    ("p", "Mange grupper fungerer best med fem til åtte deltakere. Da blir det tid til at alle kan si noe, "
          "og gruppa tåler at noen av og til er borte. «Det viktigste er at hver enkelt blir lyttet til», "
          "forteller en som har vært med i flere år."),
    ("h2", "Taushet og trygghet"),
    ("p", "Det som blir fortalt i gruppa, blir værende i gruppa. Dette avtales allerede på første møte, "
          "og det gjør det lettere å dele erfaringer som føles sårbare. Ærlighet og respekt går hånd i hånd."),
    ("p", "Deltakerne snakker ut fra seg selv og gir ikke råd til hverandre. Slik får hver enkelt rom til å "
          "finne sine egne svar i sitt eget tempo, uten å bli presset."),
]


def html_page(title: str, blocks, *, charset: str | None = "utf-8", head_extra: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<{tag}>{text}</{tag}>" for tag, text in blocks)
    return (f"<!DOCTYPE html><html lang=\"nb\"><head>{meta}{head_extra}<title>{title} – Eksempelforeningen</title>"
            f"</head><body>{NAV}<main><article>{body}</article></main>{FOOTER}</body></html>")


def long_page(title: str, n_paragraphs: int, word: str = "gruppe") -> str:
    blocks = [("h1", title)]
    for i in range(n_paragraphs):
        blocks.append(("p", f"Avsnitt nummer {i + 1} forteller om en {word} som møtes hver tirsdag. "
                            "Deltakerne deler erfaringer og lytter til hverandre med respekt. "
                            "Ingen får råd de ikke har bedt om, og alle kan si fra når de trenger en pause. "
                            "Slik blir gruppa et trygt sted å være over tid for både nye og gamle deltakere."))
    return html_page(title, blocks)


class Site:
    """A small web site on a free port; records every request it receives."""

    def __init__(self, robots: str | int = "User-agent: *\nDisallow: /private/\n"):
        self.robots = robots
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, str, float]] = []  # (path, user agent, monotonic time)
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
                try:
                    status, headers, body = site.respond(self.path)
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def respond(self, path: str):
        if path == "/robots.txt":
            if isinstance(self.robots, int):
                return self.robots, {"Content-Type": "text/plain"}, b"unavailable"
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == "/treg":
            self.release.wait(10)  # longer than the client's timeout; released at teardown
            return 200, {"Content-Type": "text/html; charset=utf-8"}, long_page("Treg", 3).encode()
        return self.pages.get(path, (404, {"Content-Type": "text/html"}, b"<h1>Finnes ikke</h1>"))

    def html(self, path: str, text: str, *, content_type: str = "text/html; charset=utf-8",
             encoding: str = "utf-8") -> str:
        self.pages[path] = (200, {"Content-Type": content_type}, text.encode(encoding))
        return self.base + path

    def raw(self, path: str, body: bytes, content_type: str) -> str:
        self.pages[path] = (200, {"Content-Type": content_type}, body)
        return self.base + path

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        self.pages[path] = (status, {"Location": to}, b"")
        return self.base + path

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def make_site():
    sites: list[Site] = []

    def make(**kw) -> Site:
        sites.append(Site(**kw))
        return sites[-1]

    yield make
    for s in sites:
        s.stop()


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


def fetch(urls, **kw) -> list[FetchResult]:
    kw.setdefault("delay_s", 0.0)
    return fetch_pages(urls, user_agent=UA, **kw)


# -- fetching -----------------------------------------------------------------------------

def test_normal_page_keeps_main_text_only(site):
    url = site.html("/artikkel", html_page("Slik kommer du i gang", ARTICLE))
    [r] = fetch([url])
    assert r.status == "ok" and r.reason is None
    assert r.url == url and r.final_url == url
    assert "«Det viktigste er at hver enkelt blir lyttet til»" in r.text
    assert "Ærlighet og respekt går hånd i hånd." in r.text
    for boilerplate in ("Forside", "Om oss", "Kontakt oss", "Personvernerklæring", "Storgata", "Org.nr"):
        assert boilerplate not in r.text
    assert r.title and r.title.startswith("Slik kommer du i gang")
    assert "Hvor store bør gruppene være?" in r.headings
    assert datetime.fromisoformat(r.fetched_at.replace("Z", "+00:00")).utcoffset().total_seconds() == 0
    assert re.fullmatch(r"[0-9a-f]{64}", r.content_hash)
    # Every request, robots.txt included, carried our User-Agent.
    assert site.paths() == ["/robots.txt", "/artikkel"]
    assert {ua for _, ua, _ in site.requests} == {UA}


def test_redirect_chain_records_final_url(site):
    site.html("/artikkel", html_page("Slik kommer du i gang", ARTICLE))
    site.redirect("/mellom", "/artikkel", 302)
    url = site.redirect("/gammel", site.base + "/mellom", 301)
    [r] = fetch([url])
    assert r.status == "ok"
    assert r.url == url and r.final_url == site.base + "/artikkel"
    assert site.paths()[1:] == ["/gammel", "/mellom", "/artikkel"]


def test_redirect_loop_is_bounded(site):
    site.redirect("/a", "/b")
    url = site.redirect("/b", "/a")
    [r] = fetch([url])
    assert r.status == "error" and "too many redirects" in r.reason
    assert len(site.paths()) <= 1 + 6


def test_404_is_reported(site):
    [r] = fetch([site.base + "/finnes-ikke"])
    assert (r.status, r.reason, r.text, r.content_hash) == ("error", "HTTP 404", None, None)


def test_robots_disallowed_page_is_never_requested(site):
    site.html("/private/side", long_page("Privat", 3))
    via = site.redirect("/til-privat", "/private/side", 302)
    results = fetch([site.base + "/private/side", via])
    assert [(r.status, r.reason) for r in results] == [("skipped", "disallowed by robots.txt")] * 2
    assert results[1].final_url == site.base + "/private/side"
    assert "/private/side" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # cached per origin


def test_robots_5xx_disallows_the_host_and_says_so(make_site):
    down = make_site(robots=503)
    down.html("/side", long_page("Side", 3))
    [r] = fetch([down.base + "/side"])
    assert r.status == "skipped" and "robots.txt unavailable (HTTP 503)" in r.reason
    assert down.paths() == ["/robots.txt"]


def test_robots_404_allows_everything(make_site):
    open_site = make_site(robots=404)
    url = open_site.html("/private/side", long_page("Åpen side", 3))
    [r] = fetch([url])
    assert r.status == "ok"


def test_non_html_is_skipped_with_reason(site):
    url = site.raw("/brosjyre.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 200, "application/pdf")
    [r] = fetch([url])
    assert (r.status, r.reason) == ("skipped", "not HTML: application/pdf")


def test_latin1_declared_only_in_meta(site):
    blocks = [("h1", "Møteplass for pårørende")] + ARTICLE[1:]
    text = html_page("Møteplass for pårørende", blocks, charset="iso-8859-1").replace("–", "-")
    url = site.html("/latin1", text, content_type="text/html", encoding="iso-8859-1")
    assert "Ærlighet".encode("utf-8") not in site.pages["/latin1"][2]  # really Latin-1 bytes
    [r] = fetch([url])
    assert r.status == "ok"
    assert "Ærlighet og respekt går hånd i hånd." in r.text and "«Det viktigste" in r.text
    assert r.title.startswith("Møteplass for pårørende")


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html"])
def test_invalid_utf8_bytes_do_not_crash(site, content_type):
    body = html_page("Ødelagt koding", ARTICLE).encode("utf-8")
    i = body.index("Mange grupper".encode())
    body = body[:i] + b"\xff\xfe\xc3" + body[i:]
    [r] = fetch([site.raw("/ugyldig", body, content_type)])
    assert r.status == "ok"
    assert "Ærlighet og respekt går hånd i hånd." in r.text  # the rest stays UTF-8, not mojibake
    assert "\ufffd" in r.text


def test_decode_html_order_of_evidence():
    latin = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>blåbær</p>'.encode("latin-1")
    assert "blåbær" in decode_html(latin, "text/html")
    assert "blåbær" in decode_html("<p>blåbær</p>".encode("utf-8"), "text/html; charset=bogus-charset")
    assert "blåbær" in decode_html("<p>blåbær</p>".encode("cp1252") * 30, None)  # undeclared legacy bytes


def test_slow_page_times_out_and_the_batch_goes_on(site):
    ok = site.html("/artikkel", html_page("Slik kommer du i gang", ARTICLE))
    slow, after = fetch([site.base + "/treg", ok], timeout_s=2.0)
    assert slow.status == "error" and slow.reason.startswith("timed out")
    assert after.status == "ok"


def test_batch_never_raises_on_bad_urls(site):
    results = fetch(["ftp://127.0.0.1/fil", "http://127.0.0.1:9/", "ikke en url"])
    assert [r.status for r in results] == ["error"] * 3
    assert results[0].reason.startswith("unsupported URL")
    assert results[1].reason.startswith("robots.txt unreachable (network error: ConnectError")


def test_rate_limit_spaces_requests_to_one_host(site):
    urls = [site.html(f"/side{i}", long_page(f"Side {i}", 2)) for i in range(3)]
    results = fetch(urls, delay_s=0.2)
    assert [r.status for r in results] == ["ok"] * 3
    times = [t for _, _, t in site.requests]
    assert len(times) == 4  # robots.txt + three pages
    assert all(b - a >= 0.18 for a, b in zip(times, times[1:])), times


def test_sitemap_and_sitemap_index(site):
    a = site.html("/a", long_page("A", 2))
    b = site.html("/b", long_page("B", 2))
    site.raw("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{a}</loc><lastmod>2024-05-01</lastmod></url>
  <url><loc> {b} </loc></url>
  <url><loc>{a}</loc></url>
</urlset>""".encode(), "application/xml")
    site.raw("/sitemap-index.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{site.base}/sitemap.xml</loc></sitemap>
  <sitemap><loc>{site.base}/mangler.xml</loc></sitemap>
</sitemapindex>""".encode(), "application/xml")
    assert sitemap_urls(site.base + "/sitemap.xml", user_agent=UA, delay_s=0) == [a, b]
    with WebFetcher(user_agent=UA, delay_s=0) as f:
        assert f.sitemap_urls(site.base + "/sitemap-index.xml") == [a, b]
        assert len(f.problems) == 1 and "mangler.xml" in f.problems[0] and "HTTP 404" in f.problems[0]
        assert [r.status for r in f.fetch_pages([a, b])] == ["ok", "ok"]


def test_sitemap_with_doctype_is_refused(site):
    site.raw("/bomb.xml", b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol;</loc></url></urlset>""",
             "application/xml")
    with pytest.raises(InputError, match="DOCTYPE"):
        sitemap_urls(site.base + "/bomb.xml", user_agent=UA, delay_s=0)
    with pytest.raises(InputError, match="HTTP 404"):
        sitemap_urls(site.base + "/ingen.xml", user_agent=UA, delay_s=0)


# -- passages -----------------------------------------------------------------------------

def test_passages_are_sentence_aligned_with_provenance(site):
    url = site.html("/artikkel", html_page("Slik kommer du i gang", ARTICLE))
    lang = site.html("/lang", long_page("Lang side", 8))
    results = fetch([url, lang])
    passages = pages_to_passages(results)
    key = hashlib.sha1(url.encode()).hexdigest()[:10]
    mine = [p for p in passages if p.id.startswith(f"web:{key}:")]
    assert [p.id for p in mine] == [f"web:{key}:{n}" for n in range(1, len(mine) + 1)]
    for p in passages:
        assert (p.source, p.kind, p.language) == ("web", "web", "nb")
        assert p.lines is None and p.pages is None and p.chapter is None and p.authors is None
        assert p.url in (url, lang) and p.title
    assert {p.section for p in mine} >= {"Hvor store bør gruppene være?", "Taushet og trygghet"}
    quote = next(p for p in mine if "«Det viktigste" in p.text)
    assert quote.section == "Hvor store bør gruppene være?"
    assert quote.text.startswith("Hvor store bør gruppene være?\n")  # the heading opens its section
    long = [p for p in passages if p.url == lang]
    assert len(long) >= 3
    assert all(word_count(p.text) <= 120 for p in long)
    page_text = results[1].text
    for p in long:  # sentences are never cut: every passage line is a run of whole page text
        for line in p.text.split("\n"):
            assert line in page_text and (line.endswith(".") or line == "Lang side")


def test_source_is_sn_only_for_selvhjelp_no():
    def result(final_url):
        return FetchResult(final_url, final_url, "ok", None, "T", "Dette er en setning om grupper.",
                           "2025-01-01T00:00:00Z", "x")

    sources = [p.source for p in pages_to_passages([
        result("https://www.selvhjelp.no/om-oss/"), result("https://selvhjelp.no/a"),
        result("https://notselvhjelp.no/a"), result("https://example.org/selvhjelp.no"),
    ])]
    assert sources == ["sn", "sn", "web", "web"]


def test_english_page_is_marked_english(site):
    url = site.html("/en", html_page("About self-help groups", [
        ("h1", "About self-help groups"),
        ("p", "A self-help group is a small group of people who share an experience and meet regularly. "
              "They talk about what is hard and learn from one another without a professional leading them."),
        ("p", "Most groups work well with five to eight members, so everyone has time to speak and be heard. "
              "What is said in the group stays in the group, which makes it safer to share."),
    ]))
    [p, *_] = pages_to_passages(fetch([url]))
    assert p.language == "en"


def test_unchanged_refetch_is_identical_and_a_change_is_noticed(site):
    url = site.html("/endret", html_page("Slik kommer du i gang", ARTICLE))
    [first] = fetch([url])
    [second] = fetch([url])
    assert second.content_hash == first.content_hash
    assert pages_to_passages([second]) == pages_to_passages([first])
    site.html("/endret", html_page("Slik kommer du i gang", ARTICLE[:-1] + [
        ("p", "Deltakerne snakker ut fra seg selv og gir ikke råd til hverandre. Gruppa bestemmer selv "
              "hvor ofte den vil møtes, og kan endre det underveis.")]))
    [third] = fetch([url])
    assert third.content_hash != first.content_hash
    before, after = pages_to_passages([first]), pages_to_passages([third])
    assert [p.id for p in after] == [p.id for p in before]
    assert [p.text for p in after] != [p.text for p in before]


def test_merge_rule_and_saved_corpus(site, tmp_path):
    a = site.html("/a", long_page("A", 2))
    b = site.html("/b", long_page("B", 2, word="samtalegruppe"))
    c = site.html("/c", long_page("C", 8))
    other = site.html("/annen", long_page("Annen", 2))
    update_web_corpus(tmp_path, [other], user_agent=UA, delay_s=0)  # an earlier, separate run
    run1 = update_web_corpus(tmp_path, [a, b, c], user_agent=UA, delay_s=0)
    assert run1.changes == {a: "new", b: "new", c: "new"}
    old = load_web_passages(tmp_path)
    by_page = lambda ps, u: [p for p in ps if p.url == u]  # noqa: E731
    assert len(by_page(old, c)) >= 3

    # Run 2 of the same list: a changes, b fails, c shrinks.
    site.html("/a", long_page("A", 2, word="likepersongruppe"))
    site.pages["/b"] = (500, {"Content-Type": "text/html"}, b"feil")
    site.html("/c", long_page("C", 1))
    run2 = update_web_corpus(tmp_path, [a, b, c], user_agent=UA, delay_s=0)
    assert [r.status for r in run2.results] == ["ok", "error", "ok"]
    assert run2.changes == {a: "changed", c: "changed"}
    new = load_web_passages(tmp_path)
    assert new == run2.passages
    assert by_page(new, b) == by_page(old, b)  # failed this time: kept as it was
    assert by_page(new, other) == by_page(old, other)  # not in this run: kept
    assert all("likepersongruppe" in p.text for p in by_page(new, a) if "Avsnitt" in p.text)
    assert len(by_page(new, c)) == 1  # the chunks c no longer has are gone
    assert len({p.id for p in new}) == len(new)

    # Run 3, nothing changed: same passages, same file.
    before = web_passages_path(tmp_path).read_bytes()
    run3 = update_web_corpus(tmp_path, [a, c], user_agent=UA, delay_s=0)
    assert set(run3.changes.values()) == {"unchanged"}
    assert web_passages_path(tmp_path).read_bytes() == before

    log = load_fetch_log(tmp_path)
    assert log[b]["last_status"] == "error" and log[b]["last_reason"] == "HTTP 500"
    run1_b = next(r for r in run1.results if r.url == b)
    assert (log[b]["fetched_at"], log[b]["content_hash"]) == (run1_b.fetched_at, run1_b.content_hash)
    assert log[a]["final_url"] == a and log[a]["title"] == "A"


def test_merge_web_passages_is_pure():
    def res(url, status):
        ok = status == "ok"
        return FetchResult(url, url, status, None if ok else "HTTP 500", "T", "En setning." if ok else None,
                           "2025-01-01T00:00:00Z", "h" if ok else None)

    def passages(url, n, text):
        key = hashlib.sha1(url.encode()).hexdigest()[:10]
        return [Passage(id=f"web:{key}:{i}", source="web", kind="web", language="nb", text=text, url=url)
                for i in range(1, n + 1)]

    old = passages("http://x/ok", 3, "gammel") + passages("http://x/feil", 2, "gammel")
    new = passages("http://x/ok", 1, "ny")
    merged = merge_web_passages(old, [res("http://x/ok", "ok"), res("http://x/feil", "error")], new)
    assert [(p.url, p.text) for p in merged] == [("http://x/feil", "gammel")] * 2 + [("http://x/ok", "ny")]


def test_saved_file_is_utf8_jsonl_and_replaced_whole(site, tmp_path):
    url = site.html("/artikkel", html_page("Slik kommer du i gang", ARTICLE))
    passages = pages_to_passages(fetch([url]))
    path = save_web_passages(tmp_path, passages)
    raw = path.read_text(encoding="utf-8")
    assert "«Det viktigste" in raw and "\\u00e6" not in raw
    assert [json.loads(line)["id"] for line in raw.splitlines()] == [p.id for p in passages]
    assert load_web_passages(tmp_path) == passages
    save_web_passages(tmp_path, passages[:1])
    assert load_web_passages(tmp_path) == passages[:1]
    assert sorted(f.name for f in path.parent.iterdir()) == ["pages.jsonl"]  # no temp files left
    assert load_web_passages(tmp_path / "tom") == []
