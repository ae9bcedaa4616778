"""Import of the city's existing Excel lists of past projects (docs/import.md).

A file is read twice: once for the preview, and again when the user confirms, inside the
transaction that saves it, so that what is saved is checked against the database of that
moment and not of the preview.
"""

import io
import re
import secrets
import time
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from kyodo import fiscal
from kyodo.formfields import FIRST_WAREKI_DAY
from kyodo.models import Department
from kyodo.services import DomainError
from kyodo.text import has_control_chars, normalize_for_search, strip_invisible
from kyodo.uploads import OLD_OFFICE, XLSX, check_upload
from partners.models import Partner
from partners.services import partner_create
from projects.models import ImplementationForm, Project, Status
from projects.policy import spec_for
from projects.services.project import project_add_partner, project_create

# The model allows 1989 onwards (平成元年度); the lists the city keeps start later still.
FIRST_FISCAL_YEAR = 1989
TITLE_MAX = 200
PARTNER_NAME_MAX = 200
YEN_MAX = 10**12
# Far above any list of a few thousand projects, far below what would tie up the server.
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
# The header is looked for in this many rows from the top (below a title, a date, a note).
HEADER_SEARCH_ROWS = 20
EXAMPLE_MARK = "（記入例）"
STALE_AFTER_SECONDS = 24 * 60 * 60
SESSION_KEY = "project_imports"

_PARTNER_SEPARATORS = re.compile(r"[、､;；\r\n]+")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_UNREADABLE = (
    "ファイルを表計算のファイルとして読めませんでした。"
    "Excelで開けるか確かめ、.xlsx 形式で保存し直してください。"
)


class ImportRefused(DomainError):
    """The file as a whole cannot be read as a list of projects; the message says why."""


class ImportHasProblems(DomainError):
    """Some rows have problems, so nothing was imported; the preview lists them."""

    def __init__(self, preview: "Preview"):
        self.preview = preview
        super().__init__(f"{len(preview.problem_rows)}行に問題があるため、取り込みませんでした。")


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    required: bool
    explanation: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("fiscal_year", "年度", True, "令和6年度、R6、2024 のどれでも。全角でもかまいません。"),
    Column("title", "事業名", True, f"必須。{TITLE_MAX}文字まで。"),
    Column(
        "department",
        "所管課",
        True,
        "登録済みの課の名前をそのまま（「記入のしかた」の一覧を参照）。",
        ("担当課", "事業担当課"),
    ),
    Column(
        "form",
        "実施形態",
        True,
        "、".join(ImplementationForm.labels) + " のどれか。",
    ),
    Column(
        "partners",
        "パートナー",
        False,
        "団体名を「、」か「;」で区切って並べます。名簿にない団体は新しく登録されます。",
        ("パートナー団体", "協働の相手"),
    ),
    Column(
        "budget",
        "事業費",
        False,
        "円単位。120000、120,000、１２０，０００円 のどれでも。空欄でもかまいません。",
        ("事業費（円）",),
    ),
    Column(
        "start_date",
        "開始日",
        False,
        "令和6年4月1日、R6.4.1、2024/4/1 のどれでも。空欄でもかまいません。",
        ("事業開始日",),
    ),
    Column(
        "end_date", "終了日", False, "開始日と同じ書き方。空欄でもかまいません。", ("事業終了日",)
    ),
    Column(
        "purpose",
        "事業の目的",
        False,
        "空欄のときは、事業名から作った短い文が入ります。",
        ("目的",),
    ),
)
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c.required)

EXAMPLE_ROW = {
    "fiscal_year": "令和6年度",
    "title": f"{EXAMPLE_MARK}海岸の清掃と見守り",
    "form": ImplementationForm.JIGYO_KYORYOKU.label,
    "partners": "NPO法人 湘南なぎさネット、浜見平自治会",
    "budget": "120,000円",
    "start_date": "令和6年4月1日",
    "end_date": "令和7年3月31日",
    "purpose": "市と地域の団体が役割を分け合い、海岸をきれいで安全な場所に保つ。",
}


