"""A small real index for the API, Gradio-client and browser tests (built once per session).

It holds chapters 1–2 of the anthology and every SN sheet, embedded with the real model. Vectors
already in ./data/cache (same model, keyed by text hash) are copied in first, so a warm machine
builds it in seconds; a fresh clone embeds ~290 passages.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = (1, 2)
_built: Path | None = None


def test_passages(settings):
    from rag.corpus.loader import load_passages

    return [p for p in load_passages(settings, ["anthology", "sn"])
            if p.source == "sn" or p.chapter in CHAPTERS]


def build_index(tmp_root: Path) -> Path:
    """The data dir of the test index (once per session)."""
    global _built
    if _built is not None:
        return _built
    data = tmp_root / "data"
    (data / "cache").mkdir(parents=True)
    warm = ROOT / "data" / "cache" / "embeddings.sqlite"
    if warm.exists():
        try:  # the backup API gives a consistent copy even while another process writes
            src = sqlite3.connect(f"file:{warm}?mode=ro", uri=True, timeout=30)
            dst = sqlite3.connect(data / "cache" / "embeddings.sqlite")
            src.backup(dst)
            src.close()
            dst.close()
        except sqlite3.Error:
            pass  # a cold cache only costs time
    from rag.config import load_settings
    from rag.ingest import ingest
    from rag.pipeline import Assistant

    settings = load_settings(data_dir=data)
    a = Assistant(settings)
    ingest(test_passages(settings), a.store, a.embeddings, progress=False)
    a.store.close() if hasattr(a.store, "close") else None
    _built = data
    return data


def stop_process(proc: subprocess.Popen | None) -> None:
    """Terminate a child process, killing it if it does not stop within 20 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`selvhjelp serve` in a subprocess on a free port."""

    def __init__(self, data_dir: Path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SELVHJELP_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False",
                    "ANONYMIZED_TELEMETRY": "False", "SELVHJELP_RATE_LIMIT_PER_MINUTE": "0",
                    **{k: str(v) for k, v in env.items()}}
        self.log = data_dir.parent / f"serve-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        exe = Path(sys.executable).with_name("selvhjelp")
        self.proc = subprocess.Popen([str(exe), "serve", "--port", str(self.port)], cwd=ROOT, env=self.env,
                                     stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=5).status_code in (200, 503):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def __exit__(self, *exc) -> None:
        stop_process(self.proc)
