"""Calibrate the evaluation's support judge on hand-labelled pairs. Prints numbers; not a test.

    .venv/bin/python bench/calibrate_support.py [--labels eval/support_labels.jsonl]

Each label is {sentence, passage_text, supported}. For every lexical weight w in a small grid,
the judge's score (w·lexical + (1−w)·dense, with the number and negation caps; see
rag/evaluation.py) is computed for every pair, and the threshold that maximises accuracy
(ties: F1) is chosen. The best (w, threshold) is printed with its F1/accuracy, the score
distributions and the mistakes; copy it into eval/thresholds.toml [support].
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from rag.config import load_settings  # noqa: E402
from rag.embeddings.base import make_embeddings  # noqa: E402
from rag.evaluation import SupportJudge  # noqa: E402
from rag.language import detect_language  # noqa: E402

WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)


def best_threshold(scores: list[float], labels: list[bool]) -> tuple[float, float, float]:
    """(threshold, F1, accuracy) maximising accuracy, then F1, over midpoints of the scores.
    Accuracy first: F1 alone rewards calling everything supported (negatives are the point)."""
    s = sorted(set(scores))
    cands = [s[0] - 1e-6] + [(a + b) / 2 for a, b in zip(s, s[1:])] + [s[-1] + 1e-6]
    best = (0.0, -1.0, -1.0)
    for t in cands:
        pred = [x >= t for x in scores]
        tp = sum(p and y for p, y in zip(pred, labels))
        fp = sum(p and not y for p, y in zip(pred, labels))
        fn = sum(not p and y for p, y in zip(pred, labels))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        acc = sum(p == y for p, y in zip(pred, labels)) / len(labels)
        if (acc, f1) > (best[2], best[1]):
            best = (t, f1, acc)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", default=str(ROOT / "eval/support_labels.jsonl"))
    args = ap.parse_args()
    rows = [json.loads(x) for x in Path(args.labels).read_text(encoding="utf-8").splitlines() if x.strip()]
    emb = make_embeddings(load_settings())
    judge = SupportJudge(embed=lambda ts: np.asarray(emb.embed_documents(list(ts)), dtype=np.float32),
                         detect=detect_language)
    labels = [bool(r["supported"]) for r in rows]
    print(f"{len(rows)} labelled pairs ({sum(labels)} supported, {len(rows) - sum(labels)} not)")
    print(f"{'w_lex':>5} {'threshold':>9} {'F1':>6} {'acc':>6}")
    results = []
    for w in WEIGHTS:
        judge.weight_lexical = w
        scores = [judge.score(r["sentence"], r["passage_text"]) for r in rows]
        t, f1, acc = best_threshold(scores, labels)
        results.append((f1, acc, w, t, scores))
        print(f"{w:5.1f} {t:9.3f} {f1:6.3f} {acc:6.3f}")
    f1, acc, w, t, scores = max(results, key=lambda r: (r[1], r[0], -abs(r[2] - 0.5)))
    judge.weight_lexical = w
    print(f"\nbest: weight_lexical = {w}, threshold = {t:.3f}  (F1 {f1:.3f}, accuracy {acc:.3f})")
    print("scores, supported:    ", " ".join(f"{s:.2f}" for s, y in sorted(zip(scores, labels)) if y))
    print("scores, not supported:", " ".join(f"{s:.2f}" for s, y in sorted(zip(scores, labels)) if not y))
    for r, s in zip(rows, scores):
        if (s >= t) != r["supported"]:
            d = judge.parts(r["sentence"], r["passage_text"])
            print(f"  mistake: score {s:.3f} (lexical {d['lexical']:.2f}, dense {d['dense']:.2f}{', capped: ' + d['capped'] if d['capped'] else ''}) "
                  f"label {r['supported']} [{r.get('kind', '')}] {r['sentence']}")


if __name__ == "__main__":
    main()
