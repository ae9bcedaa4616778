import re
from datetime import UTC, date, datetime, timedelta, tzinfo

import pytest

from kyodo import fiscal
from kyodo.fiscal import (
    ERAS,
    Era,
    current_fiscal_year,
    era_of_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
    format_yen,
    nendo_choices,
    nendo_label,
    parse_date,
    parse_yen,
    wareki_date,
    wareki_parts,
)

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def assert_japanese_error(excinfo: pytest.ExceptionInfo[ValueError], *fragments: str) -> None:
    message = str(excinfo.value)
    assert message.strip(), "error message is empty"
    assert JAPANESE.search(message), f"error message is not Japanese: {message!r}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def frozen_now(utc_moment: datetime) -> type[datetime]:
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return utc_moment.astimezone(tz)

    return FrozenDatetime


# --- eras -----------------------------------------------------------------------------


def test_it_lists_showa_heisei_reiwa_oldest_first() -> None:
    assert [(e.name, e.letter, e.start) for e in ERAS] == [
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


def test_it_keeps_eras_frozen() -> None:
    with pytest.raises(AttributeError):
        ERAS[0].name = "大正"  # type: ignore[misc]
    assert isinstance(ERAS[0], Era)


@pytest.mark.parametrize(
    ("day", "era_name", "era_year"),
    [
        (date(1926, 12, 25), "昭和", 1),
        (date(1926, 12, 31), "昭和", 1),
        (date(1927, 1, 1), "昭和", 2),
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(1989, 12, 31), "平成", 1),
        (date(1990, 1, 1), "平成", 2),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(2020, 1, 1), "令和", 2),
        (date(2025, 4, 1), "令和", 7),
    ],
)
def test_it_finds_the_era_of_a_day_by_its_exact_date(
    day: date, era_name: str, era_year: int
) -> None:
    era, year = wareki_parts(day)
    assert (era.name, year) == (era_name, era_year)


def test_it_refuses_days_before_showa() -> None:
    with pytest.raises(ValueError) as excinfo:
        wareki_parts(date(1926, 12, 24))
    assert_japanese_error(excinfo, "昭和")


@pytest.mark.parametrize(
    ("day", "seireki", "expected"),
    [
        (date(2025, 4, 1), False, "令和7年4月1日"),
        (date(2019, 5, 1), False, "令和元年5月1日"),
        (date(2019, 4, 30), False, "平成31年4月30日"),
        (date(1989, 1, 8), False, "平成元年1月8日"),
        (date(1989, 1, 7), False, "昭和64年1月7日"),
        (date(1926, 12, 25), False, "昭和元年12月25日"),
        (date(2025, 12, 31), False, "令和7年12月31日"),
        (date(2025, 4, 1), True, "令和7年4月1日（2025年）"),
        (date(2019, 5, 1), True, "令和元年5月1日（2019年）"),
    ],
)
def test_it_writes_a_day_in_wareki_without_zero_padding(
    day: date, seireki: bool, expected: str
) -> None:
    assert wareki_date(day, seireki=seireki) == expected


def test_it_writes_wareki_without_seireki_by_default() -> None:
    assert wareki_date(date(2025, 4, 1)) == "令和7年4月1日"


# --- fiscal years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
    ],
)
def test_it_starts_the_fiscal_year_on_april_1(day: date, fy: int) -> None:
    assert fiscal_year_of(day) == fy


