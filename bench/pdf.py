"""Agreement PDF: first render (cold WeasyPrint), warm renders, agreeing (render + store),
and serving the stored file."""

import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date

from django.test import Client

from kyodo.models import Department, User
from partners.models import Partner
from projects.services import agreements
from projects.services import project as services

LONG = "事業の途中で状況が変わったときは、協議の場で話し合い、書面で合意する。" * 6


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


def _agreement_in_draft():
    dept = Department.objects.create(name="PDFベンチ課", bureau="環境部")
    staff = User.objects.create_user("pdfbench", password="bench-pass-123", department=dept)
    orgs = [Partner.objects.create(name=f"PDFベンチ団体{i}") for i in range(2)]
    partner_users = [
        User.objects.create_user(f"pdfp{i}", password="x", role="partner", partner=o)
        for i, o in enumerate(orgs)
    ]
    project = services.project_create(
        by=staff,
        data={
            "title": "協定書PDFのベンチマーク用の協働事業",
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
    version = agreements.agreement_version_save(
        version=version,
        by=staff,
        expected_version=version.version,
        data={
            key: LONG
            for key in (
                "responsibility",
                "insurance",
                "deliverables",
                "consultation",
                "change_procedure",
                "confidentiality",
                "crisis_management",
                "personal_data",
                "other",
            )
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
    return project, version, staff, partner_users


def measure() -> dict:
    project, version, staff, partner_users = _agreement_in_draft()
    started = time.perf_counter()
    agreements.draft_pdf(version)  # the first render loads WeasyPrint's fonts and styles
    first_s = time.perf_counter() - started
    renders = []
    for _ in range(7):
        started = time.perf_counter()
        pdf = agreements.draft_pdf(version)
        renders.append(time.perf_counter() - started)

    agreements.agreement_freeze(version=version, by=staff)
    agreements.agreement_confirm(version=version, by=staff)
    agreements.agreement_confirm(version=version, by=partner_users[0])
    started = time.perf_counter()
    agreements.agreement_confirm(version=version, by=partner_users[1])  # renders and stores
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
    return {
        "pages": count_pages(pdf),
        "partners": 2,
        "role_rows": 15,
        "cost_rows": 10,
        "size_kb": round(len(pdf) / 1024, 1),
        "first_render_ms": round(first_s * 1000, 1),
        "render_median_ms": round(statistics.median(renders) * 1000, 1),
        "render_max_ms": round(max(renders) * 1000, 1),
        "agree_with_render_and_store_ms": round(agree_s * 1000, 1),
        "stored_serve_median_ms": round(statistics.median(serves) * 1000, 1),
        "targets": {"render_median_ms": 500, "size_kb": 200, "stored_serve_median_ms": 20},
    }
