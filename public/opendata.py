"""The open-data record of one disclosed project (docs/open-data.md lists the columns)."""

from django.conf import settings
from django.urls import reverse

from kyodo.fiscal import nendo_label

# (key in JSON, column heading in CSV)
COLUMNS = [
    ("id", "番号"),
    ("fiscal_year", "年度（西暦）"),
    ("nendo", "年度"),
    ("title", "事業名"),
    ("implementation_form", "実施形態"),
    ("department", "所管課"),
    ("bureau", "部局"),
    ("partners", "パートナー"),
    ("purpose", "事業の目的"),
    ("start_date", "開始日"),
    ("end_date", "終了日"),
    ("budget", "事業費（円）"),
    ("status", "状態"),
    ("disclosure", "公開の範囲"),
    ("url", "公開ページ"),
]


def project_record(project, partners: str) -> dict:
    """One row: plain values only (ISO dates, whole yen), organisations by name (partners:
    their names joined, from projects.exports.with_partner_names)."""
    return {
        "id": project.pk,
        "fiscal_year": project.fiscal_year,
        "nendo": nendo_label(project.fiscal_year, seireki=False),
        "title": project.title,
        "implementation_form": project.get_implementation_form_display(),
        "department": project.department.name,
        "bureau": project.department.bureau,
        "partners": partners,
        "purpose": project.purpose,
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "budget": project.public_budget if project.public_budget is not None else "",
        "status": project.get_status_display(),
        "disclosure": project.get_disclosure_display(),
        "url": settings.KYODO_BASE_URL.rstrip("/") + reverse("public:detail", args=[project.pk]),
    }
