"""Every form, fed arbitrary text, numbers, dates and files, never answers with a server error.

Each row of FORMS names a page, who opens it, and the URL its form sends to. The test opens
the page as that person and reads the form from the HTML: every field, hidden ones such as
`version`, formset management fields, the choices offered. It first sends what a person
would (the form as rendered, plus `fill`) and checks that it is accepted; then hypothesis
changes a few fields or all of them: any unicode text (control characters, NUL, emoji,
full-width digits, 5,000 characters, empty), numbers far out of range, 和暦 and impossible
dates, choices that are not offered, IDs of objects that do not exist, several values for
one field, arbitrary files. Nothing may answer with a 5xx, nor may the page a success leads
to, nor the form page opened again. Each submission runs in a savepoint that is rolled
back, so every example starts from the same world (the one test_url_permissions builds).

test_it_fuzzes_every_form_the_pages_show opens every page of that module's MATRIX and fails
when a page shows a form that FORMS does not cover, so the list cannot silently rot.

The example counts are kept small for CI (under 20 s for the module on one core, either
database); for a deeper run set KYODO_HYPOTHESIS_EXAMPLES, the number of examples per form:
`KYODO_HYPOTHESIS_EXAMPLES=200 pytest -n0 tests/test_forms_property.py`. Examples are
derandomized, so a run is the same every time: to explore more, raise the number.
"""

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kyodo import fiscal
from projects.imports import COLUMNS
from tests import test_url_permissions as matrix
from tests.test_url_permissions import MATRIX, _request

# --- reading forms out of a page -------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "select-multiple" or "textarea"
    hint: str = ""  # "date" or "number" when the widget says so (placeholder, inputmode)
    options: list[str] = field(default_factory=list)  # the values a person could pick
    initial: list[str] = field(default_factory=list)  # what the browser would send untouched


@dataclass
class Form:
    method: str
    path: str
    target: str  # the URL name the form is sent to
    fields: list[Field]
    buttons: list[tuple[str, str]]

    def as_rendered(self) -> dict[str, list[str]]:
        return {f.name: list(f.initial) for f in self.fields if f.initial}


