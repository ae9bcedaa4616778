"""Benchmark of the public side (issue 7): /stats/ over 10 年度 of records, /public/ over
10,000 disclosed projects, and the streamed open-data CSV. Called from bench/run.py."""

import statistics
import time
import tracemalloc

from django.db import connection
from django.test import Client

from kyodo.models import Department
from partners.models import Partner
from projects.models import ImplementationForm, Project, ProjectPartner

FORMS = ImplementationForm.values


def _seed(department: Department, *, counted: int, disclosed: int) -> None:
    partners = Partner.objects.bulk_create(
        Partner(name=f"公開ベンチ団体{i}", search_index=f"公開ベンチ団体{i}") for i in range(200)
    )
    projects = [
        Project(
            title=f"公開ベンチ事業{n}",
            fiscal_year=2017 + n % 10,
            department=department,
            implementation_form=FORMS[n % len(FORMS)],
            purpose="市民と市がいっしょに地域の課題に取り組む。",
            status="completed" if n < counted else "draft",
            disclosure="public" if n < disclosed else "",
            search_index=f"公開ベンチ事業{n}",
        )
        for n in range(max(counted, disclosed))
    ]
    Project.objects.bulk_create(projects, batch_size=1000)
    links = [
        ProjectPartner(project=p, partner=partners[i % len(partners)], role="agreement")
        for i, p in enumerate(Project.objects.filter(title__startswith="公開ベンチ事業"))
    ]
    ProjectPartner.objects.bulk_create(links, batch_size=1000)


def _timed(client: Client, url: str, repeat: int = 15) -> dict:
    client.get(url)  # warm-up
    samples = []
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(url)
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 1),
        "queries": len(queries),
    }


def measure() -> dict:
    department = Department.objects.create(name="公開ベンチ課", bureau="ベンチ部")
    _seed(department, counted=6000, disclosed=10000)
    client = Client()
    results = {
        "projects_counted": 6000,
        "projects_disclosed": 10000,
        "stats": _timed(client, "/stats/"),
        "public_list_page_1": _timed(client, "/public/"),
        "public_list_page_200": _timed(client, "/public/?page=200"),
        "public_search": _timed(client, "/public/?q=%E5%85%AC%E9%96%8B%E3%83%99%E3%83%B3%E3%83%81"),
    }
    started = time.perf_counter()
    response = client.get("/public/projects.csv")
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    # Memory is measured in a second pass: tracing allocations slows the code down.
    tracemalloc.start()
    response = client.get("/public/projects.csv")
    for _chunk in response.streaming_content:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["open_data_csv"] = {
        "rows": 10000,
        "seconds": round(elapsed, 2),
        "size_kb": round(size / 1024),
        "peak_python_memory_kb": round(peak / 1024),
    }
    return results
