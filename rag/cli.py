"""The `selvhjelp` command. Each command is thin: it builds Settings and calls the library."""
from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from .config import load_settings
from .errors import InputError, SelvhjelpError

app = typer.Typer(
    help="Selvhjelp RAG: answers about self-help in Norway, with citations to the sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def fail(e: Exception) -> None:
    """Print a user-facing error without a stack trace and exit non-zero."""
    err.print(f"[red]Error:[/red] {e}")
    raise typer.Exit(code=2)


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
):
    """Selvhjelp RAG: answers about self-help in Norway, with citations to the sources."""
    if version:
        from . import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.command()
def passages(
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per line."),
    source: str = typer.Option(None, "--source", help="Only this source: anthology or sn."),
):
    """Print the corpus as passages (the units that are indexed and cited)."""
    from .corpus.loader import load_passages

    try:
        settings = load_settings()
        items = load_passages(settings, sources=[source] if source else None)
    except SelvhjelpError as e:
        fail(e)
    out = Console()
    for p in items:
        if jsonl:
            emit_json(p.to_dict())
        else:
            pages = f"s. {p.pages[0]}–{p.pages[1]}" if p.pages else ""
            out.print(f"[bold]{p.id}[/bold] {p.kind} {pages}\n{p.text}\n")


@app.command()
def ingest(
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and build it again (e.g. after changing SELVHJELP_EMBEDDINGS)."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing when an index already exists."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    url: list[str] = typer.Option(None, "--url", help="Fetch this web page into the corpus first (robots.txt honoured). Repeat, or list more URLs after it."),
    more_urls: list[str] = typer.Argument(None, metavar="[URL...]", help="More pages to fetch (with --url)."),
    sitemap: list[str] = typer.Option(None, "--sitemap", help="Fetch every page a sitemap.xml (or sitemap index) lists. Repeatable."),
    delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between requests to one host."),
):
    """Build or update the search index. Re-running only embeds what changed."""
    try:
        a = _assistant()
        settings = a.settings
        if more_urls and not url:
            raise InputError("Give web pages with --url, e.g. `selvhjelp ingest --url https://… https://…`.")
        if url or sitemap:
            from .corpus.web import update_web_corpus

            web = update_web_corpus(settings.data_dir, [*url, *(more_urls or [])], sitemap or [], delay_s=delay)
            for r in web.failed:
                err.print(f"[yellow]{r.status}[/yellow] {r.url}: {r.reason}")
            for problem in web.problems:
                err.print(f"[yellow]sitemap[/yellow] {problem}")
            counts = {k: list(web.changes.values()).count(k) for k in ("new", "changed", "unchanged")}
            err.print(f"Web: {counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
                      f"{len(web.failed)} not fetched; {len(web.passages)} web passages saved.")
        elif if_missing and not rebuild and a.index_ready() and a.store.model_marker() is not None:
            err.print(f"Index exists ({a.store.count()} passages); nothing to do.")
            return
        report = a.ingest(progress=not no_progress, rebuild=rebuild)
    except SelvhjelpError as e:
        fail(e)
    if as_json:
        emit_json(report.to_dict())
    else:
        Console().print(
            f"{report.added} added, {report.updated} updated, {report.deleted} deleted, "
            f"{report.unchanged} unchanged; embedded {report.embedded_texts} passages "
            f"({report.embedded_tokens} tokens, {report.cache_hits} from cache) in {report.seconds:.1f} s "
            f"with {report.model_id}"
        )


def _assistant():
    from .pipeline import Assistant

    return Assistant(load_settings())


def _filters(source, chapter, kind) -> dict:
    return {k: v for k, v in (("source", source), ("chapter", chapter), ("kind", kind)) if v is not None}


def _read_questions(path: str) -> list[dict]:
    from .errors import InputError

    rows = []
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"Cannot read {path}: {e}") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            rows.append({"id": d.get("id", n), "question": d["question"]})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InputError(f"{path}:{n}: expected a JSON object with a \"question\" field") from None
    return rows


def search_json(a, qid, query: str, k: int, filters: dict) -> dict:
    """The stable JSON shape of `selvhjelp search --json` (also served by the API)."""
    res = a.search(query, k=k, filters=filters)
    return {
        "id": qid,
        "query": query,
        "results": [{"rank": h.rank, "score": round(h.score, 4), "passage": h.passage.to_dict()} for h in res.hits],
        "timings_ms": {k2: round(v, 2) for k2, v in res.timings_ms.items()},
    }


@app.command()
def search(
    query: str = typer.Argument(None, help="What to look for, in Norwegian or English."),
    k: int = typer.Option(10, "-k", "--k", min=1, max=100, help="How many passages."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
    questions: str = typer.Option(None, "--questions", help="Batch: a JSONL file of {\"id\", \"question\"} (or - for stdin); one JSON result per line, in order."),
    source: str = typer.Option(None, "--source", help="Only anthology, sn or web."),
    chapter: int = typer.Option(None, "--chapter", help="Only this chapter (0 = Forord)."),
    kind: str = typer.Option(None, "--kind", help="Only body, abstract, footnote, quote, reference, table, list, sheet, web."),
):
    """Find the passages that best match a question (hybrid: meaning + words)."""
    filters = _filters(source, chapter, kind)
    try:
        a = _assistant()
        if questions:
            for row in _read_questions(questions):
                try:
                    emit_json(search_json(a, row["id"], row["question"], k, filters))
                except SelvhjelpError as e:
                    if not isinstance(e, InputError):
                        raise
                    emit_json({"id": row["id"], "query": row["question"], "results": [], "error": str(e)})
            return
        if not query:
            raise InputError("Give a query, or --questions FILE.jsonl")
        out = search_json(a, None, query, k, filters)
    except SelvhjelpError as e:
        fail(e)
    if as_json:
        emit_json(out)
        return
    con = Console()
    for r in out["results"]:
        p = r["passage"]
        where = f"kap. {p['chapter']}, s. {p['pages'][0]}–{p['pages'][1]}" if p["source"] == "anthology" else p.get("title") or p["source"]
        con.print(f"[bold]{r['rank']}.[/bold] [cyan]{p['id']}[/cyan] ({where}) score {r['score']:.3f}")
        con.print(f"   {p['text'][:300]}{'…' if len(p['text']) > 300 else ''}\n")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