def _key(text: str) -> str:
    """Fold width and case and drop every space, so that names match however typed."""
    return normalize_for_search(text).replace(" ", "")


_COLUMN_BY_HEADER = {_key(name): c for c in COLUMNS for name in (c.name, *c.aliases)}
_FORM_BY_NAME = {
    **{_key(f.label): f.value for f in ImplementationForm},
    **{_key(f.value): f.value for f in ImplementationForm},
    _key("協働委託"): ImplementationForm.ITAKU.value,
    _key("委託（協働委託）"): ImplementationForm.ITAKU.value,
    _key("指定管理"): ImplementationForm.SHITEI.value,
}


# --- reading the file ------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of the first worksheet, by column key, with their row numbers."""

    rows: list[tuple[int, dict[str, object]]]
    ignored_columns: list[str] = field(default_factory=list)


def check_workbook_upload(upload: UploadedFile) -> None:
    """Refuse an upload that is not an .xlsx by its content (whatever its name says)."""
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        if exc.code == "bad_type":
            raise ImportRefused(
                "このファイルは表計算のファイル（Excelの .xlsx）ではありません。"
            ) from exc
        raise ImportRefused(" ".join(exc.messages)) from exc
    if checked.kind == OLD_OFFICE:
        raise ImportRefused(
            "古い形式のファイル（.xls など）は読めません。Excelで開き、"
            "「Excel ブック（.xlsx）」として保存し直してから選んでください。"
        )
    if checked.kind != XLSX:
        raise ImportRefused(
            f"このファイルは{checked.kind.label}です。Excelのファイル（.xlsx）を選んでください。"
        )


def max_rows() -> int:
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
    """The first row naming two of our columns; lists often carry a title row above it."""
    first: tuple[int, tuple] | None = None
    rows = sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
    for line, values in enumerate(rows, start=1):
        if _is_blank(values):
            continue
        first = first or (line, tuple(values))
        if sum(_key(_text(v)) in _COLUMN_BY_HEADER for v in values) >= 2:
            return line, tuple(values)
    if first is None:
        raise ImportRefused("シートが空です。1行目に見出し、2行目から事業を書いてください。")
    return first  # not a header: _match_columns names what is missing


def _match_columns(header: tuple) -> tuple[list[tuple[int, Column]], list[str]]:
    found: dict[str, tuple[int, Column]] = {}
    ignored: list[str] = []
    doubled: list[str] = []
    for index, value in enumerate(header):
        text = _text(value)
        if not text:
            continue
        column = _COLUMN_BY_HEADER.get(_key(text))
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
    return all(_text(v) == "" for v in values)


