"""Check and convert the rows of a sheet: dates, 和暦, money, form, department, partners."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from kyodo import fiscal
from kyodo.formfields import FIRST_WAREKI_DAY
from kyodo.models import Department
from kyodo.text import has_control_chars, strip_invisible
from partners.models import Partner
from projects.imports.columns import EXAMPLE_MARK, TITLE_MAX, cell_text, name_key
from projects.models import ImplementationForm, Project
from projects.policy import spec_for

# The model allows 1989 onwards (平成元年度); the lists the city keeps start later still.
FIRST_FISCAL_YEAR = 1989
PARTNER_NAME_MAX = 200
YEN_MAX = 10**12

_PARTNER_SEPARATORS = re.compile(r"[、､;；\r\n]+")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_FORM_BY_NAME = {
    **{name_key(f.label): f.value for f in ImplementationForm},
    **{name_key(f.value): f.value for f in ImplementationForm},
    name_key("協働委託"): ImplementationForm.ITAKU.value,
    name_key("委託（協働委託）"): ImplementationForm.ITAKU.value,
    name_key("指定管理"): ImplementationForm.SHITEI.value,
}


@dataclass
class Sheet:
    """The data rows of the first worksheet, by column key, with their row numbers."""

    rows: list[tuple[int, dict[str, object]]]
    ignored_columns: list[str] = field(default_factory=list)


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
        return (self.fiscal_year, self.department.pk, self.form, name_key(self.title))

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
    """Return the purpose written for a past project whose list gave none."""
    return f"「{title}」を実施する。（過去の一覧から取り込んだ記録で、目的の記載はありません）"


def check_sheet(sheet: Sheet) -> Preview:
    """Read each row's values, and compare the rows with each other and with the database."""
    departments = {name_key(d.name): d for d in Department.objects.all()}
    rows = [_parse_row(line, values, departments) for line, values in sheet.rows]
    _mark_registered(rows)
    _mark_duplicates(rows)
    _resolve_partners([r for r in rows if not r.already_registered])
    return Preview(rows=rows, ignored_columns=sheet.ignored_columns)


def _parse_row(line: int, values: dict[str, object], departments: dict[str, Department]) -> Row:
    row = Row(line=line, raw={key: cell_text(value) for key, value in values.items()})
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
    elif name_key(EXAMPLE_MARK) in name_key(title):
        problems.append("テンプレートの記入例の行です。消してから取り込んでください。")
    else:
        row.title = title

    department_name = row.raw.get("department", "")
    if not department_name:
        problems.append("所管課がありません。")
    elif (department := departments.get(name_key(department_name))) is None:
        problems.append(
            f"所管課「{department_name}」は登録されていません。登録済みの課名で書いてください。"
        )
    else:
        row.department = department

    form_name = row.raw.get("form", "")
    if not form_name:
        problems.append("実施形態がありません。")
    elif (form := _FORM_BY_NAME.get(name_key(form_name))) is None:
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
        fy = fiscal.parse_nendo(cell_text(value))
    except ValueError as exc:
        problems.append(f"年度: {exc}")
        return None
    if fy < FIRST_FISCAL_YEAR:
        problems.append(f"年度: {fiscal.nendo_label(FIRST_FISCAL_YEAR)}より前は登録できません。")
        return None
    return fy


def _budget(value: object, problems: list[str]) -> int | None:
    if value is None or cell_text(value) == "":
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
    if value is None or cell_text(value) == "":
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
        names.setdefault(name_key(name), PartnerName(name=name, key=name_key(name)))
    return list(names.values())


def _mark_registered(rows: list[Row]) -> None:
    keyed = [r for r in rows if r.natural_key is not None]
    if not keyed:
        return
    existing = Project.objects.filter(
        fiscal_year__in={r.fiscal_year for r in keyed},
        department__in={r.department.pk for r in keyed},
    ).values_list("fiscal_year", "department_id", "implementation_form", "title")
    present = {(fy, dept, form, name_key(title)) for fy, dept, form, title in existing}
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
    for partner in Partner.objects.only("pk", "name", "kind", "archived_at"):
        key = name_key(partner.name)
        if key in wanted:
            by_key[key].append(partner)
    for row in rows:
        for p in row.partners:
            found = by_key.get(p.key, [])
            active = [f for f in found if not f.is_archived]
            if len(active) == 1:
                p.partner = active[0]
                if row.form and (refusal := spec_for(row.form).refuses_partner(p.partner)):
                    row.problems.append(refusal)
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
