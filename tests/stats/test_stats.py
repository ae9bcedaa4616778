"""協働の実績: the guideline's five years to the digit, then the years counted from records."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Status
from stats.models import YearlyTotal
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

GUIDELINE = """年度,委託,指定管理者,事業協力,実行委員会,共催,補助,後援,合計
平成28年度,63,23,140,24,61,24,186,521
平成29年度,50,23,171,24,67,17,196,548
平成30年度,52,22,162,23,62,16,242,579
令和元年度,53,22,174,16,71,17,251,604
令和2年度,22,22,71,2,31,5,68,221
"""


def read_csv(response) -> list[list[str]]:
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_it_reproduces_the_guidelines_figures_to_the_digit(client):
    response = client.get(reverse("stats:export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    expected = list(csv.reader(io.StringIO(GUIDELINE)))
    assert read_csv(response) == expected


def test_it_continues_with_the_years_counted_from_the_records(
    client, django_assert_max_num_queries
):
    for form, status in [
        ("itaku", Status.COMPLETED),
        ("koen", Status.ACTIVE),
        ("koen", Status.EVALUATING),
        ("hojo", Status.DRAFT),  # not carried out: not counted
    ]:
        ProjectFactory(fiscal_year=2021, implementation_form=form, status=status)
    archived = ProjectFactory(fiscal_year=2021, status=Status.COMPLETED)
    archived.archived_at = archived.created_at
    archived.save()
    rows = read_csv(client.get(reverse("stats:export", args=["csv"])))
    assert rows[-1] == ["令和3年度", "1", "0", "0", "0", "0", "0", "2", "3"]
    assert len(rows) == 7
    with django_assert_max_num_queries(8):
        page = client.get(reverse("stats:index"))
    html = page.content.decode()
    assert "出典の切り替わり" in html and "令和3年度より前は" in html


def test_it_keeps_the_published_totals_of_a_year_with_a_few_records(client):
    # One imported 平成30年度 project must not replace 平成30年度〜令和2年度's published figures.
    ProjectFactory(fiscal_year=2018, implementation_form="itaku", status=Status.COMPLETED)

    rows = read_csv(client.get(reverse("stats:export", args=["csv"])))
    html = client.get(reverse("stats:index")).content.decode()

    assert rows == list(csv.reader(io.StringIO(GUIDELINE)))
    assert "このシステムの記録にある事業: 1件（公表値を表示しています）" in html


def test_it_counts_a_year_from_the_records_once_it_is_switched_over(client):
    ProjectFactory(fiscal_year=2020, implementation_form="itaku", status=Status.COMPLETED)
    YearlyTotal.objects.filter(fiscal_year=2020).update(use_records=True)

    rows = read_csv(client.get(reverse("stats:export", args=["csv"])))

    assert rows[-2][0] == "令和元年度" and rows[-2][-1] == "604"  # still published
    assert rows[-1] == ["令和2年度", "1", "0", "0", "0", "0", "0", "0", "1"]
    assert YearlyTotal.objects.filter(fiscal_year=2020).exists()  # kept, just not shown


def test_it_exports_the_same_table_as_xlsx(client):
    response = client.get(reverse("stats:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(min_row=1, max_row=6, values_only=True))
    assert values[0] == (
        "年度",
        "委託",
        "指定管理者",
        "事業協力",
        "実行委員会",
        "共催",
        "補助",
        "後援",
        "合計",
    )
    assert values[1] == ("平成28年度", 63, 23, 140, 24, 61, 24, 186, 521)


def test_it_filters_by_department_for_staff_only(client, staff, other_department):
    ProjectFactory(fiscal_year=2022, department=staff.department, status=Status.ACTIVE)
    ProjectFactory(fiscal_year=2022, department=other_department, status=Status.ACTIVE)
    params = {"department": staff.department.pk}
    anonymous = read_csv(client.get(reverse("stats:export", args=["csv"]), params))
    assert anonymous[-1][-1] == "2"  # the filter is for staff; anyone else sees the whole city
    client.force_login(staff)
    filtered = read_csv(client.get(reverse("stats:export", args=["csv"]), params))
    assert filtered[1:] == [["令和4年度", "0", "0", "1", "0", "0", "0", "0", "1"]]