class _FormReader(HTMLParser):
    """Collect each <form>: where it goes, its fields with their choices, its named buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._option: list | None = None  # [value or None, selected, text]
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str, attrs: dict | None = None) -> Field:
        fields = self._form["fields"]
        if name not in fields:
            attrs = attrs or {}
            hint = ""
            if "令和" in attrs.get("placeholder", "") or kind == "date":
                hint = "date"
            elif attrs.get("inputmode") == "numeric" or kind == "number":
                hint = "number"
            fields[name] = Field(name, kind, hint=hint)
        return fields[name]

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action", ""),
                "fields": {},
                "buttons": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            value = a.get("value", "")
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    self._form["buttons"].append((name, value))
                return
            item = self._field(name, kind, a)
            if kind in ("checkbox", "radio"):
                item.options.append(value or "on")
                if "checked" in a:
                    item.initial.append(value or "on")
            elif kind != "file":
                item.initial.append(value)
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = self._field(name, "select-multiple" if "multiple" in a else "select")
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")
            self._textarea.initial.append("")

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea.initial[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.initial.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._select.kind == "select" and not self._select.initial:
                self._select.initial = self._select.options[:1]  # what a browser sends
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            text = self._textarea.initial[-1]
            self._textarea.initial[-1] = text[1:] if text.startswith("\n") else text
            self._textarea = None


def forms_in(html: str, page_path: str) -> list[Form]:
    """The forms of a page, except the log-out button every page carries."""
    reader = _FormReader()
    reader.feed(html)
    forms = []
    for raw in reader.forms:
        path = urlsplit(raw["action"]).path or page_path
        try:
            target = resolve(path).view_name
        except Resolver404:
            target = f"unresolved:{path}"
        if target == "logout":
            continue
        forms.append(
            Form(raw["method"], path, target, list(raw["fields"].values()), raw["buttons"])
        )
    return forms


# --- the world, and the pages as each persona sees them ----------------------------------


# The world of the role matrix, built once per module in a transaction rolled back at the
# end (tests/test_url_permissions.py); each example runs in a savepoint within it.
_media = matrix._media
_media_root = matrix._media_root
_world_once = matrix._world_once
world = matrix.world


@pytest.fixture(scope="module")
def _pages() -> dict:
    """Forms of pages already opened, by (page, kind, role): the examples never change them."""
    return {}


def _page_request(world: dict, name: str, kind: str | None) -> tuple[str, dict]:
    if kind and kind.startswith("form:"):
        return reverse(name, args=[kind.split(":", 1)[1]]), {}
    return _request(world, name, kind)


def _open(client, world, pages, name, kind, role) -> tuple[str, list[Form]]:
    key = (name, kind, role)
    if key not in pages:
        path, data = _page_request(world, name, kind)
        response = client.get(path, data)
        assert response.status_code == 200, f"{role} GET {path}: {response.status_code}"
        pages[key] = (path, forms_in(response.content.decode(), path))
    return pages[key]


def _client_for(client, world, role):
    user = world["personas"][role]
    if user is not None:
        client.force_login(user)
    return client


# --- what to send ------------------------------------------------------------------------

SHOWA = fiscal.ERAS[0].start  # 和暦 (and so the app) starts here
_FULL_WIDTH = str.maketrans("0123456789-/.,:", "０１２３４５６７８９－／．，：")

AWKWARD = [
    "",
    " ",
    "\u3000",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\x1b[31m",
    "\u202eabc",
    "\ufeff",
    "\u200b",
    "😀",
    "👨‍👩‍👧‍👦",
    "𠮷野家",
    "ｶﾀｶﾅ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n{0}",
    "\\",
    "\r\n",
    "\t",
    "-",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "1_000",
    "０",
    "１２３",
    "１２，０００円",
    "¥1,000",
    "△1,000",
    "−５",
    "1,00,0",
    str(10**20),
    str(-(10**20)),
    str(2**63),
    str(2**31),
    "9" * 400,
    "2026-13-45",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1900/1/1",
    "1926-12-24",
    "昭和元年12月25日",
    "2200-12-31",
    "2201-01-01",
    "10000-01-01",
    "令和8年4月1日",
    "令和元年5月1日",
    "令和0年1月1日",
    "令和99999999999年1月1日",
    "平成31年4月31日",
    "昭和64年1月8日",
    "明治5年1月1日",
    "R8.4.1",
    "H31.4.30",
    "R.4.1",
    "２０２６-０４-０１",
    "２０２６／１３／０１",
    "令和８年４月１日",
    "999999",
    "2147483648",
    "partner:999999",
    "partner:",
    "partner:x",
    "partner:-1",
    "city",
    "joint",
    "True",
    "on",
]

_texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_long_texts = st.tuples(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=3),
    st.sampled_from([201, 1001, 5000]),
).map(lambda t: (t[0] * t[1])[: max(t[1], 1)])
_numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**30), 10**30).map(lambda n: f"{n:,}"),
    st.integers(-(10**15), 10**15).map(lambda n: f"{n:,}円".translate(_FULL_WIDTH)),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
_ERAS = ["令和", "平成", "昭和", "大正", "明治", "R", "H", "S", "T", "M", "r", "Ｒ"]


def _in_wareki(d: date, full_width: bool) -> str:
    """d as 令和7年4月1日 (or its full-width form), or in 西暦 before 昭和."""
    text = fiscal.wareki_date(d) if d >= SHOWA else f"{d.year}年{d.month}月{d.day}日"
    return text.translate(_FULL_WIDTH) if full_width else text


# Days a city record could hold, and the edges of what the app can write in 和暦.
_near_dates = st.dates(date(1890, 1, 1), date(2210, 12, 31))
_dates = st.one_of(
    _near_dates.map(date.isoformat),
    st.builds(lambda d, full: _in_wareki(d, full), _near_dates, st.booleans()),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: f"{d.year}/{d.month}/{d.day}".translate(_FULL_WIDTH)),
    st.tuples(st.integers(-10, 10**5), st.integers(-1, 14), st.integers(-1, 40)).map(
        lambda t: "{}-{}-{}".format(*t)
    ),
    st.tuples(
        st.sampled_from(_ERAS),
        st.one_of(st.integers(-2, 100), st.just("元")),
        st.integers(-1, 14),
        st.integers(-1, 40),
        st.sampled_from(["{}{}年{}月{}日", "{}{}.{}.{}", "{}{}/{}/{}", "{}{}年度"]),
    ).map(lambda t: t[4].format(*t[:4])),
)
# The edges of the eras, and of what parse_date reads.
_EDGE_DATES = [
    "1900/1/1",
    "1926/12/24",
    "昭和元年12月25日",
    "S64.1.7",
    "平成元年1月8日",
    "H31.4.30",
    "令和元年5月1日",
    "2200/12/31",
    "20250401",
]
_typed_dates = st.one_of(st.sampled_from(_EDGE_DATES), _dates)
AWKWARD_VALUES = st.one_of(st.sampled_from(AWKWARD), _texts, _numbers, _dates, _long_texts)


class _Upload(SimpleUploadedFile):
    """An uploaded file whose repr says what it holds, for hypothesis' failure report."""

    def __init__(self, name: str, content: bytes, content_type: str, described: str = ""):
        super().__init__(name, content, content_type)
        self.described = described or repr(content[:60])

    def __repr__(self):
        return f"_Upload({self.name!r}, {self.content_type!r}, {self.described})"


