"""The evaluation harness's metric functions on tiny hand-made inputs, the LLM judge against a
local OpenAI-protocol server, and `--url` mode against a tiny local server speaking the API's JSON."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from rag.config import load_settings
from rag.evaluation import (EvalError, HttpTarget, SupportJudge, answer_language, answer_sentences,
                            citation_metrics, evaluate, gate, numbers, polarity_clash, retrieval_scores,
                            spread, summarize)
from rag.goldset import GoldQuestion, load_gold
from rag.language import detect_language
from rag.types import Passage

ROOT = Path(__file__).resolve().parent.parent
NSF = "Stiftelsen Norsk selvhjelpsforum (NSF) ble opprettet i 1998. Formålet var å være et nasjonalt ressurssenter."
FREE = "Det er gratis å delta i en selvorganisert selvhjelpsgruppe. Det koster innsats, men ikke penger."


def passage(pid, text, lines=(1, 2), source="anthology"):
    return {"id": pid, "source": source, "kind": "body", "language": "nb", "chapter": 1, "chapter_title": None,
            "authors": None, "section": None, "pages": None, "lines": list(lines), "doi": None, "url": None,
            "title": None, "text": text}


def answer(text, *passages, abstained=False):
    return {"answer": text, "abstained": abstained,
            "citations": [{"n": i, "quote": "", "passage": p} for i, p in enumerate(passages, 1)]}


# ------------------------------------------------------------------ sentences and language


def test_answer_sentences_drop_framing_and_map_markers():
    text = ("The sources say (quoted in Norwegian):\n\nOn AA group:\n"
            "«Første setning. Andre setning.» [1]\n«Tredje.» [2] Fjerde uten markør.\nFemte [1, 3].")
    got = [(s.text, s.markers) for s in answer_sentences(text)]
    assert got == [("«Første setning.", [1]), ("Andre setning.»", [1]), ("«Tredje.»", [2]),
                   ("Fjerde uten markør.", []), ("Femte.", [1, 3])]


def test_answer_language_ignores_norwegian_quotes():
    en = "The sources say (quoted in Norwegian):\n\n«Selvhjelp Norge anbefaler «lukkede» grupper, mens AA tar inn nye medlemmer.» [1]"
    nb = "Dette sier kildene:\n\nSelvhjelp Norge anbefaler lukkede grupper. [1]"
    assert answer_language(en, detect_language) == "en"
    assert answer_language(nb, detect_language) == "nb"


# ------------------------------------------------------------------ support judge


def test_number_and_polarity_checks():
    assert numbers("Et møte varer i to timer, fra 2015.") == {"2", "2015"}
    assert numbers("two hours", "en") == {"2"}
    assert polarity_clash("Det koster penger å delta.", "nb", FREE)
    assert not polarity_clash("Det koster ikke penger å delta.", "nb", FREE)
    assert polarity_clash("Deltakerne har ikke taushetsplikt.", "nb", "Alle deltakerne har taushetsplikt.")
    # A negation elsewhere in the passage does not undo a sentence that states the claim plainly.
    claim, negated = "Norsk selvhjelpsforum er en nasjonal organisasjon.", "Dette gjelder ikke Norsk selvhjelpsforum."
    assert polarity_clash(claim, "nb", negated)
    assert not polarity_clash(claim, "nb", negated + " " + claim)
    # A quote from a chapter's English abstract is read as English ("not only …" is in both).
    abstract = ("At the same time there are interesting differences, not only between professional group "
                "therapy and self-help groups, but also between a 12-step group and a typical group.")
    assert not polarity_clash(abstract, "en", abstract, "en")


def test_lexical_judge_separates_support_from_wrong_year_and_negation():
    judge = SupportJudge(threshold=0.5, weight_lexical=1.0)
    assert judge.supports("Norsk selvhjelpsforum ble opprettet i 1998.", NSF)
    assert not judge.supports("Norsk selvhjelpsforum ble opprettet i 2006.", NSF)
    assert judge.supports("Det koster ikke penger å delta i en selvhjelpsgruppe.", FREE)
    assert not judge.supports("Det koster penger å delta i en selvhjelpsgruppe.", FREE)
    assert not judge.supports("Fiskesuppe lages med torsk og fløte.", NSF)


# ------------------------------------------------------------------ citation metrics (ALCE)


def test_citation_recall_precision_and_unsupported_rate():
    judge = SupportJudge(threshold=0.5, weight_lexical=1.0)
    text = ("Dette sier kildene:\n"
            "Norsk selvhjelpsforum ble opprettet i 1998 [1][2].\n"   # [1] supports, [2] does not
            "Det koster ikke penger å delta i en selvhjelpsgruppe [1].\n"  # cited wrongly, [2] elsewhere supports
            "Fiskesuppe lages med torsk og fløte.")                  # no marker, nothing supports it
    m = citation_metrics(answer(text, passage("a", NSF), passage("b", FREE)), judge)
    assert [s["supported"] for s in m["sentences"]] == [True, False, False]
    assert m["citation_recall"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == pytest.approx(1 / 3)  # 1 of 3 attached citations supports
    assert m["unsupported_rate"] == pytest.approx(1 / 3)  # only the fish soup has no support anywhere


# ------------------------------------------------------------------ aggregate metrics


def row(qid, answerable=True, abstained=False, gold_hit=None, lang="nb", retrieved=(), latency=10.0):
    r = {"id": qid, "answerable": answerable, "abstained": abstained, "language": lang, "type": "factual",
         "language_match": True, "latency_ms": latency, "retrieved": list(retrieved),
         "citations": [] if abstained else [{"n": 1}]}
    if not abstained:
        r.update(citation_recall=1.0, citation_precision=1.0, unsupported_rate=0.0)
        if answerable:
            r["gold_hit"] = gold_hit
    return r


def test_retrieval_scores_with_ranx():
    rows = [row("q1", retrieved=["a", "x"]), row("q2", retrieved=["x", "y", "b"]), row("q3", retrieved=["x"])]
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"c"}}
    m = retrieval_scores(rows, qrels)
    assert m["R@1"] == pytest.approx(1 / 3)
    assert m["R@5"] == pytest.approx(2 / 3)
    assert m["MRR@10"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert m["nDCG@10"] == pytest.approx((1 + 0.5 + 0) / 3)  # rank 3: 1/log2(4)


def test_abstention_answered_rate_gold_hit_latency():
    rows = [row("a1", gold_hit=True, latency=10), row("a2", gold_hit=False, latency=20),
            row("a3", abstained=True, latency=30), row("u1", answerable=False, abstained=True, latency=40),
            row("u2", answerable=False, abstained=False, latency=50)]
    m = summarize(rows, {})
    assert m["abstention_precision"] == pytest.approx(1 / 2)  # a3 abstained wrongly
    assert m["abstention_recall"] == pytest.approx(1 / 2)  # u2 was answered
    assert m["answered_rate"] == pytest.approx(2 / 3)
    assert m["gold_hit"] == pytest.approx(1 / 2)
    assert m["latency_p50_ms"] == pytest.approx(30)


def test_gate_names_the_metric_that_fails():
    limits = {"min": {"gold_hit": 0.9, "R@5": 0.5}, "max": {"unsupported_rate": 0.1}}
    fails = gate({"gold_hit": 0.8, "R@5": 0.9, "unsupported_rate": 0.2}, limits)
    assert len(fails) == 2 and fails[0].startswith("gold_hit") and fails[1].startswith("unsupported_rate")
    assert gate({"gold_hit": 0.95, "R@5": 0.5, "unsupported_rate": 0.0}, limits) == []


def test_spread_covers_the_whole_set():
    assert spread(list(range(10)), 3) == [0, 3, 6]
    assert spread([1, 2], 5) == [1, 2]


# ------------------------------------------------------------------ gold sets


def test_sn_gold_set_spans_point_into_real_sheets():
    qs = load_gold(ROOT / "eval/gold/sn.jsonl")
    assert len(qs) >= 20 and {q.language for q in qs} == {"nb", "en"}
    assert sum(not q.answerable for q in qs) >= 3 and all(q.source == "sn" for q in qs)
    for q in qs:
        for (a, b), f in zip(q.spans, q.span_files):
            lines = (ROOT / f).read_text(encoding="utf-8").split("\n")
            assert 1 <= a <= b <= len(lines) and lines[a - 1].strip(), (q.id, f, a)


def test_is_hit_checks_the_sheet_for_sn_passages():
    q = GoldQuestion(id="x", question="?", language="nb", type="factual", answerable=True,
                     spans=((36, 36),), source="sn", span_files=("corpus/sn/historie.md",))
    hit = Passage(id="sn:historie:001", source="sn", kind="sheet", language="nb", text="t", lines=(34, 37))
    other_sheet = Passage(id="sn:kurs:001", source="sn", kind="sheet", language="nb", text="t", lines=(34, 37))
    elsewhere = Passage(id="sn:historie:004", source="sn", kind="sheet", language="nb", text="t", lines=(50, 52))
    assert q.is_hit(hit) and not q.is_hit(other_sheet) and not q.is_hit(elsewhere)


# ------------------------------------------------------------------ --url mode (tiny API server)


class FakeApi(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _json(self, obj, status=200):
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        self.server.seen.append(("GET", url.path, q))
        hit = passage("ch1:36-37", NSF, lines=(36, 37))
        self._json({"id": None, "query": q["q"][0], "timings_ms": {},
                    "results": [{"rank": 1, "score": 1.0, "passage": passage("ch9:1-2", FREE)},
                                {"rank": 2, "score": 0.5, "passage": hit}]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append(("POST", self.path, body))
        if "budsjett" in body["question"]:
            return self._json({**answer("Jeg finner ikke svar på dette i kildene.", abstained=True),
                               "language": "nb", "question": body["question"]})
        self._json({**answer("Dette sier kildene:\nNorsk selvhjelpsforum ble opprettet i 1998. [1]",
                             passage("ch1:36-37", NSF, lines=(36, 37))),
                    "language": "nb", "question": body["question"]})


@pytest.fixture()
def api():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    srv.seen = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_url_mode_speaks_the_api_and_scores_replies(api):
    qs = [GoldQuestion(id="q1", question="Når ble NSF opprettet?", language="nb", type="when", answerable=True,
                       spans=((36, 36),)),
          GoldQuestion(id="q2", question="Hva er budsjettet?", language="nb", type="unanswerable",
                       answerable=False, spans=())]
    target = HttpTarget(f"http://127.0.0.1:{api.server_address[1]}")
    corpus = [Passage.from_dict(passage("ch1:36-37", NSF, lines=(36, 37)))]
    report = evaluate(qs, target, SupportJudge(threshold=0.5, weight_lexical=1.0), corpus, detect_language)
    m = report["metrics"]
    assert m["R@1"] == 0.0 and m["R@5"] == 1.0 and m["MRR@10"] == pytest.approx(0.5)
    assert m["gold_hit"] == 1.0 and m["citation_recall"] == 1.0 and m["abstention_recall"] == 1.0
    assert ("POST", "/api/ask", {"question": "Når ble NSF opprettet?", "filters": {"source": "anthology"}}) in api.seen
    assert any(s[0] == "GET" and s[2]["source"] == ["anthology"] and s[2]["k"] == ["10"] for s in api.seen)


def test_unreachable_server_is_a_clear_error():
    from serve_helpers import free_port

    target = HttpTarget(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(EvalError, match="Cannot reach the server"):
        target.ask("Hva er selvhjelp?", {"source": "anthology"})


def test_cli_url_unreachable_exits_cleanly():
    from typer.testing import CliRunner

    from rag.cli import app
    from serve_helpers import free_port

    res = CliRunner().invoke(app, ["eval", "--url", f"http://127.0.0.1:{free_port()}", "--limit", "1"])
    assert res.exit_code == 2
    assert "Cannot reach the server" in res.output and "Traceback" not in res.output


# ------------------------------------------------------------------ optional LLM judge


class FakeOpenAI(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(req)
        if self.server.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps({"id": "c1", "object": "chat.completion", "created": 0, "model": req["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": self.server.content}}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def llm():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    srv.requests, srv.mode, srv.content = [], "ok", ""
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_llm_judge_faithfulness(llm):
    from rag.eval_judge import LLMJudge

    settings = load_settings(llm_base_url=f"http://127.0.0.1:{llm.server_address[1]}/v1", llm_model="judge",
                             llm_timeout=10)
    judge = LLMJudge(settings)
    ans = answer("Dette sier kildene:\nNSF ble opprettet i 1998 [1]. NSF ble opprettet i 2006 [1].",
                 passage("a", NSF))
    llm.content = 'Here you go: ```json\n{"supported": [true, false]}\n```'
    assert judge.faithfulness(ans) == pytest.approx(0.5)
    prompt = json.dumps(llm.requests[-1]["messages"], ensure_ascii=False)
    assert "1. NSF ble opprettet i 1998. [1]" in prompt and "opprettet i 1998" in prompt and "supported" in prompt
    llm.content = '{"supported": [true]}'  # wrong length: no score, counted as a failure
    assert judge.faithfulness(ans) is None
    llm.mode = "error"
    assert judge.faithfulness(ans) is None and judge.failures == 2
