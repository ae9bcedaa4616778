"""Export of a filtered project list to .csv (UTF-8 with BOM, for Excel) and .xlsx."""

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kyodo import fiscal
from projects.models import Project

COLUMNS = [
    "ID",
    "年度",
    "事業名",
    "所管課",
    "部局",
    "実施形態",
    "状態",
    "パートナー",
    "事業開始日",
    "事業終了日",
    "事業費（円）",
    "事業の目的",
    "前身の事業ID",
    "アーカイブ",
]


def project_rows(projects: Iterable[Project]) -> Iterator[list]:
    """One row per project, in COLUMNS order; dates as 和暦 text, money as integers."""
    for p in projects:
        yield [
            p.pk,
            fiscal.nendo_label(p.fiscal_year, seireki=False),
            p.title,
            p.department.name,
            p.department.bureau,
            p.get_implementation_form_display(),
            p.get_status_display(),
            p.partners_display,
            fiscal.wareki_date(p.start_date) if p.start_date else "",
            fiscal.wareki_date(p.end_date) if p.end_date else "",
            p.budget,
            p.purpose,
            p.origin_id or "",
            "アーカイブ済" if p.archived_at else "",
        ]


def _iterate(queryset) -> Iterator[Project]:
    # Chunked so memory stays flat however many rows are exported.
    return queryset.iterator(chunk_size=500)


def _safe_cell(value):
    # Keep spreadsheet programs from running text that looks like a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def projects_csv(queryset) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in project_rows(_iterate(queryset)):
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def projects_xlsx(queryset) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("協働事業")
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in project_rows(_iterate(queryset)):
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