_file_names = st.one_of(
    st.sampled_from(
        ["提案書.pdf", "a.docx", "list.xlsx", "x.xls", "noext", ".xlsx", "😀.png", "a" * 300]
    ),
    st.text(
        st.characters(exclude_categories=["Cs", "Cc"], exclude_characters='"/\\'),
        min_size=1,
        max_size=30,
    ),
)
_content_types = st.sampled_from(
    ["application/pdf", "application/octet-stream", "text/plain", "", "image/png"]
)
_cell_values = st.one_of(
    st.none(),
    AWKWARD_VALUES,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
)


@st.composite
def uploads(draw, cells=_cell_values):
    """Any bytes (behind the first bytes of a PDF, a zip, an old Office file, a PNG), a zip
    of junk, or a real .xlsx holding any cells; under any name and declared type."""
    name, content_type = draw(_file_names), draw(_content_types)
    how = draw(st.sampled_from(["bytes", "workbook", "zip"]))
    if how == "workbook":
        rows = draw(st.lists(st.lists(cells, max_size=10), max_size=4))
        return _Upload(name, _workbook_bytes(rows), content_type, f"workbook {rows!r}")
    if how == "zip":
        members = draw(st.dictionaries(_file_names, st.binary(max_size=64), max_size=3))
        return _Upload(name, _zip_bytes(members), content_type, f"zip {members!r}")
    head = draw(
        st.sampled_from(
            [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG"]
        )
    )
    return _Upload(name, head + draw(st.binary(max_size=600)), content_type)


def _workbook_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    """An .xlsx whose first sheet holds rows (under header if given)."""
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # Excel itself cannot hold these
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)  # an .xlsx number is a double
    return value


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name or "x", content)
    return out.getvalue()


def _many_rows(value: str) -> bool:
    try:
        return int(re.sub(r"\.0*\s*$", "", value)) > 150
    except ValueError:
        return False


# A formset's row count. A forged count up to Django's absolute_max (max_num + 1,000) is
# answered correctly, but renders a thousand rows per table: seconds per example, so it is
# left out (and reported to the owners of the formsets).
_row_counts = st.one_of(
    st.integers(-3, 150).map(lambda n: [str(n)]),
    AWKWARD_VALUES.filter(lambda v: not _many_rows(v)).map(lambda v: [v]),
    st.just([]),
)


def _value(item: Field) -> st.SearchStrategy:
    """A list of values for one field: a choice offered, anything, several, or nothing."""
    if item.kind == "file":
        return st.one_of(uploads().map(lambda f: [f]), st.just([]), st.just([""]))
    if item.name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
        return _row_counts
    typed = {"date": _typed_dates, "number": _numbers}.get(item.hint)
    ways = [
        AWKWARD_VALUES.map(lambda v: [v]),
        *([typed.map(lambda v: [v])] if typed is not None else []),
        st.just([]),
        st.lists(AWKWARD_VALUES, min_size=2, max_size=3),
    ]
    if item.options:
        ways.insert(0, st.sampled_from(item.options).map(lambda v: [v]))
    return st.one_of(ways)


@st.composite
def submissions(draw, form: Form, filled: dict[str, list[str]]):
    """Data for one form: the accepted submission with a few fields changed, or all of them.

    (The accepted submission itself is sent before the examples.)
    """
    data = {**form.as_rendered(), **filled}
    names = [f.name for f in form.fields if f.name != "csrfmiddlewaretoken"]
    by_name = {f.name: f for f in form.fields}
    changed = names
    if names and draw(st.booleans()):
        changed = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    for name in changed:
        data[name] = draw(_value(by_name[name]))
    if draw(st.booleans()):
        # A field the page never showed, e.g. a forged id or a page number.
        data[draw(st.sampled_from(["id", "page", "pk", "partner", "version", "zz"]))] = [
            draw(AWKWARD_VALUES)
        ]
    if form.buttons:
        button = draw(st.sampled_from([None, *form.buttons]))
        if button is not None:
            data[button[0]] = [button[1]]
    return {name: values for name, values in data.items() if values}


