"""Follow-up questions rewritten into standalone ones, without an LLM.

«hva med AA?» after «Hva er en SN-gruppe?» becomes «Hva er en AA-gruppe?»; "and when was it
founded?" after "What is Selvhjelp Norge?" becomes "When was Selvhjelp Norge founded?".
The rules are small on purpose: swap the entity, fill in the pronoun, or append the
fragment to the previous question. Anything else is left as it is.
"""
from __future__ import annotations

import re

_WS = re.compile(r"\s+")
_LEAD = re.compile(r"^\s*(?:og|and|men|but|så|so|also|også)\b[\s,]*", re.IGNORECASE)
_WHAT_ABOUT = re.compile(
    r"^\s*(?:og\s+|and\s+|men\s+|but\s+)?(?:hva\s+så\s+med|hva\s+med|hva\s+om|kva\s+med|enn|"
    r"samme\s+for|what\s+about|how\s+about|what\s+of|same\s+for|and)\s+(?P<x>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?P<p>den|det|dette|denne|disse|dem|de|han|hun|ham|henne|it|they|them|this|that|these|"
    r"those|he|she|him|her|dens|dets|deres|its|their|his)\b(?!\s+(?:å|som|er\s+å|to)\b)",
    re.IGNORECASE,
)
_POSSESSIVE = {"dens", "dets", "deres", "its", "their", "his", "her"}
# "Wh-word + verb" at the start of a question; what follows is its topic.
_TOPIC = re.compile(
    r"^\s*(?:hva|hvem|hvor|hvordan|hvorfor|når|hvilke[nt]?|kva|kven|korleis|kvifor|what|who|"
    r"where|how|why|when|which)(?:\s+(?:mange|mye|lenge|år|many|much|long|year))?\s+"
    r"(?:\w+\s+)?(?:(?:en|ei|et|the|a|an)\s+)?(?P<t>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_TRAILING_VERB = re.compile(
    r"\s+(?:\w+ed|stiftet|startet|etablert|opprettet|grunnlagt|laget|skrevet|finansiert|do|does|"
    r"work|fungerer|betyr|mean|means|begin|began|start|started)$",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"\b[A-ZÆØÅ]{2,}s?\b|\b[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ][a-zæøåé]+)+\b")


def _user_turns(history: list[dict]) -> list[str]:
    return [str(m.get("content", "")) for m in history or [] if m.get("role") == "user" and m.get("content")]


def _topic(question: str) -> str | None:
    ents = _ENTITY.findall(question[1:])  # skip a capitalised first word
    m = _TOPIC.match(question)
    topic = m.group("t") if m else None
    if topic:
        topic = _TRAILING_VERB.sub("", topic).strip()
    if ents and (not topic or len(topic.split()) > 4):
        return ents[0]
    return topic or (ents[0] if ents else None)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _ensure_q(s: str) -> str:
    s = s.strip()
    return s if s.endswith(("?", ".", "!")) else s + "?"


def _swap(prev: str, new: str) -> str:
    """Put ``new`` where the previous question's entity or topic was."""
    new = _LEAD.sub("", new).strip()
    ents = [e for e in _ENTITY.findall(prev) if e != prev.split()[0]]
    # An acronym replaces an acronym, even inside a compound ("SN-gruppe" → "AA-gruppe").
    if re.fullmatch(r"[A-ZÆØÅ]{2,}", new):
        acr = [e for e in ents if re.fullmatch(r"[A-ZÆØÅ]{2,}s?", e)]
        if acr:
            return re.sub(r"\b" + re.escape(acr[0].rstrip("s")) + r"\b", new, prev, count=1)
    topic = _topic(prev)
    if topic and topic in prev:
        return prev.replace(topic, new, 1)
    return f"{new}: {prev}"


def resolve_followup(question: str, history: list[dict]) -> str:
    """A standalone version of ``question`` given earlier turns ``[{"role", "content"}]``."""
    turns = _user_turns(history)
    if not turns:
        return question
    # Resolve the earlier turns too, so a chain of follow-ups keeps its topic.
    prev = turns[0]
    for turn in turns[1:]:
        prev = _resolve(turn, prev)
    return _resolve(question, prev)


def _resolve(question: str, prev: str) -> str:
    q = _WS.sub(" ", question).strip()
    words = q.split()
    if not q or len(words) > 10:
        return question
    m = _WHAT_ABOUT.match(q)
    if m and len(m.group("x").split()) <= 4 and not _PRONOUN.search(m.group("x")) and not _TOPIC.match(m.group("x")):
        return _ensure_q(_swap(prev, m.group("x")))
    p = _PRONOUN.search(q)
    led = bool(_LEAD.match(q))
    if p and (led or len(words) <= 7) and not _ENTITY.search(q[1:]):
        topic = _topic(prev)
        if topic:
            word = p.group("p")
            fill = (topic + ("s" if re.search(r"(?i)[æøåa-z]$", topic) and word.lower() in {"dens", "dets", "deres"} else "'s")) if word.lower() in _POSSESSIVE else topic
            body = _LEAD.sub("", q[: p.start()] + fill + q[p.end():])
            return _ensure_q(_cap(body))
    if led and len(words) <= 6:
        # «og i Norge?» → the previous question with the fragment added.
        rest = _LEAD.sub("", q).rstrip("?.! ")
        return _ensure_q(prev.rstrip("?.! ") + " " + rest)
    return question
