"""Requests over HTTP against gunicorn (2 workers) on loopback, driven by wrk.

wrk runs in its own process (C, two threads), so the Python side of the benchmark does
not compete with gunicorn's workers more than the load generator has to.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
LUA = r"""
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local limit = %(limit)d
local i = 0
local done_here = 0
request = function()
  i = i + 1
  local cookie = cookies[(i %% #cookies) + 1]
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "sessionid=" .. cookie})
end
response = function(status, headers, body)
  done_here = done_here + 1
  if limit > 0 and done_here >= limit then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bad_status": %%d, "socket_errors": %%d,' ..
    ' "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str:
    """wrk from Debian's packages; installed on the spot where the machine allows it."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's wrk package", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=False,
        capture_output=True,
    )
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed for the HTTP part of the benchmark: apt-get install wrk")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2):
    """Serve bench.wsgi with gunicorn on a free loopback port; yields (base URL, master pid)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BASE / ".venv" / "bin" / "gunicorn"),
            "bench.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=120",
        ],
        cwd=BASE,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_memory_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def check_paths(base: str, paths: list[str], cookie: str) -> None:
    """Every path must answer 200 with the session before it is measured."""
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={cookie}")]
    for path in paths:
        with opener.open(base + path, timeout=30) as response:
            assert response.status == 200 and response.url == base + path, path


def wrk(
    base: str,
    paths: list[str],
    cookies: list[str],
    *,
    seconds: int = 5,
    connections: int = 8,
    limit: int = 0,
) -> dict:
    """Run wrk over the paths (in turn) with the sessions (in turn); returns its summary."""
    lua = LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "cookies": ", ".join(json.dumps(c) for c in cookies),
        "limit": limit,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua)
        script.flush()
        out = subprocess.run(
            [
                ensure_wrk(),
                "--threads=2",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=30s",
                f"--script={script.name}",
                base + paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    raw = json.loads(line[len("RESULT ") :])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "errors": raw["bad_status"] + raw["socket_errors"],
    }
