"""HTML for the chat, the sources and the terms. Every piece of user or corpus text is escaped here.

Interactivity (open a source, copy a reference, feedback thumbs) is done by the small script in
ui/assets.py through data attributes; no text from a user or the corpus ever reaches an attribute
or the page unescaped.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from rag.chunking import split_sentences
from rag.citations import MARKER, doi_url, format_citation, format_reference, parse_markers
from rag.types import Passage

from .strings import t

_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def esc(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def _dom_id(*parts: Any) -> str:
    return "-".join(_SAFE_ID.sub("_", str(p)) for p in parts)


def _link(url: str | None) -> str:
    if not url or not re.match(r"https?://", url):
        return ""
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>'


def highlight(text: str, quote: str | None) -> str:
    """``text`` escaped, with the sentences of ``quote`` wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    if quote:
        pieces = [quote] if quote in text else split_sentences(quote)
        for piece in pieces:
            piece = piece.strip()
            i = text.find(piece) if piece else -1
            if i >= 0:
                spans.append((i, i + len(piece)))
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            a = pos
        if a >= b:
            continue
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n\n", "<br><br>")


def passage_meta(p: Passage, lang: str) -> str:
    """Chapter and title, authors, pages and a DOI/URL link (or the SN sheet title and URL)."""
    rows = []
    if p.source == "anthology":
        if p.chapter == 0:
            rows.append(f"<strong>{esc(t('foreword', lang))}</strong>")
        elif p.chapter is not None:
            title = f": {esc(p.chapter_title)}" if p.chapter_title else ""
            rows.append(f"<strong>{esc(t('chapter', lang))} {esc(p.chapter)}{title}</strong>")
        if p.authors:
            rows.append(esc(", ".join(p.authors)))
        if p.pages:
            first, last = p.pages
            rows.append(f"{esc(t('pages', lang))} {esc(first)}" + (f"–{esc(last)}" if last != first else ""))
        rows.append("<em>Samarbeid om selvhjelp</em> (2019), CC BY 4.0")
        link = _link(doi_url(p.doi) or p.url)
    else:
        rows.append(f"<strong>{esc(p.title or p.section or p.id)}</strong>")
        if p.section and p.title:
            rows.append(esc(p.section))
        rows.append("Selvhjelp Norge" if p.source == "sn" else esc(p.url or ""))
        link = _link(p.url)
    if link:
        rows.append(link)
    return '<div class="sh-meta">' + "<br>".join(rows) + "</div>"


def source_card(p: Passage, lang: str, dom_id: str, label: str, quote: str | None = None,
                open_: bool = False) -> str:
    return (
        f'<details class="sh-src" id="{esc(dom_id)}"{" open" if open_ else ""}>'
        f"<summary>{esc(label)} {esc(format_citation(p, lang))}</summary>"
        f"{passage_meta(p, lang)}"
        # A list keeps one item per line (its items are separated by single newlines).
        f'<blockquote class="sh-passage{" sh-list" if p.kind == "list" else ""}">{highlight(p.text, quote)}</blockquote>'
        f'<button type="button" class="sh-copy" data-ref="{esc(format_reference(p))}" '
        f'data-done="{esc(t("copied", lang))}">{esc(t("copy_ref", lang))}</button>'
        "</details>"
    )


def answer_text(text: str, qid: str, known: set[int]) -> str:
    """The answer escaped, each [n] marker a button that opens source n."""
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(esc(text[pos:m.start()]))
        for n in parse_markers(m.group(0)):
            if n in known:
                out.append(f'<button type="button" class="sh-cite" data-target="{_dom_id("src", qid, n)}">[{n}]</button>')
            else:
                out.append(esc(f"[{n}]"))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def notice_box(notice: str | None) -> str:
    if not notice:
        return ""
    return f'<div class="sh-notice" role="alert">{esc(notice).replace(chr(10), "<br>")}</div>'