@pytest.mark.parametrize(
    ("fy", "bounds"),
    [
        (2025, (date(2025, 4, 1), date(2026, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (2023, (date(2023, 4, 1), date(2024, 3, 31))),
    ],
)
def test_it_bounds_a_fiscal_year_from_april_1_to_march_31(
    fy: int, bounds: tuple[date, date]
) -> None:
    assert fiscal_year_bounds(fy) == bounds
    first, last = bounds
    assert fiscal_year_of(first) == fiscal_year_of(last) == fy
    assert fiscal_year_of(first - timedelta(days=1)) == fy - 1
    assert fiscal_year_of(last + timedelta(days=1)) == fy + 1


@pytest.mark.parametrize(("today", "fy"), [(date(2025, 3, 31), 2024), (date(2025, 4, 1), 2025)])
def test_it_takes_the_current_fiscal_year_from_a_given_day(today: date, fy: int) -> None:
    assert current_fiscal_year(today) == fy


@pytest.mark.parametrize(
    ("utc_moment", "fy"),
    [
        # 2025-04-01 00:30 in Japan, still March 31 in UTC.
        (datetime(2025, 3, 31, 15, 30, tzinfo=UTC), 2025),
        (datetime(2025, 3, 31, 14, 30, tzinfo=UTC), 2024),
    ],
)
def test_it_takes_the_current_fiscal_year_from_the_japanese_calendar_day(
    monkeypatch: pytest.MonkeyPatch, utc_moment: datetime, fy: int
) -> None:
    monkeypatch.setattr(fiscal, "datetime", frozen_now(utc_moment))
    assert current_fiscal_year() == fy


@pytest.mark.parametrize(
    ("fy", "era_name", "era_year"),
    [
        (1927, "昭和", 2),
        (1988, "昭和", 63),
        (1989, "平成", 1),
        (2016, "平成", 28),
        (2018, "平成", 30),
        (2019, "令和", 1),
        (2020, "令和", 2),
        (2025, "令和", 7),
    ],
)
def test_it_names_a_fiscal_year_after_the_era_in_force_at_its_end(
    fy: int, era_name: str, era_year: int
) -> None:
    era, year = era_of_fiscal_year(fy)
    assert (era.name, year) == (era_name, era_year)


def test_it_refuses_fiscal_years_before_1927() -> None:
    with pytest.raises(ValueError) as excinfo:
        era_of_fiscal_year(1926)
    assert_japanese_error(excinfo, "1927")


def test_it_names_2019_reiwa_gannendo() -> None:
    assert nendo_label(2019) == "令和元年度（2019年度）"


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2016, "平成28年度"),
        (2017, "平成29年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2025, "令和7年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_it_labels_a_fiscal_year_in_wareki(fy: int, label: str) -> None:
    assert nendo_label(fy, seireki=False) == label
    assert nendo_label(fy) == f"{label}（{fy}年度）"


def test_it_labels_2025_with_full_width_parentheses() -> None:
    assert nendo_label(2025) == "令和7年度（2025年度）"


def test_it_lists_fiscal_year_choices_newest_first() -> None:
    assert nendo_choices(2016, 2020) == [
        (2020, "令和2年度（2020年度）"),
        (2019, "令和元年度（2019年度）"),
        (2018, "平成30年度（2018年度）"),
        (2017, "平成29年度（2017年度）"),
        (2016, "平成28年度（2016年度）"),
    ]


def test_it_offers_choices_up_to_next_fiscal_year_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fiscal, "current_fiscal_year", lambda today=None: 2025)
    choices = nendo_choices()
    assert [fy for fy, _ in choices] == list(range(2026, 2015, -1))
    assert choices[0] == (2026, "令和8年度（2026年度）")
    assert choices[-1] == (2016, "平成28年度（2016年度）")


# --- parse_date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 和暦 with the era in kanji
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("令和 7年 4月 1日", date(2025, 4, 1)),
        ("令和 7 年 4 月 1 日", date(2025, 4, 1)),
        ("  令和7年4月1日  ", date(2025, 4, 1)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("令和　７年　４月　１日", date(2025, 4, 1)),
        ("令和07年04月01日", date(2025, 4, 1)),
        ("㋿7年4月1日", date(2025, 4, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        # era letter with separators
        ("R7.4.1", date(2025, 4, 1)),
        ("r7/4/1", date(2025, 4, 1)),
        ("R7-4-1", date(2025, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h1.1.8", date(1989, 1, 8)),
        ("S64-1-7", date(1989, 1, 7)),
        ("s64.1.7", date(1989, 1, 7)),
        ("R07.04.01", date(2025, 4, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("ｒ７／４／１", date(2025, 4, 1)),
        ("Ｈ３１－４－３０", date(2019, 4, 30)),
        # western
        ("2025/4/1", date(2025, 4, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025.4.1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("2025 年 4 月 1 日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("２０２５／４／１", date(2025, 4, 1)),
        ("２０２５－０４－０１", date(2025, 4, 1)),
        ("２０２５．４．１", date(2025, 4, 1)),
        ("２０２５年４月１日", date(2025, 4, 1)),
        ("２０２５０４０１", date(2025, 4, 1)),
        ("2024/2/29", date(2024, 2, 29)),
        ("1900/1/1", date(1900, 1, 1)),
        ("2200/12/31", date(2200, 12, 31)),
    ],
)
def test_it_reads_dates_in_every_accepted_form(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        # blank
        ("", ()),
        ("   ", ()),
        ("　", ()),
        # garbage
        ("abc", ("例",)),
        ("4月1日", ("例",)),
        ("令和七年四月一日", ("例",)),
        ("R7.4", ("例",)),
        ("R7.4/1", ("例",)),
        ("2025/4/1/1", ("例",)),
        ("X7.4.1", ("例",)),
        ("202541", ("例",)),
        ("2025/4/1 10:00", ("例",)),
        # dates that do not exist
        ("令和7年2月30日", ("存在しない",)),
        ("2025/13/1", ("存在しない",)),
        ("R7.0.1", ("存在しない",)),
        ("R7.4.0", ("存在しない",)),
        ("2025/2/29", ("存在しない",)),
        ("20251301", ("存在しない",)),
        ("２０２５／１３／１", ("存在しない",)),
        # era year 0
        ("令和0年5月1日", ("令和", "元年")),
        ("R0.5.1", ("令和", "元年")),
        # outside the era
        ("平成31年5月1日", ("平成", "1989年1月8日", "2019年4月30日")),
        ("平成32年1月1日", ("平成", "2019年4月30日")),
        ("H32.1.1", ("平成", "2019年4月30日")),
        ("令和元年4月30日", ("令和", "2019年5月1日")),
        ("R1.4.30", ("令和", "2019年5月1日")),
        ("平成元年1月7日", ("平成", "1989年1月8日")),
        ("昭和64年1月8日", ("昭和", "1989年1月7日")),
        ("昭和65年1月1日", ("昭和", "1989年1月7日")),
        ("昭和元年12月24日", ("昭和", "1926年12月25日")),
        # before 昭和, or western years out of range
        ("大正15年1月1日", ("西暦",)),
        ("T15.1.1", ("西暦",)),
        ("明治45年7月29日", ("西暦",)),
        ("1899/12/31", ("1900",)),
        ("2201/1/1", ("2200",)),
        ("18991231", ("1900",)),
        ("令和999年1月1日", ("2200",)),
    ],
)
def test_it_refuses_unreadable_or_impossible_dates(text: str, fragments: tuple[str, ...]) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    assert_japanese_error(excinfo, *fragments)


@pytest.mark.parametrize(
    "day",
    [
        date(1926, 12, 25),
        date(1989, 1, 7),
        date(1989, 1, 8),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2024, 2, 29),
        date(2025, 3, 31),
        date(2025, 4, 1),
    ],
)
def test_it_reads_back_the_wareki_it_writes(day: date) -> None:
    assert parse_date(wareki_date(day)) == day
    assert parse_date(wareki_date(day, seireki=False)) == day


# --- yen ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", 12000),
        ("0", 0),
        ("12,000", 12000),
        ("1,234,567", 1234567),
        ("12,000円", 12000),
        ("12000円", 12000),
        ("¥12,000", 12000),
        ("\\12000", 12000),
        ("￥１２０００", 12000),
        ("＼１２，０００", 12000),
        ("１２，０００円", 12000),
        ("１２０００", 12000),
        (" 12,000 円 ", 12000),
        ("12 000", 12000),
        ("-500", -500),
        ("-¥500", -500),
        ("¥-500", -500),
        ("−500", -500),
        ("－５００", -500),
        ("‐500円", -500),
        ("△500", -500),
        ("▲1,000", -1000),
        ("999999999999999", 999_999_999_999_999),
    ],
)
def test_it_reads_yen_amounts(text: str, expected: int) -> None:
    assert parse_yen(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("", ()),
        ("   ", ()),
        ("1.5", ("円単位の整数",)),
        ("１．５", ("円単位の整数",)),
        ("12,000.50円", ("円単位の整数",)),
        ("abc", ("例",)),
        ("12,000ドル", ("例",)),
        ("$12000", ("例",)),
        ("1e5", ("例",)),
        ("--5", ("例",)),
        ("-¥-5", ("例",)),
        ("5-", ("例",)),
        ("1万円", ("例",)),
        ("円", ("例",)),
        ("¥", ("例",)),
        (",000", ("例",)),
        ("12,00", ("カンマ",)),
        ("1,2345", ("カンマ",)),
        ("1234,567", ("カンマ",)),
        ("1000000000000000", ("15桁",)),
        ("1,000,000,000,000,000", ("15桁",)),
    ],
)
def test_it_refuses_what_is_not_a_whole_yen_amount(text: str, fragments: tuple[str, ...]) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_yen(text)
    assert_japanese_error(excinfo, *fragments)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (12000, "12,000円"),
        (0, "0円"),
        (999, "999円"),
        (1234567, "1,234,567円"),
        (-500, "-500円"),
        (None, ""),
    ],
)
def test_it_writes_yen_with_thousands_separators(amount: int | None, text: str) -> None:
    assert format_yen(amount) == text


@pytest.mark.parametrize("amount", [0, 12000, 1234567, -500])
def test_it_reads_back_the_yen_it_writes(amount: int) -> None:
    assert parse_yen(format_yen(amount)) == amount