def _examples(default: int) -> int:
    return max(default, int(os.environ.get("KYODO_HYPOTHESIS_EXAMPLES") or 0))


def _settings(examples: int):
    return hypothesis_settings(
        max_examples=_examples(examples),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
        derandomize=True,
        print_blob=False,
    )


def _send(client, form: Form, data: dict, page: str, *, follow: bool = True):
    """Send one submission in a savepoint that is rolled back: the world stays as built.

    What was saved must show too: the page a success leads to, and the form page again.
    """
    client.cookies.pop("messages", None)
    with transaction.atomic():
        send = client.post if form.method == "post" else client.get
        response = send(form.path, data)
        assert response.status_code < 500
        if follow and response.status_code in (301, 302, 303):
            location = urlsplit(response["Location"])
            if not location.netloc:
                after = client.get(location.path, parse_qs(location.query))
                assert after.status_code < 500, f"{location.path} after the save"
                if location.path != page:
                    again = client.get(page)
                    assert again.status_code < 500, f"{page} after the save"
        transaction.set_rollback(True)
    return response


# --- the inventory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    page: str  # URL name of the page showing the form
    kind: str | None  # how test_url_permissions builds its path (or "form:<code>")
    role: str  # who opens it: someone allowed to send it
    target: str  # URL name the form is sent to
    examples: int
    # What a person would type into the required fields, so that the examples explore
    # around a submission that is accepted, not only around an empty one.
    fill: Callable[[dict], dict[str, str]] | None = None
    # The status that submission gets (checked first, so a stale `fill` is noticed).
    accepted: tuple[int, ...] = (302,)

    def __str__(self):
        return f"{self.target}@{self.page}-{self.kind or 'plain'}-{self.role}"


def _project(world):
    return {
        "title": "海辺のごみを減らす",
        "purpose": "海岸をきれいに保つ",
        "department": str(world["project"].department_id),
    }


def _issue(world):
    return {
        "title": "空き家の活用",
        "description": "一緒に考える団体を探しています。",
        "department": str(world["project"].department_id),
    }


def _eligibility(world):
    answers = {name: "True" for name in ("widens_service", "touches_lives", "cost_only")}
    reasons = ("widens_service_reason", "touches_lives_reason", "cost_only_reason", "expertise")
    return {**answers, **dict.fromkeys(reasons, "地域の団体の強みが生きるため")}


def _any(data: dict, name: str, test) -> bool:
    return any(isinstance(v, str) and test(v) for v in data.get(name, []))


def _fixed(**values):
    return lambda world: values


GET_OK = (200,)
_LOGIN = _fixed(username="matrix-staff", password="kyodo-test-pass")
_NEW_PASSWORD = _fixed(
    old_password="kyodo-test-pass",
    new_password1="hamakaze-2025-nagisa",
    new_password2="hamakaze-2025-nagisa",
)
_CONSULTATION = _fixed(held_on="令和7年5月1日", attendees="市、団体", discussed="進み具合")
_DECISION = _fixed(choice="continue", reason="成果が出ているため")


def _add_partner(world):
    return {"partner": str(world["spare_partner"].pk)}


def _decide(world):
    return {"candidate": str(world["candidate"].pk), "incomplete_reason": "急ぐため"}


