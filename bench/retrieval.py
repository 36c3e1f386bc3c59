"""Retrieval quality and search latency on the dev gold set. Prints numbers; not a test.

    .venv/bin/python bench/retrieval.py [--gold eval/gold/dev.jsonl] [--methods boost,dense,bm25,rrf]
        [--weights 0.02,0.04,0.06,0.1]

Uses the index under SELVHJELP_DATA_DIR (default ./data); builds it first if it is missing.
Each question is searched within its gold set's source (the dev set: the anthology), as
`selvhjelp eval` does, because the SN sheets legitimately answer some book questions too
(«When was NSF founded?»), which would count as misses; `--all-sources` searches everything.
R@k is the share of answerable questions with at least one gold passage (one whose lines
overlap a gold span) in the top k; MRR@10 as usual. Both computed with ranx.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ranx import Qrels, Run, evaluate  # noqa: E402

from rag.config import load_settings  # noqa: E402
from rag.goldset import load_gold  # noqa: E402
from rag.pipeline import Assistant  # noqa: E402
from rag.retrieval import FusionConfig  # noqa: E402

METRICS = ["hit_rate@1", "hit_rate@5", "hit_rate@10", "mrr@10"]


def score(questions, results, passages) -> dict[str, float]:
    qrels = {q.id: {p.id: 1 for p in passages if q.is_hit(p)} for q in questions}
    qrels = {k: v for k, v in qrels.items() if v}
    run = {q.id: {h.passage.id: float(len(results[q.id]) - i) for i, h in enumerate(results[q.id])}
           or {"none": 0.0} for q in questions if q.id in qrels}
    m = evaluate(Qrels(qrels), Run(run), METRICS, make_comparable=True)
    return {k.replace("hit_rate", "R"): float(v) for k, v in m.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(ROOT / "eval/gold/dev.jsonl"))
    ap.add_argument("--methods", default="dense,bm25,rrf,boost")
    ap.add_argument("--weights", default="")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--all-sources", action="store_true", help="do not restrict to the gold source")
    args = ap.parse_args()

    assistant = Assistant(load_settings())
    if not assistant.index_ready():
        print("building the index first …", file=sys.stderr)
        assistant.ingest(progress=False)
    questions = [q for q in load_gold(Path(args.gold)) if q.answerable]
    passages = assistant.store.all_passages()
    retriever = assistant.retriever
    retriever.warm_up()  # vectors, BM25 and sentences once, as the server does at start
    retriever.search("oppvarming", k=1)  # and the model

    configs = []
    for method in args.methods.split(","):
        if method == "boost" and args.weights:
            configs += [(f"boost w={w}", FusionConfig(method="boost", bm25_weight=float(w)))
                        for w in args.weights.split(",")]
        else:
            configs.append((method, FusionConfig(method=method)))

    print(f"{len(questions)} answerable questions, {len(passages)} passages in the index")
    print(f"{'setup':<16} {'lang':<4} {'R@1':>5} {'R@5':>5} {'R@10':>5} {'MRR@10':>7}")
    for name, cfg in configs:
        retriever.config = cfg
        results, lat = {}, []
        for q in questions:
            t = time.perf_counter()
            filters = None if args.all_sources else {"source": q.source}
            results[q.id] = retriever.search(q.question, k=args.k, filters=filters).hits
            lat.append((time.perf_counter() - t) * 1000)
        for lang in ("all", "nb", "en"):
            qs = [q for q in questions if lang == "all" or q.language == lang]
            m = score(qs, results, passages)
            print(f"{name:<16} {lang:<4} {m['R@1']:5.2f} {m['R@5']:5.2f} {m['R@10']:5.2f} {m['mrr@10']:7.3f}")
        lat.sort()
        print(f"{'':<16} latency ms p50 {statistics.median(lat):.1f}  p95 {lat[int(0.95 * (len(lat) - 1))]:.1f}")


if __name__ == "__main__":
    main()
