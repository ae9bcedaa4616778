"""Page timings through Django's test client: median and p95 latency, queries per request."""

import statistics
import time

from django.db import connection
from django.test import Client


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def count_queries(client: Client, url: str) -> int:
    queries = []

    def note(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def timed(client: Client, url: str, *, warmup: int = 3, repeat: int = 30) -> dict:
    """Warm up, then time `repeat` requests; every one must answer 200."""
    for _ in range(warmup):
        client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
        "queries": count_queries(client, url),
    }


def clients(users: dict) -> dict:
    """One logged-in test client per role name, plus an anonymous one."""
    made = {"anonymous": Client()}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        made[name] = client
    return made


def page_urls(project_pk: int) -> dict[str, tuple[str, str]]:
    """Each measured page: (who asks, path)."""
    return {
        "bare": ("anonymous", "/bench/bare/"),
        "admin_changelist": ("admin", "/admin/projects/project/"),
        "project_list": ("staff", "/projects/"),
        "project_list_filtered": (
            "staff",
            "/projects/?fiscal_year=2025&implementation_form=jigyo_kyoryoku&status=completed",
        ),
        "project_page": ("staff", f"/projects/{project_pk}/"),
        "review_queue": ("coordinator", "/review/"),
        "stats": ("anonymous", "/stats/"),
        "public": ("anonymous", "/public/"),
        "public_search": ("anonymous", "/public/?q=%E6%B5%B7%E5%B2%B8"),
    }
