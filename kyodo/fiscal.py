"""Fiscal year (年度) and Japanese era (和暦) helpers, and parsing of dates and yen amounts."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


@dataclass(frozen=True)
class Era:
    """A Japanese era with its romanised initial and first day."""

    name: str
    letter: str
    start: date


ERAS: tuple[Era, ...] = (
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

_MIN_YEAR = 1900
_MAX_YEAR = 2200
_MAX_YEN_DIGITS = 15

# Japan has had no daylight saving since 1951, so a fixed offset is exact and needs no tzdata.
_JST = timezone(timedelta(hours=9), "JST")

_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}

_DATE_EXAMPLE = "例: 令和7年4月1日、R7.4.1、2025/4/1"
_YEN_EXAMPLE = "例: 12,000、¥12,000、12000円"

# Spaces are removed before matching, so the patterns need not allow for them.
_ERA_DATE = re.compile(
    r"(?P<era>昭和|平成|令和|[SHR])(?P<year>[0-9]{1,3}|元)"
    r"(?:年(?P<m1>[0-9]{1,2})月(?P<d1>[0-9]{1,2})日?"
    r"|(?P<sep>[./-])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2}))",
)
_WESTERN_DATE = re.compile(
    r"(?:西暦)?(?P<year>[0-9]{4})"
    r"(?:年(?P<m1>[0-9]{1,2})月(?P<d1>[0-9]{1,2})日?"
    r"|(?P<sep>[./-])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2})"
    r"|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))",
)
_NENDO = re.compile(
    r"(?:(?P<era>昭和|平成|令和|[SHR])(?P<eyear>[0-9]{1,3}|元)|(?:西暦)?(?P<wyear>[0-9]{4}))"
    r"(?:年度?)?(?:\((?:西暦)?(?P<check>[0-9]{4})(?:年度?)?\))?",
)
_NENDO_EXAMPLE = "例: 令和2年度、R2、2020"
# Older eras are recognised only to give a better message than "cannot read".
_OLD_ERA = re.compile(r"(?:明治|大正|[MT])[0-9元]")

# Hyphens and dashes people type for a minus sign; U+FF0D already becomes "-" under NFKC.
_MINUS_SIGNS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\u25b2\u25b3", "-"))
_YEN = re.compile(r"(?P<sign>-?)[¥\\]?(?P<sign2>-?)(?P<digits>[0-9][0-9,]*)円?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_SPACES = re.compile(r"\s+")


def fiscal_year_of(d: date) -> int:
    """Return the 年度 (April-to-March, named by its starting year) containing d."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """Return the first and last day of 年度 fy."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def current_fiscal_year(today: date | None = None) -> int:
    """Return the 年度 of today in Japan, or of the given day."""
    if today is None:
        today = datetime.now(_JST).date()
    return fiscal_year_of(today)


def era_of_fiscal_year(fy: int) -> tuple[Era, int]:
    """Return the era and era year used to name 年度 fy."""
    if fy < ERAS[0].start.year + 1:
        raise ValueError(f"{ERAS[0].start.year + 1}年度より前の年度には対応していません。")
    # A 年度 takes the name of the era in force at its end, so 2019年度 is 令和元年度.
    era = [e for e in ERAS if e.start.year <= fy][-1]
    return era, fy - era.start.year + 1


def nendo_label(fy: int, *, seireki: bool = True) -> str:
    """Return the 和暦 name of 年度 fy, such as 令和7年度（2025年度）."""
    era, year = era_of_fiscal_year(fy)
    label = f"{era.name}{_era_year_text(year)}年度"
    return f"{label}（{fy}年度）" if seireki else label


def wareki_parts(d: date) -> tuple[Era, int]:
    """Return the era and era year of day d."""
    if d < ERAS[0].start:
        first = ERAS[0]
        raise ValueError(
            f"{first.name}（{_day_text(first.start)}～）より前の日付には対応していません。"
        )
    era = [e for e in ERAS if e.start <= d][-1]
    return era, d.year - era.start.year + 1


def wareki_date(d: date, *, seireki: bool = False) -> str:
    """Return day d written in 和暦, such as 令和7年4月1日."""
    era, year = wareki_parts(d)
    text = f"{era.name}{_era_year_text(year)}年{d.month}月{d.day}日"
    return f"{text}（{d.year}年）" if seireki else text


def parse_date(text: str) -> date:
    """Read a date written in 和暦 or 西暦, in full- or half-width characters."""
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    if not s:
        raise ValueError("日付を入力してください。")
    if match := _ERA_DATE.fullmatch(s):
        return _era_date(match)
    if match := _WESTERN_DATE.fullmatch(s):
        year = int(match["year"])
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise ValueError(f"西暦は{_MIN_YEAR}年から{_MAX_YEAR}年までで入力してください。")
        return _make_date(year, *_month_day(match))
    if _OLD_ERA.match(s):
        raise ValueError("明治・大正の和暦には対応していません。西暦で入力してください。")
    raise ValueError(f"日付を読み取れません。{_DATE_EXAMPLE}")


