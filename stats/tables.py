"""協働の実績: collaborations per 年度 and 実施形態, from two sources in one table.

A 年度 with published figures (YearlyTotal) shows them, until 市民自治推進課 marks the year
"use records" in the admin; a few records of such a year (an import, say) never replace the
published totals, they are shown beside them. Years without published figures are counted
from the projects themselves: every project carried out (実施中, 評価中 or 完了), archived ones
excepted (Project.objects.counted()). Each source is one query.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from kyodo.downloads import safe_cell
from kyodo.fiscal import nendo_label
from kyodo.models import Department
from projects.models import HojoDetail, ImplementationForm, Project
from stats.models import YearlyTotal

FORMS = ImplementationForm.values
CSV_HEADER = ["年度", *ImplementationForm.labels, "合計"]


@dataclass
class YearRow:
    fiscal_year: int
    counts: dict[str, int]
    from_records: bool
    source: str = ""
    note: str = ""
    # For a year shown from published figures: how many projects its records hold (if any).
    recorded_total: int | None = None

    @property
    def label(self) -> str:
        return nendo_label(self.fiscal_year, seireki=False)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(form, 0) for form in FORMS]

    @property
    def total(self) -> int:
        return sum(self.cells)


def counted_projects(
    *, department: Department | None = None, bureau: str = ""
) -> QuerySet[Project]:
    projects = Project.objects.counted()
    if department is not None:
        projects = projects.filter(department=department)
    if bureau:
        projects = projects.filter(department__bureau=bureau)
    return projects


def table(*, department: Department | None = None, bureau: str = "") -> list[YearRow]:
    """Every 年度 with figures, oldest first; filtered tables show the records only."""
    grouped = (
        counted_projects(department=department, bureau=bureau)
        .values("fiscal_year", "implementation_form")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded: dict[int, dict[str, int]] = {}
    for row in grouped:
        recorded.setdefault(row["fiscal_year"], {})[row["implementation_form"]] = row["n"]
    published: dict[int, YearlyTotal] = {}
    if department is None and not bureau:
        published = {t.fiscal_year: t for t in YearlyTotal.objects.filter(use_records=False)}
    rows: list[YearRow] = []
    for year in sorted({*published, *recorded}):
        counts = recorded.get(year)
        if year in published:
            total = published[year]
            rows.append(
                YearRow(
                    year,
                    total.counts(),
                    from_records=False,
                    source=total.source,
                    note=total.note,
                    recorded_total=sum(counts.values()) if counts else None,
                )
            )
        else:
            rows.append(YearRow(year, counts or {}, from_records=True))
    return rows


def transitions() -> list[dict[str, Any]]:
    """Projects that grew from one 実施形態 into another, per 年度 of the new project."""
    labels = dict(ImplementationForm.choices)
    grouped = (
        Project.objects.counted()
        .filter(origin__isnull=False)
        .exclude(implementation_form=F("origin__implementation_form"))
        .values("fiscal_year", "origin__implementation_form", "implementation_form")
        .annotate(n=Count("pk"))
        .order_by("fiscal_year", "origin__implementation_form", "implementation_form")
    )
    return [
        {
            "fiscal_year": row["fiscal_year"],
            "label": nendo_label(row["fiscal_year"], seireki=False),
            "from": labels[row["origin__implementation_form"]],
            "to": labels[row["implementation_form"]],
            "n": row["n"],
        }
        for row in grouped
    ]


GENKI_FUND = "げんき基金"


def genki_fund() -> list[dict[str, Any]]:
    """Subsidies paid from 市民活動げんき基金, per 年度: how many and how much."""
    grouped = (
        HojoDetail.objects.filter(
            project__in=Project.objects.counted().filter(
                implementation_form=ImplementationForm.HOJO
            ),
            fund__name__contains=GENKI_FUND,
        )
        .values("project__fiscal_year")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("project__fiscal_year")
    )
    return [
        {
            "fiscal_year": row["project__fiscal_year"],
            "label": nendo_label(row["project__fiscal_year"], seireki=False),
            "n": row["n"],
            "amount": row["amount"] or 0,
        }
        for row in grouped
    ]


def csv_rows(rows: list[YearRow]) -> Iterator[list[Any]]:
    yield CSV_HEADER
    for row in rows:
        yield [row.label, *row.cells, row.total]


def xlsx(rows: list[YearRow]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "協働の実績"
    for line in csv_rows(rows):
        sheet.append([safe_cell(value) for value in line])
    sheet.append([])
    sheet.append(["出典: 年度ごとに、公表された集計値か、協働事業の記録から数えた値です。"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# Fills told apart by pattern and shade, so the stacked chart reads without colour.
PATTERNS = [f"url(#f-{form})" for form in FORMS]
CHART_TOP, CHART_HEIGHT, BAR_WIDTH, GAP = 20, 240, 44, 22


def chart(rows: list[YearRow]) -> dict[str, Any]:
    """Geometry of a stacked bar per 年度 (one part per 実施形態) with its total written on top."""
    peak = max((row.total for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        x = 60 + index * (BAR_WIDTH + GAP)
        y: float = CHART_TOP + CHART_HEIGHT
        parts = []
        for form, label, pattern in zip(FORMS, ImplementationForm.labels, PATTERNS, strict=True):
            n = row.counts.get(form, 0)
            h = CHART_HEIGHT * n / peak
            y -= h
            parts.append(
                {"y": round(y, 1), "h": round(h, 1), "n": n, "label": label, "fill": pattern}
            )
        bars.append(
            {
                "x": x,
                "label": row.label,
                "total": row.total,
                "top": round(y - 4, 1),
                "parts": parts,
                "from_records": row.from_records,
            }
        )
    width = 60 + len(rows) * (BAR_WIDTH + GAP) + 20
    return {
        "bars": bars,
        "width": width,
        "height": CHART_TOP + CHART_HEIGHT + 40,
        "base": CHART_TOP + CHART_HEIGHT,
    }
