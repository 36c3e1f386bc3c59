"""The `selvhjelp` command. Each command is thin: it builds Settings and calls the library."""
from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from .config import load_settings
from .errors import SelvhjelpError

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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