def parse_yen(text: str) -> int:
    """Read an amount in whole yen, allowing ¥, 円, commas, full-width digits and a minus."""
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).translate(_MINUS_SIGNS)
    if not s:
        raise ValueError("金額を入力してください。")
    if re.search(r"[0-9]\.[0-9]", s):
        raise ValueError("金額は円単位の整数で入力してください（小数は使えません）。")
    match = _YEN.fullmatch(s)
    if not match or (match["sign"] and match["sign2"]):
        raise ValueError(f"金額を読み取れません。{_YEN_EXAMPLE}")
    digits = match["digits"]
    if "," in digits and not _GROUPED.fullmatch(digits):
        raise ValueError("桁区切りのカンマの位置が正しくありません。例: 1,234,000")
    digits = digits.replace(",", "")
    if len(digits) > _MAX_YEN_DIGITS:
        raise ValueError(f"金額の桁数が多すぎます（{_MAX_YEN_DIGITS}桁まで）。")
    amount = int(digits)
    return -amount if match["sign"] or match["sign2"] else amount


def parse_nendo(text: str) -> int:
    """Read a 年度 such as 令和2年度, R2, 2020, 令和元年度（2019年度）; return its 西暦 year."""
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    if not s:
        raise ValueError("年度を入力してください。")
    match = _NENDO.fullmatch(s)
    if not match:
        raise ValueError(f"年度を読み取れません。{_NENDO_EXAMPLE}")
    if match["era"]:
        era = _ERA_BY_KEY[match["era"]]
        year = 1 if match["eyear"] == "元" else int(match["eyear"])
        if year == 0:
            raise ValueError(f"{era.name}0年度はありません。最初の年度は{era.name}元年度です。")
        fy = era.start.year + year - 1
        end = _era_end(era)
        # A 年度 keeps the name of the era it began in: 平成31年度 and 令和元年度 are both 2019.
        if end is not None and fy > fiscal_year_of(end):
            last = fiscal_year_of(end)
            era_year = _era_year_text(last - era.start.year + 1)
            raise ValueError(f"{era.name}は{era_year}年度（{last}年度）までです。")
    else:
        fy = int(match["wyear"])
    if not ERAS[0].start.year + 1 <= fy <= _MAX_YEAR:
        raise ValueError(f"{ERAS[0].start.year + 1}年度から{_MAX_YEAR}年度までで入力してください。")
    if match["check"] and int(match["check"]) != fy:
        label = nendo_label(fy, seireki=False)
        raise ValueError(f"和暦と西暦の年度が合いません（{label}は{fy}年度です）。")
    return fy


def format_yen(n: int | None) -> str:
    """Write an amount as 12,000円, or nothing for None."""
    return "" if n is None else f"{n:,}円"


def nendo_choices(first: int = 2016, last: int | None = None) -> list[tuple[int, str]]:
    """Return (年度, label) pairs from last down to first, for a select box."""
    if last is None:
        last = current_fiscal_year() + 1
    return [(fy, nendo_label(fy)) for fy in range(last, first - 1, -1)]


def _era_year_text(year: int) -> str:
    """Write an era year, with the first year as 元."""
    return "元" if year == 1 else str(year)


def _era_end(era: Era) -> date | None:
    """Return the last day of an era, or None for the current one."""
    later = ERAS[ERAS.index(era) + 1 :]
    return later[0].start - timedelta(days=1) if later else None


def _era_range_text(era: Era) -> str:
    """Describe the days an era covers, for error messages."""
    text = f"{era.name}は{_day_text(era.start)}から"
    end = _era_end(era)
    return text if end is None else f"{text}{_day_text(end)}まで"


def _day_text(d: date) -> str:
    """Write a day in 西暦 for error messages."""
    return f"{d.year}年{d.month}月{d.day}日"


def _month_day(match: re.Match[str]) -> tuple[int, int]:
    """Pick the month and day from whichever alternative of a date pattern matched."""
    # One alternative matched; m3 and d3 exist only in the 西暦 pattern, which has them last.
    month = match["m1"] or match["m2"] or match.groupdict()["m3"]
    day = match["d1"] or match["d2"] or match.groupdict()["d3"]
    return int(month), int(day)


def _make_date(year: int, month: int, day: int) -> date:
    """Build a date, turning an impossible one into a user-facing error."""
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("存在しない日付です。") from None


def _era_date(match: re.Match[str]) -> date:
    """Turn a matched 和暦 date into a date, checking it falls within its era."""
    era = _ERA_BY_KEY[match["era"]]
    year = 1 if match["year"] == "元" else int(match["year"])
    if year == 0:
        raise ValueError(f"{era.name}0年はありません。最初の年は{era.name}元年（1年）です。")
    western_year = era.start.year + year - 1
    end = _era_end(era)
    if end is not None and western_year > end.year:
        raise ValueError(f"{_era_range_text(era)}です。")
    if western_year > _MAX_YEAR:
        raise ValueError(f"{_MAX_YEAR}年より後の日付には対応していません。")
    d = _make_date(western_year, *_month_day(match))
    if d < era.start or (end is not None and d > end):
        raise ValueError(f"{_era_range_text(era)}です。")
    return d
