"""The workbook a department downloads to fill in its list of past projects."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from kyodo.models import Department
from projects.imports.columns import COLUMNS, EXAMPLE_MARK, EXAMPLE_ROW
from projects.models import ImplementationForm


def template_xlsx() -> bytes:
    """Build an empty list to fill in: the header, one example row, how to write each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "協働事業"
    departments = list(Department.objects.filter(is_active=True).values_list("name", flat=True))
    example = {**EXAMPLE_ROW, "department": departments[0] if departments else "環境政策課"}
    sheet.append([c.name for c in COLUMNS])
    sheet.append([example[c.key] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"title": 36, "partners": 40, "purpose": 50, "department": 18}
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(column.key, 16)
        if column.key == "form":
            choices = DataValidation(
                type="list",
                formula1='"' + ",".join(ImplementationForm.labels) + '"',
                allow_blank=True,
                showErrorMessage=False,
            )
            choices.add(f"{letter}2:{letter}5001")
            sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("記入のしかた")
    guide.append(["列", "必須", "書き方"])
    for column in COLUMNS:
        guide.append([column.name, "必須" if column.required else "", column.explanation])
    guide.append([])
    guide.append(["・1枚目のシートに見出しの行を置き、その下に1行1事業を書きます。"])
    guide.append([f"・「{EXAMPLE_MARK}」の行は消してから取り込んでください。"])
    guide.append(["・取り込んだ事業は「完了」の状態で登録されます。"])
    guide.append(
        ["・年度・所管課・事業名・実施形態が同じ事業がすでにあれば、その行は取り込みません。"]
    )
    guide.append([])
    guide.append(["登録済みの所管課"])
    for name in departments:
        guide.append([name])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
