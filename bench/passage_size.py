"""Which passage size retrieves best? Re-parses the anthology at several sizes, embeds each (the
disk cache makes repeats cheap) and scores dense and fused search on the dev set, in memory.

    .venv/bin/python bench/passage_size.py 35:60 50:90 80:140 120:200

Each argument is target:maximum words per passage (sentences are never cut). Prints
R@1/R@5/MRR@10 for all, nb and en questions.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.corpus.anthology import parse_anthology  # noqa: E402
from rag.goldset import load_gold  # noqa: E402
from rag.pipeline import Assistant  # noqa: E402
from rag.retrieval import Bm25Index, FusionConfig  # noqa: E402
from rag.translate import default_glossary  # noqa: E402


def metrics(scores: np.ndarray, questions, passages) -> str:
    out = []
    for lang in ("all", "nb", "en"):
        r1 = r5 = mrr = n = 0
        for qi, q in enumerate(questions):
            if lang != "all" and q.language != lang:
                continue
            n += 1
            top = np.argsort(-scores[qi])[:10]
            ranks = [i for i, j in enumerate(top) if q.is_hit(passages[j])]
            if ranks:
                r1 += ranks[0] == 0
                r5 += ranks[0] < 5
                mrr += 1 / (ranks[0] + 1)
        out.append(f"{lang} {r1 / n:.2f}/{r5 / n:.2f}/{mrr / n:.3f}")
    return "  ".join(out)


def main() -> None:
    a = Assistant(load_settings())
    emb, glossary, w = a.embeddings, default_glossary(a.settings), FusionConfig().bm25_weight
    questions = [q for q in load_gold(ROOT / "eval/gold/dev.jsonl") if q.answerable]
    glosses = [glossary.translate(q.question) if q.language == "en" else None for q in questions]
    Q = np.array([emb.embed_query(q.question) for q in questions])
    G = np.array([emb.embed_query(g or q.question) for g, q in zip(glosses, questions)])
    sn = a.corpus(["sn"])
    print("size      passages embed_s  setup  R@1/R@5/MRR@10 by language")
    for arg in sys.argv[1:] or ["50:90"]:
        target, maximum = map(int, arg.split(":"))
        passages = parse_anthology(ROOT / "corpus", target_words=target, max_words=maximum).passages + sn
        t = time.perf_counter()
        P = np.array(emb.embed_documents([p.indexed_text for p in passages]))
        secs = time.perf_counter() - t
        bm = Bm25Index(passages)
        B = []
        for q, g in zip(questions, glosses):
            s, cov = bm.scores(g or q.question)
            B.append(s / (s.max() or 1.0) * cov)
        D = (Q @ P.T + G @ P.T) / 2
        for name, S in (("dense", D), ("fused", D + w * np.array(B))):
            print(f"{arg:<9} {len(passages):>8} {secs:7.0f}  {name:<5}  {metrics(S, questions, passages)}", flush=True)


if __name__ == "__main__":
    main()
