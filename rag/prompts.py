"""Prompt templates and fixed phrases, loaded from ``prompts/`` by name (no prompt text in code).

Templates use ``$name`` placeholders (``string.Template``), so braces and quotes in passage
text need no escaping, and substituted values are never re-read as template syntax.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from string import Template

from .errors import ConfigError


@lru_cache(maxsize=64)
def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"Prompt file {path} cannot be read ({e.strerror}). Check SELVHJELP_PROMPTS_DIR.") from None


def load_prompt(prompts_dir: Path | str, name: str) -> str:
    """The text of ``prompts/<name>.txt`` (or ``<name>`` if it has a suffix), trailing newline removed."""
    fname = name if Path(name).suffix else f"{name}.txt"
    return _read(str(Path(prompts_dir) / fname)).rstrip("\n")


def load_localized(prompts_dir: Path | str, name: str, language: str) -> str:
    """``<name>_<language>.txt``, falling back to the Norwegian ``<name>_nb.txt``."""
    path = Path(prompts_dir) / f"{name}_{language}.txt"
    return load_prompt(prompts_dir, path.name if path.exists() else f"{name}_nb.txt")


def render(template: str, **values: str) -> str:
    """Fill ``$name`` placeholders; a missing value is a configuration error."""
    try:
        return Template(template).substitute(**values)
    except (KeyError, ValueError) as e:
        raise ConfigError(f"Prompt template needs a value it was not given: {e}") from None


@lru_cache(maxsize=8)
def _phrases(path: str) -> dict:
    return json.loads(_read(path))


def phrase(prompts_dir: Path | str, language: str, key: str, **values: str) -> str:
    """A fixed user-facing phrase from ``prompts/phrases.json`` in ``language`` (nb fallback)."""
    table = _phrases(str(Path(prompts_dir) / "phrases.json"))
    text = table.get(language, {}).get(key) or table["nb"][key]
    return text.format(**values) if values else text
