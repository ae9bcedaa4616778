"""kyodo's benchmark (`make bench`): pages, exports, agreement PDFs, gunicorn over HTTP.

1. Seeds its own database: SQLite under var/bench/, or the PostgreSQL database named by
   KYODO_BENCH_DATABASE_URL (its name must contain "bench": it is dropped and recreated).
2. A small data set first (1,000 projects) for the queries per page and the exports' memory,
   then the full one:
   10 年度, 6,000 projects across the seven forms, 2,000 partners, 500 users, agreements
   with versions, evaluations. Queries per page must not change between the two.
3. Through Django's test client: median and p95 of each page after a warm-up, with a bare
   Django view and the admin changelist of the same projects as the machine's ceiling.
4. Exports (.csv, .xlsx, open data) at both sizes: time and peak Python memory.
5. Agreement PDF: first render, warm renders, render + store on agreeing, stored serve.
6. Over HTTP against gunicorn (2 workers) with wrk: each page's throughput and latency, the
   ratios to the bare view and the admin changelist, worker memory after 1,000 mixed
   requests, and a load test of 50 concurrent connections for 60 s on the mixed pages.

Prints a table and writes bench/results.json. Takes about five minutes.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("KYODO_VAR_DIR", str(BASE / "var" / "bench"))
VAR = Path(os.environ["KYODO_VAR_DIR"])
LOAD_SECONDS = int(os.environ.get("KYODO_BENCH_LOAD_SECONDS", "60"))


def fresh_database() -> str:
    """Start from an empty database; returns a label for the report."""
    VAR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VAR / "media", ignore_errors=True)
    url = os.environ.get("KYODO_BENCH_DATABASE_URL", "")
    if not url:
        os.environ.pop("DATABASE_URL", None)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{VAR / 'kyodo.sqlite3'}{suffix}").unlink(missing_ok=True)
        return "SQLite"
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit("KYODO_BENCH_DATABASE_URL: the database name must contain 'bench'")
    import psycopg

    admin_url = url.replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    return "PostgreSQL"


ENGINE = fresh_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench import exports, http_load, pdf, seed  # noqa: E402
from bench.pages import clients, page_urls, timed  # noqa: E402

TARGETS = {
    "median_ms": 50,
    "ratio_to_bare": 0.5,
    "ratio_to_admin": 1.0,
    "export_seconds": 3,
    "worker_mb": 200,
}


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    results: dict = {"database": ENGINE, "targets": TARGETS}

    print(f"== seeding ({ENGINE})", flush=True)
    first = seed.seed(projects=1000, partners=300, users=60, tag="s")
    users = {k: first[k] for k in ("staff", "coordinator", "admin")}
    urls = page_urls(first["project"].pk)
    made = clients(users)
    small = {name: timed(made[who], path, repeat=3) for name, (who, path) in urls.items()}
    results["exports_small"] = exports.measure(made["staff"], made["anonymous"])
    results["counts_small"] = seed.counts()
    seed.seed(projects=5000, partners=1700, users=440)
    results["counts"] = seed.counts()
    print(f"   {results['counts']}", flush=True)

    print("== pages through the test client", flush=True)
    pages = {}
    for name, (who, path) in urls.items():
        row = timed(made[who], path)
        row["queries_small"] = small[name]["queries"]
        row["path"] = path
        pages[name] = row
    results["test_client"] = pages

    print("== exports", flush=True)
    results["exports"] = exports.measure(made["staff"], made["anonymous"])

    print("== agreement PDF", flush=True)
    results["agreement_pdf"] = pdf.measure()

    print("== gunicorn (2 workers) with wrk", flush=True)
    cookies = {who: session_cookie(user) for who, user in users.items()}
    cookies["anonymous"] = "none"
    results["http"] = http = {}
    with http_load.gunicorn(workers=2) as (base, master):
        for name, (who, path) in urls.items():
            http_load.check_paths(base, [path], cookies[who])
            http[name] = http_load.wrk(base, [path], [cookies[who]], seconds=5, connections=8)
        mixed = [path for name, (_who, path) in urls.items() if name != "bare"]
        load_cookies = [cookies["coordinator"]] + [
            session_cookie(u) for u in seed.User.objects.filter(role="coordinator")[:20]
        ]
        results["mixed_1000"] = http_load.wrk(
            base, mixed, load_cookies, seconds=120, connections=4, limit=500
        )
        results["worker_mb_after_1000"] = http_load.worker_memory_mb(master)
        print(f"== load test: 50 connections for {LOAD_SECONDS} s", flush=True)
        results["load"] = http_load.wrk(
            base, mixed, load_cookies, seconds=LOAD_SECONDS, connections=50
        )
        results["worker_mb_after_load"] = http_load.worker_memory_mb(master)
    results["seconds"] = round(time.perf_counter() - started)
    report(results)
    (BASE / "bench" / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    )


def mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(r: dict) -> None:
    bare, admin = r["http"]["bare"], r["http"]["admin_changelist"]
    print()
    print(
        f"{'page':<24}{'median':>8}{'p95':>8}{'queries':>9}{'1k→6k':>10}"
        f"{'req/s':>8}{'http p95':>9}{'×bare':>7}{'×admin':>7}  targets"
    )
    for name, row in r["test_client"].items():
        h = r["http"][name]
        to_bare = round(h["requests_per_s"] / bare["requests_per_s"], 2)
        to_admin = round(h["requests_per_s"] / admin["requests_per_s"], 2)
        h["ratio_to_bare"], h["ratio_to_admin"] = to_bare, to_admin
        checks = []
        if name not in ("bare", "admin_changelist"):
            checks = [
                f"median {mark(row['median_ms'] < TARGETS['median_ms'])}",
                f"×bare {mark(to_bare >= TARGETS['ratio_to_bare'])}",
                f"×admin {mark(to_admin >= TARGETS['ratio_to_admin'])}",
                f"queries {mark(row['queries'] == row['queries_small'])}",
            ]
        print(
            f"{name:<24}{row['median_ms']:>8}{row['p95_ms']:>8}{row['queries']:>9}"
            f"{row['queries_small']:>6}→{row['queries']:<3}{h['requests_per_s']:>8}"
            f"{h['p95_ms']:>9}{to_bare:>7}{to_admin:>7}  {' '.join(checks)}"
        )
    print()
    print(f"{'export':<18}{'1k: s':>8}{'KB peak':>9}{'6k: s':>9}{'KB peak':>9}{'size KB':>9}")
    for name, row in r["exports"].items():
        s = r["exports_small"][name]
        flat = row["peak_python_memory_kb"] <= 2 * max(s["peak_python_memory_kb"], 1)
        print(
            f"{name:<18}{s['seconds']:>8}{s['peak_python_memory_kb']:>9}{row['seconds']:>9}"
            f"{row['peak_python_memory_kb']:>9}{row['size_kb']:>9}  "
            f"time {mark(row['seconds'] < TARGETS['export_seconds'])} memory {mark(flat)}"
        )
    p = r["agreement_pdf"]
    print()
    print(
        f"agreement PDF: {p['pages']} pages, {p['size_kb']} KB; first render "
        f"{p['first_render_ms']} ms, then median {p['render_median_ms']} ms "
        f"({mark(p['render_median_ms'] <= 500)}); agreeing with render+store "
        f"{p['agree_with_render_and_store_ms']} ms; stored PDF served in "
        f"{p['stored_serve_median_ms']} ms ({mark(p['stored_serve_median_ms'] <= 20)})"
    )
    m, load = r["mixed_1000"], r["load"]
    worst = max(r["worker_mb_after_1000"] + r["worker_mb_after_load"])
    print(
        f"gunicorn workers after {m['requests']} mixed requests: {r['worker_mb_after_1000']} MB; "
        f"after the load test: {r['worker_mb_after_load']} MB "
        f"({mark(worst < TARGETS['worker_mb'])})"
    )
    print(
        f"load test, 50 connections for {LOAD_SECONDS} s: {load['requests']} requests, "
        f"{load['requests_per_s']} req/s, p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, "
        f"p99 {load['p99_ms']} ms, errors {load['errors']} ({mark(load['errors'] == 0)})"
    )
    print(f"{r['database']}, {r['counts']['projects']} projects; benchmark took {r['seconds']} s")


if __name__ == "__main__":
    main()
