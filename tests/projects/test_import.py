"""Import of past projects from the city's Excel lists: preview, confirm, re-import, refusals."""

import io
import os
import re
import time
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kyodo.fiscal import parse_nendo
from partners.models import Partner
from projects import imports
from projects.models import PartnerRole, Project, ProjectPartner, Status
from tests.factories import DepartmentFactory, PartnerFactory, ProjectFactory, UserFactory

HEADER = [
    "年度",
    "事業名",
    "所管課",
    "実施形態",
    "パートナー",
    "事業費",
    "開始日",
    "終了日",
    "事業の目的",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(*rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "過去の事業.xlsx"):
    file = SimpleUploadedFile(name, content, content_type=XLSX_TYPE)
    return client.post(reverse("projects:import"), {"file": file})


def confirm(client, token: str):
    return client.post(reverse("projects:import_confirm"), {"token": token})


def text(response) -> str:
    return response.content.decode()


def problems_by_line(response) -> dict[int, list[str]]:
    return {row.line: row.problems for row in response.context["preview"].rows}


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def city(department, other_department):
    """The departments a list names: 環境政策課 and 福祉政策課."""
    return department, other_department


# --- the preview of a list with mistakes ----------------------------------------------


def test_it_shows_each_problem_in_the_preview_and_saves_nothing(client, coordinator, city):
    department, _ = city
    ProjectFactory(
        title="海岸清掃", fiscal_year=2020, department=department, implementation_form="kyosai"
    )
    content = xlsx(
        ["令和2年度", "海岸清掃", "環境政策課", "共催", "海の会", "", "", "", ""],  # 2: registered
        ["令和2年度", "里山の保全", "存在しない課", "事業協力", "", "", "", "", ""],
        ["令和2年度", "花壇づくり", "環境政策課", "協力", "", "", "", "", ""],
        ["令和2年度", "防災訓練", "福祉政策課", "共催", "", "", "令和2年13月1日", "", ""],
        ["令和2年度", "子ども食堂", "福祉政策課", "補助", "", "", "R2.10.1", "R2.4.1", ""],
        ["令和2年度", "", "福祉政策課", "補助", "", "", "", "", ""],
        ["令和3年度", "川の見守り", "環境政策課", "事業協力", "", "", "", "", ""],  # 8
        ["令和3年度", "川の見守り", "環境政策課", "事業協力", "", "", "", "", ""],  # 9
        ["令和3年度", "講演会", "福祉政策課", "後援", "", "１２，０００円", "", "", ""],  # 10: fine
    )
    client.force_login(coordinator)
    response = upload(client, content)
    assert response.status_code == 200
    found = problems_by_line(response)
    assert found[2] == []
    assert "既に登録済み（取り込みません）" in text(response)
    assert "所管課「存在しない課」は登録されていません" in found[3][0]
    assert "実施形態「協力」はありません" in found[4][0]
    assert found[5] == ["開始日: 存在しない日付です。"]
    assert found[6] == ["終了日が開始日より前になっています。"]
    assert found[7] == ["事業名がありません。"]
    assert "9行目と年度・所管課・事業名・実施形態が同じ" in found[8][0]
    assert "8行目と年度・所管課・事業名・実施形態が同じ" in found[9][0]
    assert found[10] == []
    page = text(response)
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f'href="#row-{line}"' in page
    assert 'role="alert"' in page
    assert "7行に問題があるため" in page
    assert reverse("projects:import_confirm") not in page
    assert Project.objects.count() == 1
    assert not Partner.objects.filter(name="海の会").exists()


def test_it_flags_every_copy_of_a_row_duplicated_in_the_file(coordinator, city):
    sheet = imports.read_sheet(
        io.BytesIO(
            xlsx(
                ["R3", "川の見守り", "環境政策課", "事業協力"],
                ["R4", "川の見守り", "環境政策課", "事業協力"],
                ["２０２１", "川の　見守り", "環境政策課", "事業協力"],
                ["2021", "川の見守り", "福祉政策課", "事業協力"],
                ["2021", "川の見守り", "環境政策課", "共催"],
                header=HEADER[:4],
            )
        )
    )
    preview = imports.check_sheet(sheet)
    assert [bool(row.problems) for row in preview.rows] == [True, False, True, False, False]
    assert "4行目と" in preview.rows[0].problems[0]
    assert "2行目と" in preview.rows[2].problems[0]


def test_it_refuses_to_import_rows_that_went_wrong_after_the_preview(client, coordinator, city):
    department, _ = city
    client.force_login(coordinator)
    preview = upload(client, xlsx(["R2", "海岸清掃", "環境政策課", "共催"], header=HEADER[:4]))
    assert preview.context["preview"].can_import
    department.name = "環境保全課"
    department.save()
    response = confirm(client, preview.context["token"])
    assert response.status_code == 200
    assert "所管課「環境政策課」は登録されていません" in text(response)
    assert Project.objects.count() == 0
    # The file is kept: once the list is corrected in the system, the same preview may go on.
    department.name = "環境政策課"
    department.save()
    assert confirm(client, preview.context["token"]).status_code == 302
    assert Project.objects.count() == 1


# --- a clean list ---------------------------------------------------------------------


CLEAN = xlsx(
    [
        "令和2年度",
        "海岸清掃",
        "環境政策課",
        "事業協力",
        "NPO法人 湘南なぎさネット、浜見平自治会",
        "120,000円",
        "令和2年4月1日",
        "令和3年3月31日",
        "海岸をきれいに保つ。",
    ],
    ["2019", "子ども食堂の支援", "福祉政策課", "補助", "子ども食堂ネット; 浜見平自治会", 500000],
    ["R3", "福祉講演会", "福祉政策課", "後援", "", None, date(2021, 6, 5)],
)


def test_it_imports_a_clean_list_as_completed_projects_with_partners(
    client, coordinator, city, partner_org, settings
):
    department, other = city
    client.force_login(coordinator)
    preview = upload(client, CLEAN)
    page = text(preview)
    assert preview.context["preview"].can_import
    assert "3件の事業を取り込む" in page
    assert preview.context["preview"].new_partner_names == ["浜見平自治会", "子ども食堂ネット"]
    assert "パートナー名簿にないため、取り込むときに新しく登録します" in page
    assert "浜見平自治会（新規登録）" in page
    token = preview.context["token"]
    assert [p.name for p in stored_files(settings)] == [f"{token}.xlsx"]
    assert f'name="token" value="{token}"' in page
    assert Project.objects.count() == 0

    response = confirm(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list")
    assert Project.objects.count() == 3
    assert stored_files(settings) == []

    beach = Project.objects.get(title="海岸清掃")
    assert beach.fiscal_year == 2020
    assert beach.department == department
    assert beach.implementation_form == "jigyo_kyoryoku"
    assert beach.status == Status.COMPLETED
    assert beach.budget == 120000
    assert (beach.start_date, beach.end_date) == (date(2020, 4, 1), date(2021, 3, 31))
    assert beach.purpose == "海岸をきれいに保つ。"
    assert beach.created_by == coordinator
    record = beach.history.get()
    assert record.history_user == coordinator
    assert record.history_change_reason == "Excelから取り込み（過去の事業.xlsx）"
    links = list(beach.project_partners.order_by("pk"))
    assert [link.partner.name for link in links] == ["NPO法人 湘南なぎさネット", "浜見平自治会"]
    assert links[0].partner == partner_org  # the one already in the directory
    assert {link.role for link in links} == {PartnerRole.AGREEMENT}
    assert links[0].history.get().history_user == coordinator

    grant = Project.objects.get(title="子ども食堂の支援")
    assert (grant.fiscal_year, grant.department, grant.budget) == (2019, other, 500000)
    assert {link.role for link in grant.project_partners.all()} == {PartnerRole.GRANTEE}
    talk = Project.objects.get(title="福祉講演会")
    assert talk.start_date == date(2021, 6, 5) and talk.end_date is None
    assert talk.purpose.startswith("「福祉講演会」を実施する。")
    assert not talk.project_partners.exists()

    # 浜見平自治会 is named twice but registered once.
    assert Partner.objects.filter(name="浜見平自治会").count() == 1
    created = Partner.objects.get(name="子ども食堂ネット")
    assert created.history.get().history_user == coordinator
    assert ProjectPartner.objects.count() == 4

    followed = client.get(response["Location"])
    assert "3件の事業を取り込みました。" in text(followed)
    assert "パートナー名簿に2団体を新しく登録しました。" in text(followed)


def test_it_creates_nothing_when_the_same_file_is_imported_again(client, coordinator, city):
    client.force_login(coordinator)
    confirm(client, upload(client, CLEAN).context["token"])
    assert (Project.objects.count(), Partner.objects.count()) == (3, 3)

    again = upload(client, CLEAN)
    preview = again.context["preview"]
    assert [row.already_registered for row in preview.rows] == [True, True, True]
    assert not preview.can_import
    assert text(again).count("既に登録済み（取り込みません）") == 3
    assert "取り込む事業はありません" in text(again)
    assert reverse("projects:import_confirm") not in text(again)
    # Even a confirmation sent without the button saves nothing.
    response = confirm(client, again.context["token"])
    assert "取り込む事業はありませんでした。登録済みの3件は取り込んでいません。" in text(
        client.get(response["Location"])
    )
    assert (Project.objects.count(), Partner.objects.count()) == (3, 3)


def test_it_imports_only_the_new_rows_of_a_longer_list(client, coordinator, city):
    client.force_login(coordinator)
    confirm(client, upload(client, CLEAN).context["token"])
    longer = xlsx(
        ["令和2年度", "海岸清掃", "環境政策課", "事業協力"],
        ["令和4年度", "海岸清掃", "環境政策課", "事業協力"],
        header=HEADER[:4],
    )
    preview = upload(client, longer)
    assert [r.already_registered for r in preview.context["preview"].rows] == [True, False]
    confirm(client, preview.context["token"])
    assert sorted(
        Project.objects.filter(title="海岸清掃").values_list("fiscal_year", flat=True)
    ) == [
        2020,
        2022,
    ]


def test_it_skips_a_row_registered_by_someone_else_between_preview_and_import(
    client, coordinator, city
):
    department, _ = city
    client.force_login(coordinator)
    preview = upload(
        client,
        xlsx(
            ["R2", "海岸清掃", "環境政策課", "共催"],
            ["R2", "花壇", "環境政策課", "共催"],
            header=HEADER[:4],
        ),
    )
    ProjectFactory(
        title="海岸清掃", fiscal_year=2020, department=department, implementation_form="kyosai"
    )
    confirm(client, preview.context["token"])
    assert Project.objects.filter(title="海岸清掃").count() == 1
    assert Project.objects.filter(title="花壇").count() == 1


def test_it_accepts_a_token_only_once(client, coordinator, city):
    client.force_login(coordinator)
    token = upload(client, CLEAN).context["token"]
    confirm(client, token)
    response = confirm(client, token)
    assert response["Location"] == reverse("projects:import")
    assert Project.objects.count() == 3


# --- what is accepted in the cells -----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("2019", 2019),
        ("２０１９", 2019),
        ("2019年度", 2019),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("令和2年度", 2020),
        ("令和２年度", 2020),
        ("R2", 2020),
        ("Ｒ２", 2020),
        ("r2", 2020),
        ("H30", 2018),
        ("平成元年度", 1989),
        ("令和7年度（2025年度）", 2025),
    ],
)
def test_it_reads_a_fiscal_year_written_in_many_ways(written, year):
    assert parse_nendo(written) == year


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "年度を入力してください"),
        ("来年", "年度を読み取れません"),
        ("平成32年度", "平成は31年度（2019年度）まで"),
        ("令和0年度", "令和元年度"),
        ("令和7年度（2024年度）", "令和7年度は2025年度です"),
    ],
)
def test_it_explains_a_fiscal_year_it_cannot_read(written, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_nendo(written)


def test_it_reads_wareki_and_full_width_values_in_a_list(client, coordinator, city):
    client.force_login(coordinator)
    content = xlsx(
        [
            "令和元年度",
            "海岸清掃",
            "環境政策課",
            "事業協力",
            "",
            "１２，０００円",
            "令和元年5月1日",
            "R2.3.31",
        ],
        [
            "Ｒ２",
            "花壇づくり",
            "環境政策課",
            "事業協力",
            "",
            "￥3,000",
            "２０２０／４／１",
            "令和３年３月３１日",
        ],
        ["平成30年度", "子ども食堂", "福祉政策課", " 補助 ", "", 80000.0, "H30.4.1", "2019-03-31"],
        ["２０２１年度", "講演会", " 福祉政策課 ", "後援", "", "", "", ""],
        [2022, "講演会", "福祉政策課", "後援", "", "", "", ""],
    )
    preview = upload(client, content).context["preview"]
    assert preview.can_import, [row.problems for row in preview.rows]
    got = [(r.fiscal_year, r.budget, r.start_date, r.end_date, r.form) for r in preview.rows]
    assert got == [
        (2019, 12000, date(2019, 5, 1), date(2020, 3, 31), "jigyo_kyoryoku"),
        (2020, 3000, date(2020, 4, 1), date(2021, 3, 31), "jigyo_kyoryoku"),
        (2018, 80000, date(2018, 4, 1), date(2019, 3, 31), "hojo"),
        (2021, None, None, None, "koen"),
        (2022, None, None, None, "koen"),
    ]


def test_it_explains_values_it_cannot_read(coordinator, city):
    sheet = imports.read_sheet(
        io.BytesIO(
            xlsx(
                ["2020", "a", "環境政策課", "共催", "", "12.5", "", ""],
                ["2020", "b", "環境政策課", "共催", "", -100, "", ""],
                ["2020", "c", "環境政策課", "共催", "", "", "昨日", 45000],
                ["1980", "d", "環境政策課", "共催", "", "", "", ""],
                [date(2020, 4, 1), "e", "環境政策課", "共催", "", "", "", ""],
                ["2020", "（記入例）海岸", "環境政策課", "共催", "", "", "", ""],
            )
        )
    )
    problems = [row.problems for row in imports.check_sheet(sheet).rows]
    assert problems[0] == ["事業費: 金額は円単位の整数で入力してください（小数は使えません）。"]
    assert problems[1] == ["事業費: 0円以上の金額を書いてください。"]
    assert problems[2][0].startswith("開始日: 日付を読み取れません。")
    assert problems[2][1].startswith("終了日: 日付を読み取れません。")
    assert problems[3] == ["年度: 平成元年度（1989年度）より前は登録できません。"]
    assert problems[4][0].startswith("年度: 日付ではなく年度を書いてください。")
    assert problems[5] == ["テンプレートの記入例の行です。消してから取り込んでください。"]


def test_it_matches_departments_forms_and_partners_however_wide_their_letters(coordinator, city):
    PartnerFactory(name="ＮＰＯ法人　海の会")
    sheet = imports.read_sheet(
        io.BytesIO(xlsx(["2020", "海岸", "環境政策課", "協働委託", "npo法人海の会；新しい会、、"]))
    )
    (row,) = imports.check_sheet(sheet).rows
    assert row.form == "itaku"
    assert [(p.name, p.is_new) for p in row.partners] == [
        ("npo法人海の会", False),
        ("新しい会", True),
    ]


def test_it_refuses_a_partner_name_it_cannot_tell_apart(coordinator, city):
    PartnerFactory(name="海の会")
    PartnerFactory(name="海の会")
    archived = PartnerFactory(name="山の会")
    archived.archived_at = archived.created_at
    archived.save()
    sheet = imports.read_sheet(
        io.BytesIO(xlsx(["2020", "海岸", "環境政策課", "共催", "海の会、山の会"]))
    )
    (row,) = imports.check_sheet(sheet).rows
    assert "名簿に2件あります" in row.problems[0]
    assert "アーカイブされた団体です" in row.problems[1]


def test_it_skips_blank_rows_silently(client, coordinator, city):
    workbook = Workbook()
    sheet = workbook.active
    # Row 1 is empty, so the header is row 2; rows 4 and 5 are blank, one with spaces only.
    for line, values in {
        2: HEADER[:4],
        3: ["R2", "海岸清掃", "環境政策課", "共催"],
        4: [None, "  ", None, ""],
        6: ["R2", "花壇", "環境政策課", "共催"],
    }.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(coordinator)
    response = upload(client, buffer.getvalue())
    preview = response.context["preview"]
    assert [(row.line, row.problems) for row in preview.rows] == [(3, []), (6, [])]
    assert preview.can_import
    assert "読み取った行: 2行" in text(response)


def test_it_finds_the_header_below_a_title_row(coordinator, city):
    content = xlsx(
        [],
        HEADER[:4],
        ["R2", "海岸清掃", "環境政策課", "共催"],
        header=["令和2年度 協働事業一覧（環境部）", None, None, "令和3年5月 作成"],
    )
    sheet = imports.read_sheet(io.BytesIO(content))
    assert sheet.rows == [
        (4, {"fiscal_year": "R2", "title": "海岸清掃", "department": "環境政策課", "form": "共催"})
    ]
    assert sheet.ignored_columns == []


def test_it_reads_an_exported_list_back_and_ignores_the_extra_columns(client, coordinator, city):
    client.force_login(coordinator)
    content = xlsx(
        [
            1,
            "令和2年度",
            "海岸清掃",
            "環境政策課",
            "環境部",
            "共催",
            "完了",
            "",
            "",
            "",
            5000,
            "目的",
            "",
            "",
        ],
        header=[
            "ID",
            "年度",
            "事業名",
            "所管課",
            "部局",
            "実施形態",
            "状態",
            "パートナー",
            "事業開始日",
            "事業終了日",
            "事業費（円）",
            "事業の目的",
            "前身の事業ID",
            "アーカイブ",
        ],
    )
    response = upload(client, content)
    assert response.context["preview"].can_import
    assert "読み飛ばします: ID、部局、状態、前身の事業ID、アーカイブ" in text(response)
    assert response.context["preview"].rows[0].budget == 5000


# --- files that are refused as a whole --------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["事業名", "所管課", "実施形態"], "年度"),
        (["年度", "事業"], "事業名、所管課、実施形態"),
        (["No.", "名称", "金額"], "年度、事業名、所管課、実施形態"),
    ],
)
def test_it_refuses_a_file_whose_columns_are_missing_and_names_them(
    client, coordinator, city, settings, header, missing
):
    client.force_login(coordinator)
    response = upload(client, xlsx(["x"] * len(header), header=header))
    assert response.status_code == 200
    assert response.context["refusals"] == [
        f"必要な列がありません: {missing}。"
        "最初の行に見出しとして列名を書いてください（テンプレートと同じ名前）。"
    ]
    assert 'role="alert"' in text(response)
    assert stored_files(settings) == []
    assert Project.objects.count() == 0