def _text(value: object) -> str:
    """A cell as text; whole numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return strip_invisible(str(value)).strip()


# --- checking the rows -----------------------------------------------------------------


@dataclass
class PartnerName:
    name: str
    key: str
    partner: Partner | None = None

    @property
    def is_new(self) -> bool:
        return self.partner is None


@dataclass
class Row:
    """One data row as read, what it means, and what is wrong with it."""

    line: int
    raw: dict[str, str]
    fiscal_year: int | None = None
    title: str = ""
    department: Department | None = None
    form: str = ""
    partners: list[PartnerName] = field(default_factory=list)
    budget: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    purpose: str = ""
    problems: list[str] = field(default_factory=list)
    already_registered: bool = False

    @property
    def natural_key(self) -> tuple | None:
        if self.fiscal_year is None or self.department is None or not self.form or not self.title:
            return None
        return (self.fiscal_year, self.department.pk, self.form, _key(self.title))

    @property
    def will_import(self) -> bool:
        return not self.problems and not self.already_registered

    @property
    def form_label(self) -> str:
        return ImplementationForm(self.form).label if self.form else ""

    @property
    def purpose_or_default(self) -> str:
        return self.purpose or default_purpose(self.title)


@dataclass
class Preview:
    rows: list[Row]
    ignored_columns: list[str]

    @property
    def problem_rows(self) -> list[Row]:
        return [r for r in self.rows if r.problems]

    @property
    def registered_rows(self) -> list[Row]:
        return [r for r in self.rows if r.already_registered]

    @property
    def rows_to_import(self) -> list[Row]:
        return [r for r in self.rows if r.will_import]

    @property
    def new_partner_names(self) -> list[str]:
        seen: dict[str, str] = {}
        for row in self.rows_to_import:
            for p in row.partners:
                if p.is_new:
                    seen.setdefault(p.key, p.name)
        return list(seen.values())

    @property
    def can_import(self) -> bool:
        return not self.problem_rows and bool(self.rows_to_import)


def default_purpose(title: str) -> str:
    """The purpose written for a past project whose list gave none."""
    return f"「{title}」を実施する。（過去の一覧から取り込んだ記録で、目的の記載はありません）"


def check_sheet(sheet: Sheet) -> Preview:
    """Read each row's values, and compare the rows with each other and with the database."""
    departments = {_key(d.name): d for d in Department.objects.all()}
    rows = [_parse_row(line, values, departments) for line, values in sheet.rows]
    _mark_registered(rows)
    _mark_duplicates(rows)
    _resolve_partners([r for r in rows if not r.already_registered])
    return Preview(rows=rows, ignored_columns=sheet.ignored_columns)


def _parse_row(line: int, values: dict[str, object], departments: dict[str, Department]) -> Row:
    row = Row(line=line, raw={key: _text(value) for key, value in values.items()})
    problems = row.problems
    value = values.get

    row.fiscal_year = _fiscal_year(value("fiscal_year"), problems)

    title = _single_line(row.raw.get("title", ""))
    if not title:
        problems.append("事業名がありません。")
    elif len(title) > TITLE_MAX:
        problems.append(
            f"事業名が長すぎます（{len(title)}文字）。{TITLE_MAX}文字までにしてください。"
        )
    elif has_control_chars(title, multiline=False):
        problems.append("事業名に表示できない文字が含まれています。打ち直してください。")
    elif _key(EXAMPLE_MARK) in _key(title):
        problems.append("テンプレートの記入例の行です。消してから取り込んでください。")
    else:
        row.title = title

    department_name = row.raw.get("department", "")
    if not department_name:
        problems.append("所管課がありません。")
    elif (department := departments.get(_key(department_name))) is None:
        problems.append(
            f"所管課「{department_name}」は登録されていません。登録済みの課名で書いてください。"
        )
    else:
        row.department = department

    form_name = row.raw.get("form", "")
    if not form_name:
        problems.append("実施形態がありません。")
    elif (form := _FORM_BY_NAME.get(_key(form_name))) is None:
        problems.append(
            f"実施形態「{form_name}」はありません。"
            f"{'、'.join(ImplementationForm.labels)}のどれかで書いてください。"
        )
    else:
        row.form = form

    row.partners = _partner_names(row.raw.get("partners", ""), problems)
    row.budget = _budget(value("budget"), problems)
    row.start_date = _date(value("start_date"), "開始日", problems)
    row.end_date = _date(value("end_date"), "終了日", problems)
    if row.start_date and row.end_date and row.end_date < row.start_date:
        problems.append("終了日が開始日より前になっています。")

    purpose = strip_invisible(str(values.get("purpose") or "")).strip()
    if has_control_chars(purpose.replace("\r\n", "\n"), multiline=True):
        problems.append("事業の目的に表示できない文字が含まれています。打ち直してください。")
    else:
        row.purpose = purpose
    return row


def _single_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text).strip()


