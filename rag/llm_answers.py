"""Answers from an OpenAI-compatible LLM, checked afterwards, with the extractive answer as
fallback.

The model sees only the numbered passages (prompts in ``prompts/``) and must cite them as
``[n]``; markers out of range are removed and sentences no cited passage supports are dropped.
If the endpoint fails or times out, the extractive answer is returned with a notice.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .answering import ExtractiveAnswerer, Search, _asks_something, _sentences
from .citations import (
    content_stems, parse_markers, passages_block, remove_out_of_range, renumber, strip_markers,
    support_score,
)
from .language import detect_language
from .prompts import load_prompt, phrase, render
from .safety import crisis_notice, is_medical_advice_request
from .types import Answer, Citation, Passage, ScoredPassage

if TYPE_CHECKING:
    from .config import Settings


_ABSTAIN_LLM = re.compile(r"finner ikke svar|cannot find an answer|can't find an answer|not answered by", re.IGNORECASE)


def build_messages(prompts_dir: Path, question: str, passages: list[Passage], language: str,
                   leads: dict[str, str] | None = None) -> list:
    """System rules first, then one user message holding the fenced passages and the question.
    Passage text only ever appears inside the <kilder> block."""
    from langchain_core.messages import HumanMessage, SystemMessage

    system = load_prompt(prompts_dir, "answer_system_en" if language == "en" else "answer_system")
    block = passages_block(passages, language, leads)
    user = render(load_prompt(prompts_dir, "answer_user"), passages=block, question=question)
    return [SystemMessage(content=system), HumanMessage(content=user)]


class LLMAnswerer:
    """Answers with an OpenAI-compatible model, then checks the answer against the passages.

    Out-of-range markers are removed; sentences that no cited passage supports (or that
    cite nothing) are dropped and the reader is told. Any endpoint error, timeout or
    unusable output returns the extractive answer with a notice.
    """

    def __init__(
        self,
        settings: "Settings",
        extractive: ExtractiveAnswerer | None = None,
        *,
        chat_model: Any = None,
        embed_passages: Callable[[list[str]], np.ndarray] | None = None,
    ):
        self.settings = settings
        self.prompts_dir = Path(settings.prompts_dir)
        self.extractive = extractive or ExtractiveAnswerer(self.prompts_dir)
        self.config = self.extractive.config
        if chat_model is None:
            from .llm import make_chat_model

            chat_model = make_chat_model(settings)
        self.model = chat_model
        self.embed_passages = embed_passages
        self.backend = f"llm:{settings.llm_model}"

    def answer(self, question: str, hits: list[ScoredPassage], *, language: str | None = None,
               search: Search | None = None) -> Answer:
        final = None
        for item in self.stream(question, hits, language=language, search=search, _stream=False):
            if isinstance(item, Answer):
                final = item
        return final

    def stream(self, question: str, hits: list[ScoredPassage], *, language: str | None = None,
               search: Search | None = None, _stream: bool = True) -> Iterator[str | Answer]:
        """Yield text chunks as the model writes them, then the checked ``Answer`` (whose
        text may differ from the chunks: unsupported sentences are removed)."""
        t0 = time.perf_counter()
        language = language or detect_language(question)
        notice = crisis_notice(question, language, self.prompts_dir)
        if is_medical_advice_request(question) or (notice and not _asks_something(question)) or not hits:
            yield self.extractive.answer(question, hits, language=language, search=search)
            return
        passages = [h.passage for h in hits[: self.config.llm_passages]]
        # A block quote is shown with the sentence that introduces it, as it is indexed.
        leads = {p.id: lead for p in passages if (lead := self.extractive._lead(p))}
        messages = build_messages(self.prompts_dir, question, passages, language, leads)
        parts: list[str] = []
        try:
            if _stream:
                for chunk in self.model.stream(messages):
                    text = chunk.content if isinstance(chunk.content, str) else ""
                    if text:
                        parts.append(text)
                        yield text
            else:
                msg = self.model.invoke(messages)
                parts.append(msg.content if isinstance(msg.content, str) else "")
        except Exception:  # any endpoint failure: timeout, HTTP error, bad JSON, refused connection
            yield self._fallback(question, hits, language, search, "llm_failed", t0)
            return
        llm_ms = (time.perf_counter() - t0) * 1000
        ans = self._check(question, "".join(parts), passages, hits, language, notice, search, t0)
        ans.timings_ms.setdefault("llm", llm_ms)
        yield ans

    def _fallback(self, question, hits, language, search, key, t0) -> Answer:
        ans = self.extractive.answer(question, hits, language=language, search=search)
        note = phrase(self.prompts_dir, language, key)
        ans.notice = "\n\n".join(x for x in (ans.notice, note) if x)
        ans.timings_ms["llm"] = (time.perf_counter() - t0) * 1000
        return ans

    def _support(self, sentence: str, passage: Passage, language: str) -> float:
        cfg = self.config
        # What the model was shown: a quote's lead-in («… planen fra 2004 …») supports it too.
        text = " ".join(x for x in (self.extractive._lead(passage), passage.text) if x)
        return support_score(sentence, text, language=language, embed=self.embed_passages,
                             dense_floor=cfg.dense_floor, dense_ceiling=cfg.dense_ceiling)

    def _check(self, question, text, passages, hits, language, notice, search, t0) -> Answer:
        from .chunking import split_sentences

        cfg = self.config
        text, _removed = remove_out_of_range(text.strip(), len(passages))
        if not text:
            return self._fallback(question, hits, language, search, "llm_empty", t0)
        if _ABSTAIN_LLM.search(text) and not parse_markers(text):
            ans = self.extractive._abstain(question, language, notice, hits)
            ans.backend = self.backend
            return ans
        floor = cfg.min_support_en if language == "en" else cfg.min_support_nb
        kept: list[str] = []
        dropped = 0
        for sent in split_sentences(text):
            nums = [n for n in dict.fromkeys(parse_markers(sent))]
            if not nums:
                # Uncited framing ("Kildene sier:") may stay; an uncited claim may not.
                if len(strip_markers(sent).split()) <= 6 and sent.rstrip().endswith(":"):
                    kept.append(sent)
                else:
                    dropped += 1
                continue
            best = max(self._support(sent, passages[n - 1], language) for n in nums)
            if best >= floor:
                kept.append(sent)
            else:
                dropped += 1
        if not any(parse_markers(s) for s in kept):
            return self._fallback(question, hits, language, search, "llm_empty", t0)
        order = list(dict.fromkeys(n for s in kept for n in parse_markers(s)))
        mapping = {old: new for new, old in enumerate(order, 1)}
        body = renumber(" ".join(kept), mapping)
        citations = []
        for old in order:
            p = passages[old - 1]
            citing = " ".join(strip_markers(s) for s in kept if old in parse_markers(s))
            citations.append(Citation(mapping[old], p, self._best_quote(p, citing, language)))
        notes = [notice] + ([phrase(self.prompts_dir, language, "llm_unsupported")] if dropped else [])
        return Answer(question, language, body, citations, abstained=False,
                      notice="\n\n".join(n for n in notes if n) or None, backend=self.backend,
                      timings_ms={"answer": (time.perf_counter() - t0) * 1000})

    @staticmethod
    def _best_quote(p: Passage, claim: str, language: str) -> str:
        """The passage sentence sharing most words with what the model said about it."""
        want = set(content_stems(claim, language))
        best, best_score = None, -1.0
        for s in _sentences(p.text):
            score = len(want & s.stems) / (1 + 0.01 * s.words)
            if score > best_score:
                best, best_score = s, score
        return p.text[best.start:best.end] if best else p.text