def test_it_refuses_a_column_given_twice(coordinator, city):
    content = xlsx(
        ["2020", "a", "環境政策課", "共催", 1, 2], header=[*HEADER[:4], "事業費", "事業費（円）"]
    )
    with pytest.raises(imports.ImportRefused, match="同じ列が2回以上あります: 事業費"):
        imports.read_sheet(io.BytesIO(content))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (xlsx(header=None), "シートが空です"),
        (xlsx(header=HEADER), "取り込む事業の行がありません"),
    ],
)
def test_it_refuses_a_sheet_without_projects(coordinator, content, message):
    with pytest.raises(imports.ImportRefused, match=message):
        imports.read_sheet(io.BytesIO(content))


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n...", "list.xlsx", "ファイル名（.xlsx）と中身（PDF）が合いません"),
        (
            "年度,事業名\n2020,海岸".encode(),
            "list.xlsx",
            "表計算のファイル（Excelの .xlsx）ではありません",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "list.xls", "古い形式のファイル"),
        (
            _zip({"hello.txt": b"hi"}),
            "list.xlsx",
            "表計算のファイル（Excelの .xlsx）ではありません",
        ),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"not xml"}),
            "list.xlsx",
            "表計算のファイルとして読めませんでした",
        ),
        (
            xlsx(["R2", "海岸清掃", "環境政策課", "共催"]),
            "list.pdf",
            "ファイル名（.pdf）と中身（Excel）が合いません",
        ),
        (b"", "list.xlsx", "空です"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_spreadsheet(
    client, coordinator, city, settings, content, name, message
):
    client.force_login(coordinator)
    file = SimpleUploadedFile(name, content, content_type=XLSX_TYPE)
    response = client.post(reverse("projects:import"), {"file": file})
    assert response.status_code == 200
    assert any(message in refusal for refusal in response.context["refusals"])
    assert 'role="alert"' in text(response)
    assert stored_files(settings) == []
    assert imports.SESSION_KEY not in client.session


def test_it_refuses_a_request_without_a_file(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("projects:import"))
    assert response.context["refusals"] == ["取り込むファイルを選んでください。"]


def test_it_refuses_more_rows_than_the_setting_allows(client, coordinator, city, settings):
    settings.KYODO_IMPORT_MAX_ROWS = 3
    client.force_login(coordinator)
    rows = [["R2", f"事業{n}", "環境政策課", "共催"] for n in range(4)]
    response = upload(client, xlsx(*rows, header=HEADER[:4]))
    assert response.context["refusals"] == [
        "データの行が多すぎます。一度に取り込めるのは3行までです。"
        "ファイルを分けて、順に取り込んでください。"
    ]
    assert stored_files(settings) == []
    # Blank rows do not count, and exactly the limit is fine.
    response = upload(client, xlsx(*rows[:3], [], [], header=HEADER[:4]))
    assert len(response.context["preview"].rows) == 3


def huge_workbook(rows: int) -> bytes:
    """A list of `rows` projects, made cheaply: openpyxl writes one row, repeated in the XML."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("協働事業")
    sheet.append(HEADER[:4])
    sheet.append(["R2", "海岸清掃", "環境政策課", "共催"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                start = xml.index('<row r="2"')
                end = xml.index("</row>", start) + len("</row>")
                # Rows without numbers are read as following one another.
                row = re.sub(r' r="[A-Z]*2"', "", xml[start:end])
                # Excel records the size of the sheet; openpyxl's write-only mode does not.
                dimension = f'<dimension ref="A1:D{rows + 1}" />'
                xml = xml[:start] + row * rows + xml[end:]
                data = xml.replace("<sheetViews>", dimension + "<sheetViews>", 1).encode()
            target.writestr(item, data)
    return out.getvalue()


def test_it_refuses_a_huge_file_without_reading_it_all(
    client, coordinator, city, settings, monkeypatch
):
    settings.KYODO_IMPORT_MAX_ROWS = 100
    content = huge_workbook(200_000)
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert sheet_xml.count(b"<row") == 200_001
    looked_at = []
    real = imports._is_blank
    monkeypatch.setattr(imports, "_is_blank", lambda values: looked_at.append(1) or real(values))
    client.force_login(coordinator)
    response = upload(client, content)
    assert "一度に取り込めるのは100行までです" in response.context["refusals"][0]
    # The header, then rows up to the first one past the limit: not the 200,000.
    assert len(looked_at) == 1 + 101


def test_it_refuses_a_file_that_would_expand_too_far(coordinator, monkeypatch):
    monkeypatch.setattr(imports, "MAX_EXPANDED_BYTES", 1000)
    with pytest.raises(imports.ImportRefused, match="中身が大きすぎて"):
        imports.read_sheet(io.BytesIO(xlsx(["R2", "海岸清掃", "環境政策課", "共催"])))


# --- who may import ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["import", "import_template"])
def test_it_lets_only_the_coordinator_and_admin_open_the_import_pages(client, personas, name):
    url = reverse(f"projects:{name}")
    expected = {"staff": 403, "staff2": 403, "partner": 403, "partner2": 403}
    expected |= {"coordinator": 200, "admin": 200}
    for role, user in personas.items():
        client.logout()
        if user is None:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            continue
        client.force_login(user)
        assert client.get(url).status_code == expected[role], role


def test_it_refuses_uploads_and_confirmations_from_others(client, personas, city):
    for role in ("staff", "partner"):
        client.force_login(personas[role])
        assert upload(client, CLEAN).status_code == 403
        assert confirm(client, "x" * 43).status_code == 403
    client.logout()
    assert confirm(client, "x" * 43)["Location"].startswith(reverse("login"))
    assert Project.objects.count() == 0


def test_it_answers_405_to_a_get_of_the_confirmation(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("projects:import_confirm")).status_code == 405


def test_it_links_the_import_page_from_the_list_only_for_those_allowed(client, staff, coordinator):
    link = reverse("projects:import")
    client.force_login(staff)
    assert link not in text(client.get(reverse("projects:list")))
    client.force_login(coordinator)
    assert link in text(client.get(reverse("projects:list")))


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "A" * 43,
        "../../../etc/passwd",
        "",
    ],
)
def test_it_refuses_a_forged_token(client, coordinator, city, token):
    client.force_login(coordinator)
    upload(client, CLEAN)
    response = confirm(client, token)
    assert response["Location"] == reverse("projects:import")
    assert "取り込むファイルが見つかりません" in text(client.get(response["Location"]))
    assert Project.objects.count() == 0


def test_it_refuses_the_token_of_another_user(client, coordinator, admin_user, city, settings):
    client.force_login(coordinator)
    token = upload(client, CLEAN).context["token"]
    other_coordinator = UserFactory(username="coordinator2", role="coordinator", department=city[0])
    for someone in (admin_user, other_coordinator):
        other_client = Client()
        other_client.force_login(someone)
        response = confirm(other_client, token)
        assert response["Location"] == reverse("projects:import")
        assert Project.objects.count() == 0
    # The owner's file is untouched, and its owner can still import it.
    assert len(stored_files(settings)) == 1
    assert confirm(client, token).status_code == 302
    assert Project.objects.count() == 3


def test_it_drops_files_of_previews_never_confirmed_after_a_day(
    client, coordinator, city, settings
):
    client.force_login(coordinator)
    old = upload(client, CLEAN).context["token"]
    path = settings.MEDIA_ROOT / "imports" / f"{old}.xlsx"
    day_ago = time.time() - imports.STALE_AFTER_SECONDS - 60
    os.utime(path, (day_ago, day_ago))
    upload(client, CLEAN)
    assert not path.exists()
    assert len(stored_files(settings)) == 1


# --- the template -----------------------------------------------------------------------


def test_it_offers_a_template_with_the_columns_and_an_example(client, coordinator, city):
    client.force_login(coordinator)
    response = client.get(reverse("projects:import_template"))
    assert response["Content-Type"] == XLSX_TYPE
    assert "kyodo-import-template.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["協働事業", "記入のしかた"]
    rows = list(workbook["協働事業"].iter_rows(values_only=True))
    assert list(rows[0]) == [c.name for c in imports.COLUMNS]
    assert len(rows) == 2
    assert rows[1][1].startswith("（記入例）")
    guide = [row[0] for row in workbook["記入のしかた"].iter_rows(values_only=True)]
    assert {"環境政策課", "福祉政策課"} <= set(guide)

    # Sent back unchanged, only the example row is in the way.
    preview = upload(client, response.content).context["preview"]
    assert preview.rows[0].problems == [
        "テンプレートの記入例の行です。消してから取り込んでください。"
    ]


def test_it_describes_the_columns_on_the_upload_page(client, coordinator):
    client.force_login(coordinator)
    page = text(client.get(reverse("projects:import")))
    for column in imports.COLUMNS:
        assert f">{column.name}" in page
    assert reverse("projects:import_template") in page
    assert '<th scope="col">列名</th>' in page


def test_it_uses_departments_that_are_no_longer_active_for_past_projects(coordinator, city):
    old = DepartmentFactory(name="旧・市民活動課", is_active=False)
    sheet = imports.read_sheet(io.BytesIO(xlsx(["H28", "旧い事業", "旧・市民活動課", "後援"])))
    (row,) = imports.check_sheet(sheet).rows
    assert row.department == old and not row.problems


def test_it_refuses_a_business_as_designated_manager_in_the_preview(coordinator, city):
    PartnerFactory(name="株式会社 施設サービス", kind="business")
    sheet = imports.read_sheet(
        io.BytesIO(
            xlsx(["2020", "集会所の管理", "環境政策課", "指定管理者", "株式会社 施設サービス"])
        )
    )
    (row,) = imports.check_sheet(sheet).rows
    assert any("指定管理者のパートナーにできるのは" in p for p in row.problems)
