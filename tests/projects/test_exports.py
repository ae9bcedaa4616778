"""The project list's search and its .csv/.xlsx exports, which share the list's filters."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.exports import COLUMNS
from projects.models import Project
from projects.services import project as services
from tests.factories import PartnerFactory, ProjectFactory, ProjectPartnerFactory

BOM = "\ufeff".encode()


def register(by, title: str, form: str = "jigyo_kyoryoku", **data) -> Project:
    """Create a project the way the app does, so that it gets its search index."""
    data = {"title": title, "fiscal_year": 2025, "implementation_form": form, **data}
    data.setdefault("purpose", "市民と市が共有する目的")
    return services.project_create(by=by, data=data, detail_data={})


def export(client, fmt: str, **params: str):
    return client.get(reverse("projects:export", args=[fmt]), params)


def body(response) -> bytes:
    """Both exports are streamed; read them whole (any queries run here)."""
    if not hasattr(response, "_body"):
        response._body = b"".join(response.streaming_content)
    return response._body


def csv_rows(response) -> list[list[str]]:
    assert body(response).startswith(BOM)
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["協働事業"]
    return list(workbook["協働事業"].iter_rows(values_only=True))


def ids(rows) -> list[int]:
    return sorted(int(row[0]) for row in rows[1:])


# --- free-text search on the list ------------------------------------------------------


def listed(client, **params: str) -> set[str]:
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return {p.title for p in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("npo", {"ＮＰＯ協働", "npo協働フォーラム"}),
        ("ＮＰＯ", {"ＮＰＯ協働", "npo協働フォーラム"}),
        ("NPO", {"ＮＰＯ協働", "npo協働フォーラム"}),
        ("フォーラム", {"npo協働フォーラム"}),
        ("ﾌｫｰﾗﾑ", {"npo協働フォーラム"}),
        ("npo　ﾌｫｰﾗﾑ", {"npo協働フォーラム"}),
        ("海岸", {"海の事業"}),
        ("ＸＹＺ", set()),
    ],
)
def test_it_finds_projects_whether_typed_in_full_or_half_width(client, staff, q, expected):
    register(staff, "ＮＰＯ協働")
    register(staff, "npo協働フォーラム")
    register(staff, "海の事業", content="海岸の清掃")
    client.force_login(staff)
    assert listed(client, q=q) == expected


def test_it_finds_a_project_by_the_title_it_was_given_in_an_edit(client, staff):
    project = register(staff, "旧い事業名")
    services.project_update(
        project=project,
        by=staff,
        expected_version=1,
        data={"title": "ＮＥＷ事業名"},
        detail_data={},
    )
    client.force_login(staff)
    assert listed(client, q="new") == {"ＮＥＷ事業名"}
    assert listed(client, q="旧い") == set()


def test_it_searches_only_the_projects_a_partner_user_may_see(
    client, staff, partner_user, partner_org
):
    mine = register(staff, "海岸の清掃")
    ProjectPartnerFactory(project=mine, partner=partner_org)
    register(staff, "海岸の花壇")
    client.force_login(partner_user)
    assert listed(client, q="海岸") == {"海岸の清掃"}


# --- csv -------------------------------------------------------------------------------


def test_it_exports_csv_with_a_bom_the_header_and_one_row_per_project(client, staff, project):
    project.budget, project.start_date = 12000, date(2025, 4, 1)
    project.save()
    client.force_login(staff)
    response = export(client, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kyodo-projects-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = csv_rows(response)
    assert rows[0] == COLUMNS
    assert rows[0][:3] == ["ID", "年度", "事業名"]
    assert len(rows) == 2
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["ID"] == str(project.pk)
    assert row["年度"] == "令和7年度"
    assert row["事業名"] == "海岸の里親活動"
    assert row["所管課"] == "環境政策課"
    assert row["実施形態"] == "事業協力"
    assert row["パートナー"] == "NPO法人 湘南なぎさネット"
    assert row["事業開始日"] == "令和7年4月1日"
    assert row["事業終了日"] == ""
    assert row["事業費（円）"] == "12000"
    assert row["アーカイブ"] == ""


def test_it_exports_only_the_header_when_nothing_matches(client, staff, project):
    client.force_login(staff)
    assert csv_rows(export(client, "csv", q="該当なし")) == [COLUMNS]


@pytest.mark.parametrize(
    ("params", "expected_titles"),
    [
        ({"implementation_form": "hojo"}, ["abcの補助"]),
        ({"q": "abc"}, ["ＡＢＣ清掃", "abcの補助"]),
        ({"q": "ＡＢＣ"}, ["ＡＢＣ清掃", "abcの補助"]),
        ({"q": "abc", "implementation_form": "jigyo_kyoryoku"}, ["ＡＢＣ清掃"]),
        ({"fiscal_year": "2024"}, ["昨年度の委託"]),
        ({"status": "active"}, ["昨年度の委託"]),
        ({}, ["ＡＢＣ清掃", "abcの補助", "昨年度の委託"]),
        ({"archived": "on"}, ["ＡＢＣ清掃", "abcの補助", "昨年度の委託", "アーカイブした事業"]),
    ],
)
def test_it_exports_exactly_the_rows_the_list_shows(client, staff, params, expected_titles):
    register(staff, "ＡＢＣ清掃")
    register(staff, "abcの補助", form="hojo")
    register(staff, "昨年度の委託", form="itaku", fiscal_year=2024, status="active")
    archived = register(staff, "アーカイブした事業", content="abc")
    services.project_archive(project=archived, by=staff, reason="重複のため")
    client.force_login(staff)
    expected = sorted(
        Project.objects.filter(title__in=expected_titles).values_list("pk", flat=True)
    )
    assert ids(csv_rows(export(client, "csv", **params))) == expected
    assert ids(xlsx_rows(export(client, "xlsx", **params))) == expected
    listed_titles = listed(client, **params)
    assert listed_titles == set(expected_titles)


def test_it_exports_the_projects_of_one_partner_or_one_department(
    client, staff, project, other_project, partner_org
):
    client.force_login(staff)
    by_partner = csv_rows(export(client, "csv", partner=partner_org.name))
    assert ids(by_partner) == [project.pk]
    by_department = csv_rows(export(client, "csv", department=str(other_project.department_id)))
    assert ids(by_department) == [other_project.pk]


def test_it_exports_in_the_order_the_list_is_sorted(client, staff):
    small = register(staff, "小さい事業", budget=1000)
    large = register(staff, "大きい事業", budget=900_000)
    client.force_login(staff)
    rows = csv_rows(export(client, "csv", sort="-budget"))
    assert [int(row[0]) for row in rows[1:]] == [large.pk, small.pk]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("x")'])
def test_it_neutralises_text_that_a_spreadsheet_would_run_as_a_formula(client, staff, text):
    register(staff, text, purpose=text)
    partner_named = register(staff, "普通の事業")
    ProjectPartnerFactory(project=partner_named, partner=PartnerFactory(name=text))
    client.force_login(staff)

    csv_cells = [cell for row in csv_rows(export(client, "csv"))[1:] for cell in row]
    assert csv_cells.count("'" + text) == 3
    assert text not in csv_cells

    workbook = load_workbook(io.BytesIO(body(export(client, "xlsx"))))
    cells = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row]
    neutralised = [cell for cell in cells if cell.value == "'" + text]
    assert len(neutralised) == 3
    assert all(cell.data_type == "s" for cell in neutralised)
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_it_keeps_plain_text_and_numbers_as_they_are(client, staff):
    register(staff, "A-1 事業", purpose="1+1の目的", budget=5000)
    client.force_login(staff)
    row = dict(zip(COLUMNS, csv_rows(export(client, "csv"))[1], strict=True))
    assert (row["事業名"], row["事業の目的"], row["事業費（円）"]) == (
        "A-1 事業",
        "1+1の目的",
        "5000",
    )


# --- xlsx ------------------------------------------------------------------------------


def test_it_exports_xlsx_with_the_same_rows_as_csv(client, staff, project, other_project):
    project.budget, project.start_date = 12000, date(2025, 4, 1)
    project.save()
    client.force_login(staff)
    response = export(client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_rows(response)
    assert list(sheet[0]) == COLUMNS
    as_text = [["" if v is None else str(v) for v in row] for row in sheet]
    assert as_text == csv_rows(export(client, "csv"))
    row = dict(zip(COLUMNS, sheet[1 if sheet[1][0] == project.pk else 2], strict=True))
    assert (row["ID"], row["事業費（円）"], row["事業開始日"]) == (
        project.pk,
        12000,
        "令和7年4月1日",
    )


# --- who may export, and at what cost --------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_refuses_the_export_to_a_partner_user(client, partner_user, project, fmt):
    client.force_login(partner_user)
    assert export(client, fmt).status_code == 403


@pytest.mark.parametrize("who", ["staff", "staff2", "coordinator", "admin_user"])
def test_it_lets_city_staff_export_every_project(client, request, project, other_project, who):
    client.force_login(request.getfixturevalue(who))
    assert ids(csv_rows(export(client, "csv"))) == sorted([project.pk, other_project.pk])


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, project):
    response = export(client, "csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_an_unknown_format(client, staff):
    client.force_login(staff)
    assert export(client, "pdf").status_code == 404


def test_it_refuses_post_to_the_export(client, staff):
    client.force_login(staff)
    assert client.post(reverse("projects:export", args=["csv"])).status_code == 405


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_in_a_bounded_number_of_queries(
    client, staff, department, partner_org, django_assert_max_num_queries, fmt
):
    for n in range(30):
        project = ProjectFactory(title=f"事業{n}", department=department, budget=n * 1000)
        ProjectPartnerFactory(project=project, partner=partner_org)
        ProjectPartnerFactory(project=project, partner=PartnerFactory())
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = export(client, fmt, q="", sort="title")
        body(response)  # the CSV is streamed: its queries run while it is read
    assert response.status_code == 200
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) == 31
    assert all(partner_org.name in row[COLUMNS.index("パートナー")] for row in rows[1:])
