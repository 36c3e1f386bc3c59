"""`selvhjelp eval --report DIR`: report.md, report.json and PNG charts (matplotlib, Agg)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The metrics shown in tables and charts, in order; shares unless the name says ms.
TABLE = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10", "citation_recall", "citation_precision",
         "gold_hit", "unsupported_rate", "abstention_precision", "abstention_recall",
         "answered_rate", "language_match", "llm_faithfulness", "latency_p50_ms", "latency_p95_ms")
CHART = ("R@5", "MRR@10", "citation_recall", "citation_precision", "gold_hit", "answered_rate",
         "language_match")


def fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1f}" if v > 1.5 else f"{v:.3f}"
    return str(v)


def metric_table(groups: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Rows of metric name + one column per group; metrics absent everywhere are left out."""
    names = [m for m in TABLE if any(g.get(m) is not None for g in groups.values())]
    rows = [[m] + [fmt(g.get(m)) for g in groups.values()] for m in names]
    rows.insert(0, ["questions"] + [str(g.get("questions")) for g in groups.values()])
    return ["metric", *groups.keys()], rows


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _bars(path: Path, groups: dict[str, dict[str, Any]], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = [m for m in CHART if any(g.get(m) is not None for g in groups.values())]
    x = np.arange(len(names))
    width = 0.8 / max(len(groups), 1)
    fig, ax = plt.subplots(figsize=(max(10, 1.5 * len(names)), 4.5))
    for i, (label, g) in enumerate(groups.items()):
        vals = [g.get(m) if g.get(m) is not None else 0.0 for m in names]
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, vals, width, label=f"{label} (n={g.get('questions')})")
    ax.set_xticks(x, names, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _latency(path: Path, rows: list[dict], metrics: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lat = [r["latency_ms"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(lat, bins=min(30, max(5, len(lat) // 3)), color="#4878a8")
    for key, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
        if metrics.get(key) is not None:
            ax.axvline(metrics[key], color="black", linestyle=style,
                       label=f"{key.split('_')[1]} {metrics[key]:.0f} ms")
    ax.set_xlabel("answer latency (ms, wall clock)")
    ax.set_ylabel("questions")
    ax.set_title(f"Latency per question (n={len(lat)})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: dict[str, Any], out_dir: Path, command: str | None = None) -> list[Path]:
    """Write report.json, report.md and three PNG charts into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "by_type.png", out / "by_language.png",
             out / "latency.png"]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    m = report["metrics"]
    _bars(paths[2], report["by_type"], "Metrics by question type")
    _bars(paths[3], {"all": m, **report["by_language"]}, "Metrics by question language")
    _latency(paths[4], report["questions"], m)

    judge = report["support_judge"]
    md = [f"# Evaluation: {report.get('gold', '')}", ""]
    if command:
        md += [f"Command: `{command}`", ""]
    md += [f"Target: {report['target']}. Support judge: lexical weight {judge['weight_lexical']}, "
           f"threshold {judge['threshold']}{', with embeddings' if judge['dense'] else ', lexical only'}.", "",
           "## All questions and by language", "",
           _md_table(*metric_table({"all": m, **report["by_language"]})), "",
           "## By question type", "", _md_table(*metric_table(report["by_type"])), "",
           "![by type](by_type.png)", "", "![by language](by_language.png)", "", "![latency](latency.png)", "",
           "## Questions that need a look", ""]
    flagged = [r for r in report["questions"]
               if (r["answerable"] and (r["abstained"] or not r.get("gold_hit")))
               or (not r["answerable"] and not r["abstained"])
               or (not r["abstained"] and r.get("unsupported_rate", 0) > 0) or not r["language_match"]]
    if not flagged:
        md.append("None.")
    for r in flagged:
        why = []
        if r["answerable"] and r["abstained"]:
            why.append("abstained on an answerable question")
        elif r["answerable"] and not r.get("gold_hit"):
            why.append("no citation overlaps a gold span")
        if not r["answerable"] and not r["abstained"]:
            why.append("answered an unanswerable question")
        if not r["abstained"] and r.get("unsupported_rate", 0) > 0:
            why.append(f"unsupported sentences {r['unsupported_rate']:.2f}")
        if not r["language_match"]:
            why.append(f"answer language {r['answer_language']}")
        md.append(f"- **{r['id']}** ({r['type']}) {r['question']} — {'; '.join(why)}")
    paths[1].write_text("\n".join(md) + "\n", encoding="utf-8")
    return paths
