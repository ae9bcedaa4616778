"""kyodo's benchmark: agreement PDF rendering and serving, and the public pages.

Run with `make bench`. Uses its own SQLite database under var/bench/, prints a table and
writes bench/results.json. Later work adds the page and export measurements of issue 8.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.settings")
os.environ.setdefault("KYODO_VAR_DIR", str(BASE / "var" / "bench"))
Path(os.environ["KYODO_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
db = Path(os.environ["KYODO_VAR_DIR"]) / "kyodo.sqlite3"
for suffix in ("", "-wal", "-shm"):
    Path(f"{db}{suffix}").unlink(missing_ok=True)
shutil.rmtree(Path(os.environ["KYODO_VAR_DIR"]) / "media", ignore_errors=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kyodo.models import Department, User  # noqa: E402
from partners.models import Partner  # noqa: E402
from projects import agreements, services  # noqa: E402


def count_pages(pdf: bytes) -> int | None:
    """Pages of a PDF as poppler's pdfinfo reads them (None if pdfinfo is missing)."""
    if not shutil.which("pdfinfo"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        info = subprocess.run(["pdfinfo", tmp.name], capture_output=True, text=True).stdout
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None
    )


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    call_command("migrate", verbosity=0)
    dept = Department.objects.create(name="環境政策課", bureau="環境部")
    staff = User.objects.create_user("bench", password="bench-pass-123", department=dept)
    orgs = [Partner.objects.create(name=f"ベンチ団体{i}") for i in range(2)]
    users = [
        User.objects.create_user(f"p{i}", password="x", role="partner", department=None, partner=o)
        for i, o in enumerate(orgs)
    ]
    project = services.project_create(
        by=staff,
        data={
            "title": "ベンチマーク用の協働事業",
            "fiscal_year": 2026,
            "implementation_form": "jigyo_kyoryoku",
            "purpose": "目的の共有。" * 20,
            "start_date": date(2026, 4, 1),
            "end_date": date(2027, 3, 31),
        },
        detail_data={},
    )
    for org in orgs:
        services.project_add_partner(project=project, by=staff, partner=org, role="agreement")
    version = agreements.agreement_start(project=project, by=staff)
    long = "事業の途中で状況が変わったときは、協議の場で話し合い、書面で合意する。" * 6
    version = agreements.agreement_version_save(
        version=version,
        by=staff,
        expected_version=version.version,
        data={
            "responsibility": long,
            "insurance": long,
            "deliverables": long,
            "consultation": long,
            "change_procedure": long,
            "confidentiality": long,
            "crisis_management": long,
            "personal_data": long,
            "other": long,
        },
        roles=[
            {
                "task": f"役割{i}: 海岸の清掃と観察会の運営",
                "party": "partner",
                "partner_id": orgs[i % 2].pk,
            }
            for i in range(15)
        ],
        costs=[
            {
                "item": f"経費{i}",
                "payer_is_city": i % 2 == 0,
                "partner_id": None if i % 2 == 0 else orgs[1].pk,
                "amount": 10_000 * (i + 1),
            }
            for i in range(10)
        ],
        milestones=[{"on": date(2026, 5 + i, 1), "description": f"節目{i}"} for i in range(6)],
    )
    context_version = version
    # Warm-up (WeasyPrint and fonts load on first use), then repeated renders.
    agreements.draft_pdf(context_version)
    renders, size = [], 0
    for _ in range(7):
        started = time.perf_counter()
        pdf = agreements.draft_pdf(context_version)
        renders.append(time.perf_counter() - started)
        size = len(pdf)
    pages = count_pages(pdf)

    agreements.agreement_freeze(version=version, by=staff)
    agreements.agreement_confirm(version=version, by=staff)
    agreements.agreement_confirm(version=version, by=users[0])
    started = time.perf_counter()
    agreements.agreement_confirm(version=version, by=users[1])  # the last one renders and stores
    agree_s = time.perf_counter() - started

    client = Client()
    client.force_login(staff)
    url = f"/projects/{project.pk}/agreement.pdf"
    for _ in range(5):
        client.get(url)
    serves = []
    for _ in range(50):
        started = time.perf_counter()
        response = client.get(url)
        serves.append(time.perf_counter() - started)
        assert response.status_code == 200

    results = {
        "agreement_pdf": {
            "pages": pages,
            "partners": 2,
            "role_rows": 15,
            "cost_rows": 10,
            "render_median_ms": median_ms(renders),
            "render_max_ms": round(max(renders) * 1000, 1),
            "size_kb": round(size / 1024, 1),
            "agree_with_render_and_store_ms": round(agree_s * 1000, 1),
            "stored_serve_median_ms": median_ms(serves),
            "targets": {"render_median_ms": 500, "size_kb": 200, "stored_serve_median_ms": 20},
        }
    }
    r = results["agreement_pdf"]
    print(f"{'measure':<40}{'value':>12}{'target':>10}")
    for key, target in (
        ("render_median_ms", 500),
        ("size_kb", 200),
        ("stored_serve_median_ms", 20),
    ):
        mark = "ok" if r[key] <= target else "MISS"
        print(f"{key:<40}{r[key]:>12}{target:>10}  {mark}")
    print(f"{'pages':<40}{r['pages']:>12}")
    print(f"{'agree_with_render_and_store_ms':<40}{r['agree_with_render_and_store_ms']:>12}")

    from bench.public_pages import measure as measure_public

    results["public"] = public = measure_public()
    print()
    heading = "page (10,000 disclosed, 6,000 counted)"
    print(f"{heading:<40}{'median ms':>12}{'p95 ms':>10}{'queries':>9}")
    for key in ("stats", "public_list_page_1", "public_list_page_200", "public_search"):
        row = public[key]
        print(f"{key:<40}{row['median_ms']:>12}{row['p95_ms']:>10}{row['queries']:>9}")
    csv_row = public["open_data_csv"]
    print(
        f"open data CSV: {csv_row['rows']} rows, {csv_row['size_kb']} KB in "
        f"{csv_row['seconds']} s, peak Python memory {csv_row['peak_python_memory_kb']} KB"
    )
    (BASE / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
