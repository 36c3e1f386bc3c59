"""The `selvhjelp` command. Each command is thin: it builds Settings and calls the library."""
from __future__ import annotations

import json
import sys

from typing import Annotated, Optional

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


# The filter options shared by search, ask and chat.
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Only anthology, sn or web.")]
ChapterOpt = Annotated[Optional[int], typer.Option("--chapter", help="Only this chapter (0 = Forord).")]
KindOpt = Annotated[Optional[str], typer.Option(
    "--kind", help="Only body, abstract, footnote, quote, reference, table, list, sheet, web.")]


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


def _run_batch(path: str, answer, on_error) -> None:
    """One JSON line per input row, in order; a row that cannot be served gets an error line."""
    for row in _read_questions(path):
        try:
            emit_json(answer(row))
        except InputError as e:
            emit_json(on_error(row, e))


from .api_shapes import search_json  # noqa: E402  (shared with the HTTP API)


@app.command()
def search(
    query: str = typer.Argument(None, help="What to look for, in Norwegian or English."),
    k: int = typer.Option(10, "-k", "--k", min=1, max=100, help="How many passages."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
    questions: str = typer.Option(None, "--questions", help="Batch: a JSONL file of {\"id\", \"question\"} (or - for stdin); one JSON result per line, in order."),
    source: SourceOpt = None,
    chapter: ChapterOpt = None,
    kind: KindOpt = None,
):
    """Find the passages that best match a question (hybrid: meaning + words)."""
    filters = _filters(source, chapter, kind)
    try:
        a = _assistant()
        if questions:
            _run_batch(questions, lambda row: search_json(a, row["id"], row["question"], k, filters),
                       lambda row, e: {"id": row["id"], "query": row["question"], "results": [], "error": str(e)})
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


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(7860, "--port", min=1, max=65535, help="Port to listen on."),
):
    """Serve the web UI at / and the JSON API at /api (docs at /api/docs)."""
    try:
        from ui.server import run  # the UI lives outside rag/, which never imports gradio

        run(load_settings(), host=host, port=port)
    except SelvhjelpError as e:
        fail(e)


@app.command("eval")
def eval_(
    gold: str = typer.Option(None, "--gold", help="Gold set (JSONL). Default: eval/gold/dev.jsonl."),
    url: str = typer.Option(None, "--url", help="Evaluate a running server (e.g. http://127.0.0.1:7860) through its JSON API instead of in-process."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
    report: str = typer.Option(None, "--report", help="Write report.md, report.json and PNG charts into this folder."),
    limit: int = typer.Option(None, "--limit", min=1, help="Only N questions, evenly spread over the set."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a metric misses its threshold in eval/thresholds.toml."),
):
    """Measure retrieval, citation grounding, abstention, language and latency on a gold set.

    Each question is asked with retrieval restricted to its gold source (anthology or sn).
    """
    from .eval_report import metric_table
    from .eval_run import DEFAULT_GOLD, gate_limits, run_eval
    from .evaluation import gate

    gold_path = gold or str(DEFAULT_GOLD)
    try:
        with Console(stderr=True).status("Evaluating …") as status:
            out = run_eval(load_settings(), gold=gold_path, url=url, limit=limit,
                           progress=lambda i, n: status.update(f"Evaluating … {i}/{n}"))
        if report:
            from .eval_report import write_report

            cmd = "selvhjelp eval " + " ".join(sys.argv[2:])
            for p in write_report(out, report, command=cmd):
                err.print(f"wrote {p}")
    except SelvhjelpError as e:
        fail(e)
    failures = gate(out["metrics"], gate_limits(gold_path)) if check else []
    if as_json:
        emit_json(out)
    else:
        from rich.table import Table

        for title, groups in (("All questions and by language", {"all": out["metrics"], **out["by_language"]}),
                              ("By question type", out["by_type"])):
            header, rows = metric_table(groups)
            t = Table(title=title)
            for h in header:
                t.add_column(h, justify="left" if h == "metric" else "right", no_wrap=h == "metric")
            for r in rows:
                t.add_row(*r)
            Console().print(t)
    for f in failures:
        err.print(f"[red]Below threshold:[/red] {f}")
    if failures:
        raise typer.Exit(code=1)


def _print_answer(con: Console, d: dict) -> None:
    """Human-readable answer: notice first, then the answer, then the sources."""
    from rich.markup import escape
    from rich.panel import Panel

    if d.get("notice"):
        con.print(Panel(escape(d["notice"]), border_style="red", title="Viktig / Important"))
    con.print(escape(d["answer"]))
    if d["citations"]:
        con.print()
        from .citations import format_citation

        for c in d["citations"]:
            from .types import Passage

            con.print(f"[bold][{c['n']}][/bold] {escape(format_citation(Passage.from_dict(c['passage']), d['language']))}")
    elif d.get("related"):
        con.print()
        for r in d["related"][:3]:
            p = r["passage"]
            con.print(f"  · {escape(p['id'])}: {escape(p['text'][:160])}…")


@app.command()
def ask(
    question: str = typer.Argument(None, help="The question, in Norwegian or English."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
    questions: str = typer.Option(None, "--questions", help="Batch: a JSONL file of {\"id\", \"question\"} (or - for stdin); one JSON answer per line, in order."),
    source: SourceOpt = None,
    chapter: ChapterOpt = None,
    kind: KindOpt = None,
):
    """Answer a question from the sources, with citations, or say that the sources don't answer it."""
    filters = _filters(source, chapter, kind)
    try:
        a = _assistant()
        if questions:
            _run_batch(questions, lambda row: a.ask(row["question"], filters=filters, qid=row["id"]).to_dict(),
                       lambda row, e: {"id": row["id"], "question": row["question"], "error": str(e)})
            return
        if not question:
            raise InputError("Give a question, or --questions FILE.jsonl")
        d = a.ask(question, filters=filters).to_dict()
    except SelvhjelpError as e:
        fail(e)
    if as_json:
        emit_json(d)
    else:
        _print_answer(Console(), d)


@app.command()
def chat(
    source: SourceOpt = None,
):
    """Chat in the terminal. Follow-up questions («hva med AA?») use the conversation. Ctrl-D to quit."""
    from rich.prompt import Prompt

    con = Console()
    try:
        a = _assistant()
        a._ensure_index()
    except SelvhjelpError as e:
        fail(e)
    con.print("[bold]Selvhjelp RAG[/bold] – spør om selvhjelp i Norge (Ctrl-D for å avslutte). "
              "Ikke et behandlingstilbud; ved akutt fare ring 113.")
    history: list[dict] = []
    while True:
        try:
            q = Prompt.ask("[cyan]Du[/cyan]")
        except (EOFError, KeyboardInterrupt):
            con.print()
            return
        if not q.strip():
            continue
        try:
            d = a.ask(q, history=history, filters=_filters(source, None, None)).to_dict()
        except InputError as e:
            con.print(f"[yellow]{e}[/yellow]")
            continue
        except SelvhjelpError as e:
            fail(e)
        _print_answer(con, d)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": d["answer"]}]


def main() -> None:
    """The console entry point. A bug must not greet a user with a traceback: it is reported
    in one line (exit 1); SELVHJELP_DEBUG=1 shows the traceback."""
    import os

    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as e:  # noqa: BLE001 - SystemExit (typer's exits) is not an Exception
        if os.environ.get("SELVHJELP_DEBUG"):
            raise
        print(f"Error: something unexpected went wrong ({type(e).__name__}: {e}). Nothing was changed "
              "by it; please report it. Run with SELVHJELP_DEBUG=1 to see the details.", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
