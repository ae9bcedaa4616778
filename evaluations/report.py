"""Across projects: how the six items were rated in one 年度, per side and per 実施形態.

Everything comes from one aggregate query (counts per item and level, grouped by side and
form), whatever the number of projects.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.db.models import Count, Q

from evaluations.models import ITEMS, ProcessEvaluation, Rating
from kyodo.fiscal import nendo_label
from projects.models import ImplementationForm

LEVELS = [r.value for r in Rating]  # 4, 3, 2, 1


@dataclass
class ItemRow:
    key: str
    label: str
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        if not self.total:
            return None
        return round(sum(level * n for level, n in self.counts.items()) / self.total, 2)

    def cells(self) -> list[int]:
        return [self.counts.get(level, 0) for level in LEVELS]


@dataclass
class Report:
    fiscal_year: int
    evaluations: int
    by_side: dict[str, list[ItemRow]]
    by_form: list[tuple[str, int, list[float | None]]]

    @property
    def all_items(self) -> list[ItemRow]:
        """Both sides together, per item."""
        rows = []
        for index, (key, label, _q) in enumerate(ITEMS):
            row = ItemRow(key, label)
            for side_rows in self.by_side.values():
                for level, n in side_rows[index].counts.items():
                    row.counts[level] = row.counts.get(level, 0) + n
            rows.append(row)
        return rows


def year_report(fiscal_year: int) -> Report:
    """The distribution of ratings of the submitted evaluations of one 年度."""
    aggregates = {
        f"{key}_{level}": Count("pk", filter=Q(**{f"{key}_rating": level}))
        for key, _l, _q in ITEMS
        for level in LEVELS
    }
    grouped = (
        ProcessEvaluation.objects.released()
        .filter(project__fiscal_year=fiscal_year, project__archived_at__isnull=True)
        .values("side", "project__implementation_form")
        .annotate(n=Count("pk"), **aggregates)
        .order_by()
    )
    by_side = {
        side: [ItemRow(key, label) for key, label, _q in ITEMS]
        for side in ProcessEvaluation.Side.values
    }
    per_form: dict[str, dict] = {}
    total = 0
    for row in grouped:
        total += row["n"]
        form = per_form.setdefault(
            row["project__implementation_form"],
            {"n": 0, "sums": [0] * len(ITEMS), "counts": [0] * len(ITEMS)},
        )
        form["n"] += row["n"]
        for index, (key, _l, _q) in enumerate(ITEMS):
            item = by_side[row["side"]][index]
            for level in LEVELS:
                n = row[f"{key}_{level}"]
                item.counts[level] = item.counts.get(level, 0) + n
                form["sums"][index] += level * n
                form["counts"][index] += n
    by_form = []
    for value, label in ImplementationForm.choices:
        data = per_form.get(value)
        if data is None:
            by_form.append((label, 0, [None] * len(ITEMS)))
            continue
        averages = [
            round(s / c, 2) if c else None
            for s, c in zip(data["sums"], data["counts"], strict=True)
        ]
        by_form.append((label, data["n"], averages))
    return Report(fiscal_year=fiscal_year, evaluations=total, by_side=by_side, by_form=by_form)


# Fills told apart by pattern as well as by shade, so the chart reads in black and white.
PATTERNS = {
    4: "url(#p-done)",
    3: "url(#p-mostly)",
    2: "url(#p-hardly)",
    1: "url(#p-not)",
}


ROW_HEIGHT = 40


def chart_rows(rows: list[ItemRow], *, width: int = 520) -> list[dict]:
    """Geometry of a 100% stacked bar per item, with the count written on each part."""
    out = []
    for index, row in enumerate(rows):
        x, parts = 0.0, []
        for level in LEVELS:
            n = row.counts.get(level, 0)
            w = width * n / row.total if row.total else 0
            parts.append(
                {
                    "x": round(x, 1),
                    "w": round(w, 1),
                    "n": n,
                    "fill": PATTERNS[level],
                    "label": Rating(level).label,
                    "text_x": round(x + w / 2, 1),
                    "show_text": w >= 22,
                }
            )
            x += w
        out.append(
            {"label": row.label, "parts": parts, "total": row.total, "y": index * ROW_HEIGHT}
        )
    return out


def report_xlsx(report: Report) -> bytes:
    """The two tables of the report as a workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "項目別の分布"
    sheet.append(
        [f"{nendo_label(report.fiscal_year)} 協働プロセスの評価（提出済み {report.evaluations}件）"]
    )
    sheet.append(["評価する側", "項目", *[Rating(level).label for level in LEVELS], "件数", "平均"])
    for side, label in ProcessEvaluation.Side.choices:
        for row in report.by_side[side]:
            sheet.append([label, row.label, *row.cells(), row.total, row.average])
    forms = book.create_sheet("実施形態別の平均")
    forms.append(["実施形態", "評価の件数", *[label for _k, label, _q in ITEMS]])
    for label, n, averages in report.by_form:
        forms.append([label, n, *averages])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