# Examples are per row, after the accepted submission; a form without fields needs one.
# fmt: off
FORMS = [
    # page, kind, role, sent to, examples, fill, accepted
    Row("login", None, "anonymous", "login", 4, _LOGIN),
    Row("password_change", None, "admin", "password_change", 2, _NEW_PASSWORD),
    # Projects
    Row("projects:create", "form", "admin", "projects:create", 5, _project),
    *[
        Row("projects:create", f"form:{code}", "admin", "projects:create", 2, _project)
        for code in ("shitei", "jigyo_kyoryoku", "jikko_iinkai", "kyosai", "hojo", "koen")
    ],
    Row("projects:edit", "project", "admin", "projects:edit", 5),
    Row("projects:archive", "project", "admin", "projects:archive", 2, _fixed(reason="重複")),
    Row("projects:detail", "project", "admin", "projects:comment", 2, _fixed(body="よい")),
    Row("projects:detail", "project", "admin", "projects:partner_add", 2, _add_partner),
    # The project is under way (実施中, so that it may be published): its next transition goes
    # through (302) or is refused with the page and a message (400), never a server error.
    Row("projects:detail", "project", "admin", "projects:transition", 2, accepted=(302, 400)),
    Row("projects:detail", "archived", "admin", "projects:restore", 1),
    Row("projects:partner_remove", "link", "admin", "projects:partner_remove", 1),
    Row("projects:eligibility", "project", "admin", "projects:eligibility", 3, _eligibility),
    Row("projects:disclosure", "project", "admin", "projects:disclosure", 3),
    Row("projects:agreement", "project", "admin", "projects:agreement_freeze", 1),
    Row("projects:agreement", "project", "admin", "projects:agreement_comments_toggle", 1),
    Row("projects:agreement", "project", "admin", "projects:agreement_comment", 3),
    Row("projects:agreement_edit", "v2", "admin", "projects:agreement_edit", 5),
    Row("projects:consultations", "project", "admin", "projects:consultations", 4,
        _CONSULTATION),
    Row("projects:consultations", "project", "admin", "projects:follow_up_done", 1),
    # No file chosen: the page again with the refusal. Files: test_it_never_fails_on_an_import…
    Row("projects:import", None, "admin", "projects:import", 2, accepted=GET_OK),
    # Partners and city issues
    Row("partners:create", None, "admin", "partners:create", 4, _fixed(name="新しい団体")),
    Row("partners:edit", "partner", "partner", "partners:edit", 4),
    Row("partners:archive", "partner", "admin", "partners:archive", 1),
    Row("partners:detail", "archived_partner", "admin", "partners:restore", 1),
    Row("partners:issue_create", None, "admin", "partners:issue_create", 3, _issue),
    Row("partners:issue_edit", "issue", "admin", "partners:issue_edit", 3),
    Row("partners:issue_detail", "issue", "admin", "partners:issue_close", 1),
    Row("partners:issue_detail", "issue", "partner", "partners:issue_interest", 2),
    # Partner selection
    Row("selection:overview", "selection", "admin", "selection:overview", 4),
    Row("selection:criteria", "selection", "admin", "selection:criteria", 4),
    Row("selection:reviewers", "selection", "admin", "selection:reviewers", 2, _fixed(name="委員")),
    Row("selection:reviewers", "selection", "admin", "selection:reviewer_remove", 1),
    Row("selection:candidate_add", "selection", "admin", "selection:candidate_add", 3,
        _fixed(new_name="新しく応募した団体")),
    # Two forms: the proposal (saved) and the file upload (no file: the page with the error).
    Row("selection:candidate", "candidate", "admin", "selection:candidate", 4,
        accepted=(302, 200)),
    Row("selection:candidate", "candidate", "admin", "selection:file_archive", 1),
    Row("selection:score_sheet", "seat", "admin", "selection:score_sheet", 3),
    Row("selection:decide", "selection", "admin", "selection:decide", 3, _decide),
    # Evaluation, and the beneficiaries' questionnaire (no log-in)
    Row("evaluations:city", "evaluating", "admin", "evaluations:city", 4),
    Row("evaluations:partner", "evaluee", "partner", "evaluations:partner", 3),
    Row("evaluations:results", "evaluating", "admin", "evaluations:results", 2,
        _fixed(achieved="清掃を月1回続けた")),
    Row("evaluations:survey", "evaluating", "admin", "evaluations:survey", 2),
    Row("evaluations:decision", "evaluating", "admin", "evaluations:decision", 2, _DECISION),
    Row("survey", "survey", "anonymous", "survey", 4, _fixed(satisfaction="4"), accepted=GET_OK),
    # Search and filter forms (GET)
    Row("projects:list", None, "admin", "projects:list", 3, accepted=GET_OK),
    Row("review", None, "admin", "review", 2, accepted=GET_OK),
    # The guide (answers → a suggestion) and the choice itself (→ the form of that kind).
    Row("projects:choose_form", None, "admin", "projects:choose_form", 2, accepted=(200, 302)),
    Row("projects:agreement_compare", "project", "admin", "projects:agreement_compare", 2,
        accepted=GET_OK),
    Row("partners:list", None, "admin", "partners:list", 2, accepted=GET_OK),
    Row("partners:issues", None, "admin", "partners:issues", 2, accepted=GET_OK),
    Row("public:list", None, "anonymous", "public:list", 3, accepted=GET_OK),
    Row("stats:index", None, "admin", "stats:index", 2, accepted=GET_OK),
    Row("evaluation_report:index", None, "admin", "evaluation_report:index", 2, accepted=GET_OK),
]
# fmt: on