def bot_message(turn: dict, lang: str) -> str:
    """One assistant message: crisis notice first, then the answer, its sources and feedback thumbs."""
    qid = turn.get("qid") or "x"
    ans = turn.get("answer")
    if turn.get("error"):
        return f'<div class="sh-msg sh-bot"><p class="sh-error">{esc(turn["error"])}</p></div>'
    if ans is None:  # still being written
        body = notice_box(turn.get("notice"))
        partial = turn.get("partial") or ""
        body += (f'<div class="sh-answer">{answer_text(partial, qid, set())}</div>' if partial
                 else f'<p class="sh-wait">{esc(t("thinking", lang))}</p>')
        return f'<div class="sh-msg sh-bot" aria-busy="true">{body}</div>'
    parts = [notice_box(ans.get("notice"))]
    cites = ans.get("citations") or []
    if ans.get("abstained") and not ans.get("notice"):
        # Not under a crisis notice: a bold «Finner ikke svar» there reads as a rebuff.
        parts.append(f'<p class="sh-abstain">{esc(t("not_found", lang))}</p>')
    known = {c["n"] for c in cites}
    parts.append(f'<div class="sh-answer">{answer_text(ans.get("answer") or "", qid, known)}</div>')
    if cites:
        cards = "".join(
            source_card(Passage.from_dict(c["passage"]), lang, _dom_id("src", qid, c["n"]), f"[{c['n']}]", c.get("quote"))
            for c in cites)
        parts.append(f'<div class="sh-sources"><h4>{esc(t("sources", lang))}</h4>{cards}</div>')
    related = ans.get("related") or []
    if related and (ans.get("abstained") or not cites):
        cards = "".join(
            source_card(Passage.from_dict(r["passage"]), lang, _dom_id("rel", qid, i), "•")
            for i, r in enumerate(related[:5], 1))
        parts.append(f'<div class="sh-sources sh-related"><h4>{esc(t("related", lang))}</h4>{cards}</div>')
    parts.append(
        f'<div class="sh-fb" data-qid="{esc(qid)}" data-thanks="{esc(t("thanks", lang))}" '
        f'data-failed="{esc(t("fb_failed", lang))}"><span>{esc(t("helpful", lang))}</span> '
        f'<button type="button" data-rating="up">{esc(t("yes", lang))}</button>'
        f'<button type="button" data-rating="down">{esc(t("no", lang))}</button>'
        '<span class="sh-fb-msg" aria-live="polite"></span></div>')
    return f'<div class="sh-msg sh-bot" data-qid="{esc(qid)}">{"".join(parts)}</div>'


def chat_html(turns: list[dict], lang: str) -> str:
    if not turns:
        return f'<div class="sh-chat sh-empty"><p>{esc(t("empty_chat", lang))}</p></div>'
    out = []
    for turn in turns:
        out.append(f'<div class="sh-msg sh-user">{esc(turn["question"])}</div>')
        out.append(bot_message(turn, lang))
    return '<div class="sh-chat">' + "".join(out) + "</div>"


def terms_html(term: str, hits: list, lang: str) -> str:
    if not hits:
        return f'<p class="sh-empty">{esc(t("terms_none", lang, term=term))}</p>'
    cards = []
    for i, h in enumerate(hits, 1):
        cards.append(
            f'<div class="sh-term-hit"><p class="sh-def">«{esc(h.sentence)}»</p>'
            + source_card(h.passage, lang, _dom_id("term", term, i), f"[{i}]", h.sentence, open_=(i == 1))
            + "</div>")
    return f'<div class="sh-terms"><h3>{esc(term)}</h3>{"".join(cards)}</div>'


