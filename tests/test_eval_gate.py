"""Regression gate: the dev-set evaluation, in-process, against eval/thresholds.toml; and
`selvhjelp eval --url` against the real `selvhjelp serve`.

The gate uses the index under SELVHJELP_DATA_DIR (default ./data) and builds it when it is
missing (a few minutes cold). It fails naming every metric below its floor (or above its ceiling).
"""
import pytest

from rag.config import load_settings
from rag.eval_run import DEFAULT_GOLD, gate_limits, run_eval
from rag.evaluation import gate
from rag.pipeline import Assistant

pytestmark = pytest.mark.slow


def test_dev_set_metrics_meet_their_thresholds():
    settings = load_settings()
    assistant = Assistant(settings)
    if not assistant.index_ready():
        assistant.ingest(progress=False)
    limits = gate_limits(DEFAULT_GOLD)
    assert limits.get("min"), "eval/thresholds.toml has no [dev.min] table"
    report = run_eval(settings, DEFAULT_GOLD, assistant=assistant, llm_judge=False)
    assert report["metrics"]["questions"] == 90
    failures = gate(report["metrics"], limits)
    assert not failures, "dev-set metrics below their thresholds:\n" + "\n".join(failures)


def test_url_mode_against_the_real_server(tmp_path_factory):
    from serve_helpers import Server, build_index

    from rag.eval_run import SN_GOLD

    data = build_index(tmp_path_factory.mktemp("eval-serve"))
    with Server(data) as srv:
        report = run_eval(load_settings(data_dir=data), SN_GOLD, url=srv.url, limit=4, llm_judge=False)
    m = report["metrics"]
    assert report["target"] == srv.url and m["questions"] == 4
    assert [r["id"] for r in report["questions"]] == ["sn-nb-01", "sn-en-04", "sn-nb-08", "sn-en-11"]
    answered = [r for r in report["questions"] if r["answerable"] and not r["abstained"]]
    assert answered and all(r["retrieved"] for r in report["questions"] if r["answerable"])
    assert m["R@10"] is not None and m["R@10"] > 0
