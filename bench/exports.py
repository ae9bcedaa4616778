"""Exports: the project list as .csv and .xlsx, and the open-data CSV; time and peak Python
memory at two sizes, so that "flat in the number of rows" is a measured claim."""

import time
import tracemalloc

from django.test import Client


def _body_size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure_one(client: Client, url: str) -> dict:
    client.get(url)  # warm-up
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, url
    size = _body_size(response)
    elapsed = time.perf_counter() - started
    # Memory in a second pass: tracing allocations slows the code down.
    tracemalloc.start()
    _body_size(client.get(url))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(elapsed, 2),
        "size_kb": round(size / 1024),
        "peak_python_memory_kb": round(peak / 1024),
    }


def measure(staff_client: Client, anonymous: Client) -> dict:
    """Each export of everything the user may see (called at two sizes of the database)."""
    return {
        "projects_csv": measure_one(staff_client, "/projects/export.csv"),
        "projects_xlsx": measure_one(staff_client, "/projects/export.xlsx"),
        "open_data_csv": measure_one(anonymous, "/public/projects.csv"),
    }