@pytest.fixture
def _no_survey_limit(settings):
    # The questionnaire's flood limit counts in the cache, which a rollback does not undo.
    settings.KYODO_SURVEY_MAX_ANSWERS = 10**9


@pytest.mark.usefixtures("_no_survey_limit")
@pytest.mark.parametrize("row", FORMS, ids=str)
def test_it_never_answers_a_form_with_a_server_error(client, world, _pages, row):
    client = _client_for(client, world, row.role)
    page, forms = _open(client, world, _pages, row.page, row.kind, row.role)
    targets = [f for f in forms if f.target == row.target]
    assert targets, f"no form to {row.target} on {row.page} for {row.role}"
    filled = {name: [value] for name, value in (row.fill(world) if row.fill else {}).items()}
    for form in targets:
        typed = {**form.as_rendered(), **filled}
        assert _send(client, form, typed, page, follow=False).status_code in row.accepted, typed

    @_settings(row.examples)
    @given(st.data())
    def send_anything(data):
        form = data.draw(st.sampled_from(targets)) if len(targets) > 1 else targets[0]
        submission = data.draw(submissions(form, filled))
        _send(client, form, submission, page)

    send_anything()


# Inputs that once answered with a server error, kept as fixed examples. Each is the
# submission that is accepted with one field changed; the form must refuse it (200).
ONCE_FAILED = [
    # An id beyond 64 bits among several choices: OverflowError on SQLite (kyodo.forms).
    ("partners:issue_create", {"activity_fields": str(2**63)}),
    ("partners:edit", {"activity_fields": str(-(2**63) - 1)}),
    # A day before 昭和 was saved, then the edit page could not show it (kyodo.forms).
    ("projects:edit", {"start_date": "1900/1/1"}),
    ("projects:consultations", {"held_on": "1926/12/24"}),
]


@pytest.mark.parametrize(
    ("target", "changed"), ONCE_FAILED, ids=[f"{t}-{next(iter(c))}" for t, c in ONCE_FAILED]
)
def test_it_refuses_inputs_that_once_failed(client, world, _pages, target, changed):
    row = next(r for r in FORMS if r.target == target)
    client = _client_for(client, world, row.role)
    page, forms = _open(client, world, _pages, row.page, row.kind, row.role)
    form = next(f for f in forms if f.target == target)
    filled = row.fill(world) if row.fill else {}
    typed = {**form.as_rendered(), **{k: [v] for k, v in {**filled, **changed}.items()}}
    assert _send(client, form, typed, page).status_code == 200


# Server errors the fuzz found in views and services, kept as plain regression tests.


def test_it_archives_with_a_long_reason(client, world):
    client.force_login(world["personas"]["admin"])
    response = _send(
        client,
        Form("post", reverse("projects:archive", args=[world["project"].pk]), "", [], []),
        {"reason": "重複して登録したため。" * 20},
        reverse("projects:detail", args=[world["project"].pk]),
    )
    assert response.status_code == 302


def test_it_refuses_a_nul_in_an_agreement_comment(client, world):
    from projects.models import Comment

    client.force_login(world["personas"]["admin"])
    project = world["project"]
    with transaction.atomic():
        before = Comment.objects.count()
        response = client.post(
            reverse("projects:agreement_comment", args=[project.pk, 2]), {"body": "a\x00b"}
        )
        assert response.status_code == 302
        assert Comment.objects.count() == before  # refused, with a message on the page
        transaction.set_rollback(True)


# --- the Excel import: any bytes, and workbooks with any cells, then the confirmation ----


