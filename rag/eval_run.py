"""Wiring for `selvhjelp eval` and the regression gate: target, judge, corpus, thresholds."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .config import PROJECT_ROOT, Settings
from .evaluation import HttpTarget, LocalTarget, evaluate, load_thresholds, make_judge, spread
from .goldset import load_gold

DEFAULT_GOLD = PROJECT_ROOT / "eval" / "gold" / "dev.jsonl"
SN_GOLD = PROJECT_ROOT / "eval" / "gold" / "sn.jsonl"
THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.toml"


def run_eval(settings: Settings, gold: Path = DEFAULT_GOLD, url: str | None = None,
             limit: int | None = None, assistant=None, llm_judge: bool | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Evaluate ``gold`` in-process (default) or against the server at ``url``.

    The support judge embeds with this process's embedding model in both modes. ``llm_judge`` defaults to "when SELVHJELP_LLM_BASE_URL is set".
    """
    from .language import detect_language
    from .pipeline import Assistant

    questions = spread(load_gold(Path(gold)), limit)
    local = assistant or Assistant(settings)
    target = HttpTarget(url) if url else LocalTarget(local)
    emb = local.embeddings
    judge = make_judge(embed=lambda ts: np.asarray(emb.embed_documents(list(ts)), dtype=np.float32),
                       detect=detect_language, thresholds=load_thresholds(THRESHOLDS))
    judge_llm = None
    if llm_judge if llm_judge is not None else bool(settings.llm_base_url):
        from .eval_judge import LLMJudge

        judge_llm = LLMJudge(settings)
    sources = sorted({q.source for q in questions})
    # The passages the gold spans are matched against: the index itself in-process; this
    # checkout's corpus for a server (plus any relevant passage the server returns).
    passages = ([p for p in local.store.all_passages() if p.source in sources] if not url
                else local.corpus(sources))
    try:
        report = evaluate(questions, target, judge, passages, detect_language,
                          llm_judge=judge_llm, progress=progress)
    finally:
        if isinstance(target, HttpTarget):
            target.close()
    gold = Path(gold).resolve()
    report["gold"] = str(gold.relative_to(PROJECT_ROOT) if gold.is_relative_to(PROJECT_ROOT) else gold)
    if judge_llm is not None:
        report["llm_judge"] = {"model": settings.llm_model, "failures": judge_llm.failures}
    return report


def gate_limits(gold: Path) -> dict[str, Any]:
    """The [<gold stem>] table of eval/thresholds.toml, e.g. [dev.min] and [dev.max]."""
    return load_thresholds(THRESHOLDS).get(Path(gold).stem, {})
