"""Optional LLM judge for `selvhjelp eval`: a faithfulness score per answer.

Used only when SELVHJELP_LLM_BASE_URL is set. The model gets the cited passages and the
answer's sentences (prompts/judge_system.txt, judge_user.txt) and replies
{"supported": [true, false, ...]}; faithfulness is the share of sentences it marks supported.
A failed call or an unreadable reply gives None for that answer (reported, never fatal).
"""
from __future__ import annotations

import json
import re
from typing import Any

from .citations import passages_block
from .config import Settings
from .evaluation import answer_sentences
from .prompts import load_prompt, render
from .types import Passage


class LLMJudge:
    def __init__(self, settings: Settings, chat_model=None):
        from .llm.openai_compat import make_chat_model

        self.settings = settings
        self.model = chat_model or make_chat_model(settings)
        self.failures = 0

    def faithfulness(self, answer: dict[str, Any]) -> float | None:
        sents = answer_sentences(answer.get("answer", ""))
        if not sents:
            return None
        passages = [Passage.from_dict(c["passage"]) for c in answer.get("citations", [])]
        user = render(load_prompt(self.settings.prompts_dir, "judge_user"),
                      passages=passages_block(passages) or "(none)",
                      sentences="\n".join(f"{i}. {s.text} {''.join(f'[{n}]' for n in s.markers)}".rstrip()
                                          for i, s in enumerate(sents, 1)))
        try:
            reply = self.model.invoke([("system", load_prompt(self.settings.prompts_dir, "judge_system")),
                                       ("human", user)])
            verdicts = parse_verdicts(str(reply.content), len(sents))
        except Exception:  # noqa: BLE001 - any endpoint failure: no score for this answer
            verdicts = None
        if verdicts is None:
            self.failures += 1
            return None
        return sum(verdicts) / len(verdicts)


def parse_verdicts(text: str, n: int) -> list[bool] | None:
    """The {"supported": [...]} list from a reply (code fences and chatter around it tolerated);
    None when it is missing or does not have one boolean per sentence."""
    m = re.search(r"\{.*\}", text, re.DOTALL)
    if not m:
        return None
    try:
        vals = json.loads(m.group(0)).get("supported")
    except (ValueError, AttributeError):
        return None
    if not isinstance(vals, list) or len(vals) != n or not all(isinstance(v, bool) for v in vals):
        return None
    return vals
