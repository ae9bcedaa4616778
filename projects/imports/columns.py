"""The columns an import list may have, and how headers and cells are read as text."""

from dataclasses import dataclass
from datetime import datetime

from kyodo.text import normalize_for_search, strip_invisible
from projects.models import ImplementationForm

TITLE_MAX = 200
EXAMPLE_MARK = "（記入例）"


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


def name_key(text: str) -> str:
    """Fold width and case and drop every space, so that names match however typed."""
    return normalize_for_search(text).replace(" ", "")


def cell_text(value: object) -> str:
    """Return a cell as text; whole numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return strip_invisible(str(value)).strip()


COLUMN_BY_HEADER = {name_key(name): c for c in COLUMNS for name in (c.name, *c.aliases)}