def _import_cells(world) -> dict[str, st.SearchStrategy]:
    """Per column of the template: what the city's lists hold, or anything at all."""
    plausible = {
        "fiscal_year": ["令和6年度", "R6", "2024", 2024, "２０２４年度", "平成元年度"],
        "title": ["海岸の清掃", "子ども食堂（記入例）", "𠮷田の見守り"],
        "department": [world["project"].department.name, "福祉政策課", "存在しない課"],
        "form": ["事業協力", "委託", "協働委託", "指定管理", "補助"],
        "partners": ["", "NPO法人 湘南なぎさネット", "団体A、団体B;団体A"],
        "budget": [None, 120000, "120,000円", "１２０，０００円", "-5", 10**13],
        "start_date": [None, "令和6年4月1日", date(2024, 4, 1), datetime(2024, 4, 1, 9, 30)],
        "end_date": [None, "R7.3.31", date(2023, 1, 1)],
        "purpose": [None, "海をきれいに"],
    }
    anything = _cell_values
    return {c.key: st.one_of(st.sampled_from(plausible[c.key]), anything) for c in COLUMNS}


@st.composite
def import_files(draw, world):
    """An upload for the import: any file, a list under the template's header, or a header
    that is partly right over anything."""
    header = [c.name for c in COLUMNS]
    how = draw(st.sampled_from(["template", "any file", "odd header"]))
    if how == "any file":
        return draw(uploads(cells=_cell_values))
    if how == "template":
        cells = _import_cells(world)
        row = st.tuples(*(cells[c.key] for c in COLUMNS)).map(list)
        rows = draw(st.lists(row, min_size=1, max_size=3))
    else:
        header = draw(st.lists(st.sampled_from([*header, "", "備考", "年度"]), max_size=10))
        rows = draw(st.lists(st.lists(_cell_values, max_size=10), max_size=3))
    content = _workbook_bytes(rows, header)
    return _Upload("list.xlsx", content, XLSX_TYPE, f"workbook {header!r} + {rows!r}")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_it_never_fails_on_an_import_file_or_its_confirmation(client, world):
    client.force_login(world["personas"]["coordinator"])
    upload_form = Form("post", reverse("projects:import"), "projects:import", [], [])

    @_settings(10)
    @given(st.data())
    def upload_anything(data):
        client.cookies.pop("messages", None)
        with transaction.atomic():
            page = upload_form.path
            response = _send(client, upload_form, {"file": data.draw(import_files(world))}, page)
            confirm = [
                f
                for f in forms_in(response.content.decode(), page)
                if f.target == "projects:import_confirm"
            ]
            if confirm:
                token = confirm[0].as_rendered()
                if data.draw(st.booleans()):
                    token = {"token": [data.draw(AWKWARD_VALUES)]}
                _send(client, confirm[0], token, page)
            transaction.set_rollback(True)

    upload_anything()


def test_it_previews_an_import_row_dated_before_showa(client, world):
    client.force_login(world["personas"]["coordinator"])
    row = ["令和6年度", "海岸の清掃", world["project"].department.name, "事業協力"]
    content = _workbook_bytes([[*row, "", None, date(1920, 4, 1)]], [c.name for c in COLUMNS])
    response = client.post(
        reverse("projects:import"), {"file": _Upload("list.xlsx", content, XLSX_TYPE)}
    )
    assert response.status_code == 200
    assert "昭和元年（1926年12月25日）より前の日付は取り込めません" in response.content.decode()


# --- the inventory cannot rot ------------------------------------------------------------

# Pages the crawl skips: files, not HTML.
_NOT_HTML = ("pdf", "export", "open_data", "import_template", "selection:file")
# Forms reached other than by opening a page: the import preview, which answers an upload
# (test_it_never_fails_on_an_import_file_or_its_confirmation).
_REACHED_OTHERWISE = {"projects:import_confirm"}


def test_it_fuzzes_every_form_the_pages_show(client, world, _pages):
    """Open each HTML page as the admin (who sees every city form) and as the partner (who
    sees their own), or anonymously when only that is allowed; every form must be in FORMS."""
    covered = {row.target for row in FORMS} | _REACHED_OTHERWISE
    shown = {}
    for name, method, kind, expected in MATRIX:
        if method != "get" or any(part in name for part in _NOT_HTML):
            continue
        roles = [r for r in ("admin", "partner") if expected[r] == 200]
        roles = roles or [r for r in ("anonymous",) if expected[r] == 200]
        for role in roles:
            client.logout()
            _client_for(client, world, role)
            _path, forms = _open(client, world, _pages, name, kind, role)
            for form in forms:
                shown.setdefault(form.target, f"{name} ({role})")
    missing = {target: page for target, page in shown.items() if target not in covered}
    assert not missing, f"add these forms to FORMS: {missing}"
