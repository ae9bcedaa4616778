"""Import of the city's existing Excel lists of past projects (docs/import.md).

A file is read twice: once for the preview, and again when the user confirms, inside the
transaction that saves it, so that what is saved is checked against the database of that
moment and not of the preview.

The columns are in columns.py, the checking of each row in rows.py, the saving in commit.py,
the uploaded file in upload.py and the template in template.py. Reading the workbook stays
here: tests replace ``_is_blank`` and ``MAX_EXPANDED_BYTES`` on this package, which reaches
only code whose globals are this module's.
"""

import warnings
import zipfile
from pathlib import Path
from typing import IO

from django.conf import settings
from openpyxl import load_workbook

from kyodo.models import User
from projects.imports.columns import (
    COLUMN_BY_HEADER,
    COLUMNS,
    REQUIRED_COLUMNS,
    Column,
    cell_text,
    name_key,
)
from projects.imports.commit import ImportResult, import_sheet
from projects.imports.errors import ImportHasProblems, ImportRefused
from projects.imports.rows import Preview, Sheet, check_sheet
from projects.imports.template import template_xlsx
from projects.imports.upload import (
    SESSION_KEY,
    STALE_AFTER_SECONDS,
    check_workbook_upload,
    claim_stored,
    discard,
    store_upload,
    stored_file,
)

__all__ = [
    "COLUMNS",
    "MAX_EXPANDED_BYTES",
    "SESSION_KEY",
    "STALE_AFTER_SECONDS",
    "ImportHasProblems",
    "ImportRefused",
    "Preview",
    "check_sheet",
    "check_workbook_upload",
    "discard",
    "import_stored",
    "read_sheet",
    "store_upload",
    "stored_file",
    "template_xlsx",
]

# Far above any list of a few thousand projects, far below what would tie up the server.
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
# The header is looked for in this many rows from the top (below a title, a date, a note).
HEADER_SEARCH_ROWS = 20
_UNREADABLE = (
    "ファイルを表計算のファイルとして読めませんでした。"
    "Excelで開けるか確かめ、.xlsx 形式で保存し直してください。"
)


def max_rows() -> int:
    """Return how many data rows one file may hold."""
    return settings.KYODO_IMPORT_MAX_ROWS


def read_sheet(source: Path | IO[bytes]) -> Sheet:
    """Read the header and data rows, refusing a file that is not a list we can import."""
    if isinstance(source, Path):
        # Opened here, so that openpyxl does not judge the file by its name.
        with source.open("rb") as file:
            return read_sheet(file)
    _refuse_oversized_archive(source)
    # openpyxl raises many kinds of errors on a damaged or foreign file; to the user they all
    # mean the same thing, so they are turned into one refusal.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported Excel features only warn; they do not matter
        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except Exception as exc:
            raise ImportRefused(_UNREADABLE) from exc
        try:
            return _read_first_sheet(workbook)
        except ImportRefused:
            raise
        except Exception as exc:
            raise ImportRefused(
                "ファイルの中身を読み取れませんでした。Excelで開いて保存し直してください。"
            ) from exc
        finally:
            workbook.close()


def _refuse_oversized_archive(source: IO[bytes]) -> None:
    # An .xlsx is a zip: a small upload could expand to gigabytes that openpyxl would parse.
    try:
        with zipfile.ZipFile(source) as archive:
            expanded = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(_UNREADABLE) from exc
    finally:
        source.seek(0)
    if expanded > MAX_EXPANDED_BYTES:
        raise ImportRefused(
            "ファイルの中身が大きすぎて読めません。行を減らすか、ファイルを分けてください。"
        )


def _read_first_sheet(workbook) -> Sheet:
    if not workbook.worksheets:
        raise ImportRefused("ファイルにシートがありません。")
    sheet = workbook.worksheets[0]
    # The recorded size of a sheet can be wrong; read what is there instead.
    sheet.reset_dimensions()
    header_line, header = _find_header(sheet)
    columns, ignored = _match_columns(header)
    limit = max_rows()
    rows: list[tuple[int, dict[str, object]]] = []
    data = sheet.iter_rows(min_row=header_line + 1, max_col=len(header), values_only=True)
    for line, values in enumerate(data, start=header_line + 1):
        if _is_blank(values):
            continue
        if len(rows) >= limit:
            # Stop here: a huge file is refused without reading the rest of it.
            raise ImportRefused(
                f"データの行が多すぎます。一度に取り込めるのは{limit:,}行までです。"
                "ファイルを分けて、順に取り込んでください。"
            )
        rows.append((line, {c.key: values[i] if i < len(values) else None for i, c in columns}))
    if not rows:
        raise ImportRefused("見出しの行の下に、取り込む事業の行がありません。")
    return Sheet(rows=rows, ignored_columns=ignored)


def _find_header(sheet) -> tuple[int, tuple]:
    """Find the first row naming two of our columns; lists often carry a title row above it."""
    first: tuple[int, tuple] | None = None
    rows = sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
    for line, values in enumerate(rows, start=1):
        if _is_blank(values):
            continue
        first = first or (line, tuple(values))
        if sum(name_key(cell_text(v)) in COLUMN_BY_HEADER for v in values) >= 2:
            return line, tuple(values)
    if first is None:
        raise ImportRefused("シートが空です。1行目に見出し、2行目から事業を書いてください。")
    return first  # not a header: _match_columns names what is missing


def _match_columns(header: tuple) -> tuple[list[tuple[int, Column]], list[str]]:
    found: dict[str, tuple[int, Column]] = {}
    ignored: list[str] = []
    doubled: list[str] = []
    for index, value in enumerate(header):
        text = cell_text(value)
        if not text:
            continue
        column = COLUMN_BY_HEADER.get(name_key(text))
        if column is None:
            ignored.append(text)
        elif column.key in found:
            doubled.append(column.name)
        else:
            found[column.key] = (index, column)
    missing = [c.name for c in REQUIRED_COLUMNS if c.key not in found]
    if missing:
        raise ImportRefused(
            f"必要な列がありません: {'、'.join(missing)}。"
            "最初の行に見出しとして列名を書いてください（テンプレートと同じ名前）。"
        )
    if doubled:
        raise ImportRefused(f"同じ列が2回以上あります: {'、'.join(doubled)}。1つにしてください。")
    return list(found.values()), ignored


def _is_blank(values) -> bool:
    return all(cell_text(v) == "" for v in values)


def import_stored(*, by: User, token: str, source_name: str = "") -> ImportResult:
    """Import the file kept under token, then delete it."""
    with claim_stored(token) as path:
        return import_sheet(by=by, sheet=read_sheet(path), source_name=source_name)