def about_html(corpus_dir: Path, lang: str) -> str:
    """The «Om» page: credit and licence, what SN material is included and when it was read."""
    readme = (Path(corpus_dir) / "sn" / "README.md").read_text(encoding="utf-8") if (Path(corpus_dir) / "sn" / "README.md").exists() else ""
    read = re.search(r"ble lest (\d{1,2}\. \w+ \d{4})", readme)
    sheets = re.findall(r"^\| ([\w-]+\.md) \| ([^|]+) \|", readme, re.MULTILINE)
    sheet_items = "".join(f"<li>{esc(topic.strip())}</li>" for _, topic in sheets)
    when = esc(read.group(1)) if read else "?"
    if lang == "en":
        text = (
            "<h3>Not professional help</h3>"
            f'<p class="sh-important">{esc(t("not_help", lang))}</p>'
            "<h3>The sources</h3>"
            "<p>The answers are quotations from, or summaries of, two sources only:</p>"
            "<p><strong>The anthology.</strong> Ånund Brottveit &amp; Marte Feiring (eds.) (2019). <em>Samarbeid om "
            "selvhjelp. En antologi om den nye selvhjelpsbevegelsen i Norge.</em> Oslo: Cappelen Damm Akademisk / NOASP. "
            '<a href="https://doi.org/10.23865/noasp.68" target="_blank" rel="noopener noreferrer">https://doi.org/10.23865/noasp.68</a>. '
            'Licensed under <a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener noreferrer">'
            "Creative Commons Attribution 4.0 (CC BY 4.0)</a>. The text was extracted from the book's PDF and split into "
            "passages; quotations are attributed to their chapter, authors and pages. The authors and the publisher do "
            "not endorse this project.</p>"
            f"<p><strong>Selvhjelp Norge (SN).</strong> {len(sheets)} short fact sheets in Norwegian, summaries in our "
            f"own words of public pages on selvhjelp.no (and LINK Oslo). The pages were read on {when} from stored "
            "copies, not from the live site; where SN's pages disagree with the anthology the sheet says so. Topics:</p>"
            f"<ul>{sheet_items}</ul>"
            "<h3>Privacy</h3><p>Questions are not stored unless the operator has turned that on. Feedback (Yes/No on an answer) is "
            "stored without the question. No analytics, no external fonts or scripts.</p>"
        )
    else:
        text = (
            "<h3>Ikke profesjonell hjelp</h3>"
            f'<p class="sh-important">{esc(t("not_help", lang))}</p>'
            "<h3>Kildene</h3>"
            "<p>Svarene er sitater fra, eller sammendrag av, bare to kilder:</p>"
            "<p><strong>Antologien.</strong> Ånund Brottveit &amp; Marte Feiring (red.) (2019). <em>Samarbeid om "
            "selvhjelp. En antologi om den nye selvhjelpsbevegelsen i Norge.</em> Oslo: Cappelen Damm Akademisk / NOASP. "
            '<a href="https://doi.org/10.23865/noasp.68" target="_blank" rel="noopener noreferrer">https://doi.org/10.23865/noasp.68</a>. '
            'Lisensiert under <a href="https://creativecommons.org/licenses/by/4.0/deed.no" target="_blank" rel="noopener noreferrer">'
            "Creative Commons Navngivelse 4.0 (CC BY 4.0)</a>. Teksten er hentet ut fra bokens PDF og delt i utdrag; "
            "sitater oppgis med kapittel, forfattere og sider. Forfatterne og forlaget står ikke bak dette prosjektet.</p>"
            f"<p><strong>Selvhjelp Norge (SN).</strong> {len(sheets)} korte faktaark på bokmål, sammendrag med egne ord "
            f"av offentlige sider på selvhjelp.no (og LINK Oslo). Sidene ble lest {when} fra lagrede kopier, ikke fra "
            "det levende nettstedet. Der SNs sider er uenige med antologien, sier arket fra. Temaer:</p>"
            f"<ul>{sheet_items}</ul>"
            "<h3>Personvern</h3><p>Spørsmål lagres ikke, med mindre den som driver tjenesten har slått det på. "
            "Tilbakemeldinger (Ja/Nei på et svar) lagres uten spørsmålet. Ingen analyseverktøy, ingen eksterne skrifttyper eller skript.</p>"
        )
    return f'<div class="sh-about">{text}</div>'
