"""The UI in a real browser: Debian's headless Chromium driven by Playwright.

Screenshots are kept in test-artifacts/. Outside CI the test skips when Chromium is missing;
in CI (CI set) a missing browser is a failure: `.ci/run` installs it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from serve_helpers import ROOT, Server, build_index

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
LONG = 120_000  # ms: a first answer loads the model

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = build_index(tmp_path_factory.mktemp("browser-index"))
    with Server(data) as s:
        s.data_dir = data
        yield s


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: .ci/run installs Debian's chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def ask(page, question: str, n_before: int) -> None:
    page.fill("#sh-question textarea", question)
    page.click("#sh-send")
    page.wait_for_function(
        "n => document.querySelectorAll('.sh-bot:not([aria-busy])').length > n", arg=n_before, timeout=LONG)


def test_ui_end_to_end(server, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(server.url + "/")
    page.wait_for_selector("#sh-question textarea", timeout=LONG)
    assert page.locator("button[role=tab]", has_text="Begreper").count() == 1  # Norwegian by default
    shot(page, "01-start-nb")

    # A question: an answer with clickable citations.
    ask(page, "Hva er en igangsetter?", 0)
    bot = page.locator(".sh-bot").last
    assert "igangsetter" in bot.locator(".sh-answer").inner_text().lower()
    cites = bot.locator(".sh-cite")
    assert cites.count() >= 1
    shot(page, "02-answer")

    # Open a citation: the source panel shows the passage with the quoted sentence highlighted.
    cites.first.click()
    panel = page.locator("details.sh-src[open]").first
    panel.locator("mark").first.wait_for(timeout=10_000)
    assert panel.locator("mark").first.inner_text().strip()
    assert panel.locator(".sh-meta a[href^='https://']").count() >= 1
    assert panel.locator(".sh-copy", has_text="Kopier referanse").is_visible()
    shot(page, "03-citation-open")

    # Feedback thumbs reach the JSONL store.
    bot.locator(".sh-fb button[data-rating=up]").click()
    page.wait_for_selector(".sh-fb-msg:has-text('Takk')", timeout=20_000)
    fb = server.data_dir / "feedback" / "feedback.jsonl"
    rec = json.loads(fb.read_text(encoding="utf-8").splitlines()[-1])
    assert rec["rating"] == "up" and "igangsetter" in rec["answer"].lower() and "question" not in rec

    # A crisis signal puts the help-line notice first; HTML in the question stays text.
    evil = 'Jeg vil ta livet mitt <img src=x onerror=alert(1)><script>alert(2)</script>'
    ask(page, evil, 1)
    bot = page.locator(".sh-bot").last
    first = bot.locator(":scope > *").first
    assert "sh-notice" in (first.get_attribute("class") or "")
    assert "113" in first.inner_text()
    color = first.evaluate("e => getComputedStyle(e).borderTopColor")
    assert color.startswith("rgb(217, 59, 31")  # the red box
    assert page.locator(".sh-user").last.inner_text().strip() == evil
    assert page.locator(".sh-chat img, .sh-chat script").count() == 0 and not dialogs
    shot(page, "04-crisis")

    # English.
    page.locator("#sh-lang label", has_text="English").click()
    page.wait_for_selector("button[role=tab]:has-text('Key terms')", timeout=20_000)
    assert page.locator("#sh-send").inner_text().strip() == "Ask"
    shot(page, "05-english")

    # «Begreper» / Key terms: defining passages found in the corpus, with the sentence marked.
    page.locator("button[role=tab]", has_text="Key terms").click()
    page.locator("#sh-term-pick label", has_text="grenseobjekt").click()
    page.wait_for_selector("#sh-term-out .sh-term-hit", timeout=LONG)
    hit = page.locator("#sh-term-out details.sh-src[open] mark").first
    assert "grenseobjekt" in hit.inner_text().lower()
    shot(page, "06-terms")

    page.locator("button[role=tab]", has_text="About").click()
    about = page.locator("#sh-about")
    about.wait_for()
    assert "CC BY 4.0" in about.inner_text() and "not professional help" in about.inner_text()

    # Phone size: the chat renders without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#sh-lang label", has_text="Norsk").click()
    page.locator("button[role=tab]", has_text="Spør").click()
    page.wait_for_selector(".sh-chat .sh-bot", timeout=20_000)
    assert page.locator("#sh-question textarea").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"page is {width}px wide on a 390px screen"
    shot(page, "07-phone", full=False)
    shot(page, "08-phone-full")

    # Nothing left the machine: no fonts, CDNs or analytics.
    outside = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in ("127.0.0.1",)]
    assert requests and not outside, outside
    page.close()
