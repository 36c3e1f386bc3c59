"""Checks on what users type, shared by the CLI, the API and the UI."""
from __future__ import annotations

import re
import unicodedata

from .errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


def clean_question(text: object, max_chars: int = 2000) -> str:
    """Normalise a question (NFC, no control characters, single spaces) or raise InputError."""
    if not isinstance(text, str):
        raise InputError("The question must be text.")
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from bad input
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if not text:
        raise InputError("The question is empty. / Spørsmålet er tomt.")
    if len(text) > max_chars:
        raise InputError(
            f"The question is too long ({len(text)} characters; the limit is {max_chars}). "
            f"/ Spørsmålet er for langt (grensen er {max_chars} tegn)."
        )
    return text
