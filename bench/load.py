"""Load test: N concurrent clients asking questions on POST /api/ask for a fixed time.

    .venv/bin/python bench/load.py                    # starts `selvhjelp serve` on 127.0.0.1 itself
    .venv/bin/python bench/load.py --clients 10 --duration 30
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860 --pid 12345   # a running server

The started server gets SELVHJELP_RATE_LIMIT_PER_MINUTE=0, since every client shares one IP.
Only loopback hosts are accepted: this is not a tool for loading someone else's server.
Reports requests, errors (any non-2xx or exception), latency p50/p95/p99, throughput and the
server's RSS (peak and at the end, from /proc/<pid>/status).
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent

# What people actually ask: short and long, Norwegian and English, a few follow-up-ish ones.
QUESTIONS = [
    "Hva er en selvhjelpsgruppe?",
    "Hva er en igangsetter?",
    "Hvordan starter jeg en selvhjelpsgruppe?",
    "Hva betyr «fortrolige fremmede»?",
    "Hva gjør Selvhjelp Norge?",
    "Hvem kan bli med i en selvhjelpsgruppe?",
    "Hvordan kan frivilligsentraler samarbeide med selvhjelpsgrupper?",
    "Hva sier boka om samarbeid mellom kommunen og selvhjelpsgrupper?",
    "Hvilken rolle har fagfolk i selvhjelpsarbeid?",
    "Er det taushetsplikt i en selvhjelpsgruppe?",
    "Hva er forskjellen på en selvhjelpsgruppe og en terapigruppe?",
    "Hvor mange deltakere bør det være i en gruppe?",
    "Jeg føler meg ensom og vet ikke hvem jeg kan snakke med. Kan en selvhjelpsgruppe hjelpe meg?",
    "What is a self-help group?",
    "How do I start a self-help group in Norway?",
    "What does Selvhjelp Norge do?",
    "What is the role of professionals in self-help?",
    "Who wrote the book Samarbeid om selvhjelp?",
    "What is a facilitator in a self-help group?",
    "How can municipalities support self-help groups?",
]


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil
    return sorted_values[int(rank) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: str | None, log_path: Path, startup_timeout: float = 300) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SELVHJELP_RATE_LIMIT_PER_MINUTE": "0", "GRADIO_ANALYTICS_ENABLED": "False",
           "ANONYMIZED_TELEMETRY": "False"}
    if data_dir:
        env["SELVHJELP_DATA_DIR"] = data_dir
    exe = Path(sys.executable).with_name("selvhjelp")
    log = log_path.open("w")
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log_path.read_text()[-2000:]}")
        try:
            r = httpx.get(url + "/api/health", timeout=5)
            if r.status_code == 200:
                return proc, url
            if r.status_code == 503:
                stop_server(proc)
                raise SystemExit(f"the server is not ready (no index?): {r.text[:500]}")
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("the server did not start in time")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def run_load(url: str, clients: int, duration: float, max_requests: int, timeout: float,
                   pid: int | None, seed: int) -> dict:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    rss: list[int] = []
    rng = random.Random(seed)
    stop_at = time.monotonic() + duration

    async def client(n: int, http: httpx.AsyncClient) -> None:
        order = QUESTIONS[:]
        random.Random(seed + n).shuffle(order)
        for i in range(max_requests):
            if time.monotonic() >= stop_at:
                return
            q = order[i % len(order)]
            t0 = time.perf_counter()
            try:
                r = await http.post(url + "/api/ask", json={"question": q})
                ok = 200 <= r.status_code < 300 and "answer" in r.json()
                statuses[str(r.status_code)] += 1
                if not ok:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
            except Exception as e:  # noqa: BLE001 - every failure counts as an error
                statuses[type(e).__name__] += 1
                errors.append(f"{type(e).__name__}: {e}")
                ok = False
            if ok:
                latencies.append(time.perf_counter() - t0)

    async def sample_rss() -> None:
        while time.monotonic() < stop_at + timeout:
            kb = rss_kb(pid) if pid else None
            if kb:
                rss.append(kb)
            await asyncio.sleep(0.5)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    rss_start = rss_kb(pid) if pid else None
    t_start = time.monotonic()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        sampler = asyncio.create_task(sample_rss())
        # Staggered starts (up to 1 s) like real users, not one synchronised wall.
        async def delayed(n: int) -> None:
            await asyncio.sleep(rng.random())
            await client(n, http)

        await asyncio.gather(*(delayed(n) for n in range(clients)))
        sampler.cancel()
    elapsed = time.monotonic() - t_start
    rss_end = rss_kb(pid) if pid else None
    lat = sorted(latencies)
    total = sum(statuses.values())
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    return {
        "url": url,
        "clients": clients,
        "duration_s": duration,
        "elapsed_s": round(elapsed, 1),
        "max_requests_per_client": max_requests,
        "requests": total,
        "ok": len(latencies),
        "errors": total - len(latencies),
        "statuses": dict(statuses),
        "error_samples": errors[:5],
        "latency_ms": {"p50": ms(percentile(lat, 50)), "p95": ms(percentile(lat, 95)),
                       "p99": ms(percentile(lat, 99)), "max": ms(lat[-1] if lat else None)},
        "throughput_rps": round(len(latencies) / elapsed, 2) if elapsed else None,
        "server_rss_mb": {"start": _mb(rss_start), "peak": _mb(max(rss) if rss else None), "end": _mb(rss_end)},
    }


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--max-requests", type=int, default=500, help="bound on requests per client")
    ap.add_argument("--timeout", type=float, default=120.0, help="client timeout per request (s)")
    ap.add_argument("--url", help="a running server on a loopback address (default: start one)")
    ap.add_argument("--pid", type=int, help="the running server's pid, for RSS (with --url)")
    ap.add_argument("--data-dir", help="SELVHJELP_DATA_DIR for the started server (default: ./data)")
    ap.add_argument("--warmup", type=int, default=3, help="sequential questions before the clock starts")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--json", action="store_true", help="print the report as JSON only")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.max_requests < 1:
        ap.error("--clients, --duration and --max-requests must be positive")

    proc = None
    if args.url:
        host = urlparse(args.url).hostname
        if not is_loopback(host):
            ap.error(f"refusing {args.url}: only loopback hosts (127.0.0.1, ::1, localhost) are load-tested")
        url, pid = args.url.rstrip("/"), args.pid
    else:
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"selvhjelp-load-{os.getpid()}.log"
        proc, url = start_server(args.data_dir, log_path)
        pid = proc.pid
    try:
        for q in QUESTIONS[: args.warmup]:  # first calls load models and the in-memory index
            httpx.post(url + "/api/ask", json={"question": q}, timeout=args.timeout).raise_for_status()
        report = asyncio.run(run_load(url, args.clients, args.duration, args.max_requests, args.timeout,
                                      pid, args.seed))
    finally:
        if proc is not None:
            stop_server(proc)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        lat, mem = report["latency_ms"], report["server_rss_mb"]
        print(f"{report['clients']} clients, {report['elapsed_s']} s against {url}")
        print(f"requests {report['requests']}  ok {report['ok']}  errors {report['errors']}  {report['statuses']}")
        print(f"latency ms  p50 {lat['p50']}  p95 {lat['p95']}  p99 {lat['p99']}  max {lat['max']}")
        print(f"throughput {report['throughput_rps']} answers/s")
        print(f"server RSS MB  start {mem['start']}  peak {mem['peak']}  end {mem['end']}")
        for e in report["error_samples"]:
            print("  error:", e)
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