def _fiscal_year(value: object, problems: list[str]) -> int | None:
    if isinstance(value, datetime | date):
        problems.append("年度: 日付ではなく年度を書いてください。例: 令和2年度、R2、2020")
        return None
    try:
        fy = fiscal.parse_nendo(_text(value))
    except ValueError as exc:
        problems.append(f"年度: {exc}")
        return None
    if fy < FIRST_FISCAL_YEAR:
        problems.append(f"年度: {fiscal.nendo_label(FIRST_FISCAL_YEAR)}より前は登録できません。")
        return None
    return fy


def _budget(value: object, problems: list[str]) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        problems.append("事業費: 金額を読み取れません。")
        return None
    if isinstance(value, float) and not value.is_integer():
        problems.append("事業費: 円単位の整数で書いてください（小数は使えません）。")
        return None
    try:
        amount = int(value) if isinstance(value, int | float) else fiscal.parse_yen(str(value))
    except ValueError as exc:
        problems.append(f"事業費: {exc}")
        return None
    if amount < 0:
        problems.append("事業費: 0円以上の金額を書いてください。")
        return None
    if amount > YEN_MAX:
        problems.append("事業費: 金額が大きすぎます。桁を確かめてください。")
        return None
    return amount


def _date(value: object, label: str, problems: list[str]) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, int | float):
        problems.append(f"{label}: 日付を読み取れません。例: 令和6年4月1日、R6.4.1、2024/4/1")
        return None
    if not isinstance(value, date):
        try:
            value = fiscal.parse_date(str(value))
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
            return None
    if value < FIRST_WAREKI_DAY:
        problems.append(f"{label}: 昭和元年（1926年12月25日）より前の日付は取り込めません。")
        return None
    return value


def _partner_names(text: str, problems: list[str]) -> list[PartnerName]:
    names: dict[str, PartnerName] = {}
    for part in _PARTNER_SEPARATORS.split(text):
        name = re.sub(r"\s+", " ", part).strip()
        if not name:
            continue
        if len(name) > PARTNER_NAME_MAX:
            problems.append(
                f"パートナーの名前が長すぎます（{PARTNER_NAME_MAX}文字まで）: {name[:20]}…"
            )
            continue
        if has_control_chars(name, multiline=False):
            problems.append(f"パートナー「{name}」に表示できない文字が含まれています。")
            continue
        names.setdefault(_key(name), PartnerName(name=name, key=_key(name)))
    return list(names.values())


def _mark_registered(rows: list[Row]) -> None:
    keyed = [r for r in rows if r.natural_key is not None]
    if not keyed:
        return
    existing = Project.objects.filter(
        fiscal_year__in={r.fiscal_year for r in keyed},
        department__in={r.department.pk for r in keyed},
    ).values_list("fiscal_year", "department_id", "implementation_form", "title")
    present = {(fy, dept, form, _key(title)) for fy, dept, form, title in existing}
    for row in keyed:
        if row.natural_key in present:
            # It will not be imported, so nothing else about it needs fixing.
            row.already_registered = True
            row.problems.clear()


def _mark_duplicates(rows: list[Row]) -> None:
    lines: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        if row.natural_key is not None and not row.already_registered:
            lines[row.natural_key].append(row.line)
    for row in rows:
        same = lines.get(row.natural_key) if row.natural_key is not None else None
        if same and len(same) > 1:
            others = "、".join(str(n) for n in same if n != row.line)
            row.problems.append(
                f"ファイルの中で重複しています（{others}行目と年度・所管課・事業名・実施形態が同じ）。"
            )


def _resolve_partners(rows: list[Row]) -> None:
    wanted = {p.key for r in rows for p in r.partners}
    if not wanted:
        return
    by_key: dict[str, list[Partner]] = defaultdict(list)
    for partner in Partner.objects.only("pk", "name", "archived_at"):
        key = _key(partner.name)
        if key in wanted:
            by_key[key].append(partner)
    for row in rows:
        for p in row.partners:
            found = by_key.get(p.key, [])
            active = [f for f in found if not f.is_archived]
            if len(active) == 1:
                p.partner = active[0]
            elif len(active) > 1:
                row.problems.append(
                    f"「{p.name}」という名前の団体が名簿に{len(active)}件あります。"
                    "どれか分かるよう名簿を整理してから取り込んでください。"
                )
            elif found:
                row.problems.append(
                    f"「{p.name}」はアーカイブされた団体です。"
                    "パートナー名簿で元に戻してから取り込んでください。"
                )


# --- importing -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    already_registered: int
    new_partners: list[str]


@transaction.atomic
def import_sheet(*, by, sheet: Sheet, source_name: str = "") -> ImportResult:
    """Save every new row as a completed project, or nothing if any row has a problem."""
    # Locking the departments makes two confirmations of the same list wait for each other,
    # so that the second sees the first's projects as registered instead of adding them again.
    list(Department.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    preview = check_sheet(sheet)
    if preview.problem_rows:
        raise ImportHasProblems(preview)
    created_partners: dict[str, Partner] = {}
    for row in preview.rows_to_import:
        for p in row.partners:
            if p.is_new and p.key not in created_partners:
                created_partners[p.key] = partner_create(
                    by=by, data={"name": p.name}, activity_fields=[]
                )
    reason = f"Excelから取り込み（{source_name[:60]}）" if source_name else "Excelから取り込み"
    for row in preview.rows_to_import:
        project = project_create(
            by=by,
            data={
                "title": row.title,
                "fiscal_year": row.fiscal_year,
                "department": row.department,
                "implementation_form": row.form,
                "purpose": row.purpose_or_default,
                "budget": row.budget,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "status": Status.COMPLETED,
            },
            detail_data={},
            reason=reason,
        )
        role = spec_for(row.form).partner_role
        for p in row.partners:
            partner = p.partner or created_partners[p.key]
            project_add_partner(project=project, by=by, partner=partner, role=role)
    return ImportResult(
        created=len(preview.rows_to_import),
        already_registered=len(preview.registered_rows),
        new_partners=[p.name for p in created_partners.values()],
    )


# --- keeping the file between the preview and the confirmation --------------------------


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _stored_path(token: str) -> Path:
    if not _TOKEN.fullmatch(token or ""):
        raise ImportRefused("取り込むファイルが見つかりません。もう一度アップロードしてください。")
    return _import_dir() / f"{token}.xlsx"


def store_upload(upload: UploadedFile) -> str:
    """Keep an uploaded file under a random name until it is imported; return the name."""
    folder = _import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_urlsafe(32)
    with _stored_path(token).open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def stored_file(token: str) -> Path:
    path = _stored_path(token)
    if not path.is_file():
        raise ImportRefused(
            "取り込むファイルが見つかりません。時間がたって消えたか、すでに取り込まれています。"
            "もう一度アップロードしてください。"
        )
    return path


def discard(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        _stored_path(token).unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    # Files of previews that were never confirmed are not kept beyond a day.
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


@contextmanager
def _claimed(token: str) -> Iterator[Path]:
    """Take the stored file for this import only: a second confirmation finds it gone."""
    path = stored_file(token)
    claimed = path.with_suffix(".importing")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        raise ImportRefused(
            "このファイルは、すでに取り込み中か取り込み済みです。一覧を確かめてください。"
        ) from None
    try:
        yield claimed
    except BaseException:
        claimed.rename(path)  # not imported: the preview may be confirmed again later
        raise
    claimed.unlink(missing_ok=True)


def import_stored(*, by, token: str, source_name: str = "") -> ImportResult:
    """Import the file kept under token, then delete it."""
    with _claimed(token) as path:
        return import_sheet(by=by, sheet=read_sheet(path), source_name=source_name)


# --- the template ----------------------------------------------------------------------


def template_xlsx() -> bytes:
    """An empty list to fill in: the header, one example row, and how to write each column."""
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
