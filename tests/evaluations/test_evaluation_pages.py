"""The evaluation pages as a user meets them: typing, mistakes, conflicts, the public
questionnaire, and the cross-project report at the scale of a whole 年度."""

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations import services
from evaluations.models import (
    ITEM_KEYS,
    BeneficiarySurvey,
    ProcessEvaluation,
    ResultEvaluation,
    SurveyAnswer,
)
from projects.models import ImplementationForm, Project, Status

pytestmark = pytest.mark.django_db

CONFLICT = "ほかの人がこの記録を更新しました"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The survey's flood limit counts in the cache: every test starts from nothing."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def evaluating(project):
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING)
    project.refresh_from_db()
    return project


def ratings(value: int | str = 4, **overrides) -> dict:
    data = {f"{key}_rating": str(value) for key in ITEM_KEYS}
    data.update({f"{key}_comment": "" for key in ITEM_KEYS})
    data.update(overrides)
    return data


def checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{value}"\s+id="[^"]+" checked', html) is not None


# Typing and mistakes ---------------------------------------------------------------------


def test_it_accepts_full_width_numbers_in_the_results(client, staff, evaluating):
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:results", args=[evaluating.pk]),
        {
            "achieved": "海岸清掃を続けられた",
            "participants": "２４０",
            "events": "１，２００",
            "version": "",
        },
    )
    assert response.status_code == 302
    result = ResultEvaluation.objects.get(project=evaluating)
    assert (result.participants, result.events) == (240, 1200)
    page = client.get(reverse("evaluations:overview", args=[evaluating.pk])).content.decode()
    assert "240人" in page and "1,200回" in page


def test_it_keeps_what_was_typed_when_a_figure_is_not_a_number(client, staff, evaluating):
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:results", args=[evaluating.pk]),
        {"achieved": "書きかけの成果", "participants": "たくさん", "version": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "書きかけの成果" in page and 'value="たくさん"' in page
    assert not ResultEvaluation.objects.exists()


def test_it_marks_the_unrated_item_and_keeps_the_comments_on_a_refused_submit(
    client, staff, evaluating
):
    client.force_login(staff)
    data = ratings(2, synergy_rating="", purpose_comment="目的は最初の会議でそろえた")
    data["roles_comment"] = "清掃道具の管理は団体が担った"
    response = client.post(
        reverse("evaluations:city", args=[evaluating.pk]),
        {**data, "version": "", "submit": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "「相乗効果」の評価を選んでください。" in page
    assert "「目的の共有」の評価を選んでください。" not in page
    assert "目的は最初の会議でそろえた" in page and "清掃道具の管理は団体が担った" in page
    assert checked(page, "purpose_rating", "2") and checked(page, "roles_rating", "2")
    assert not any(checked(page, "synergy_rating", v) for v in "1234")
    assert not ProcessEvaluation.objects.exists()


def test_it_explains_a_stale_save_of_the_results_and_keeps_the_input(
    client, staff, admin_user, evaluating
):
    first = services.result_evaluation_save(
        project=evaluating, by=staff, expected_version=None, data={"achieved": "最初の記録"}
    )
    stale_version = first.version
    services.result_evaluation_save(
        project=evaluating,
        by=admin_user,
        expected_version=stale_version,
        data={"achieved": "管理者が先に直した"},
    )
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:results", args=[evaluating.pk]),
        {"achieved": "私が直した内容", "version": str(stale_version)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page
    assert "私が直した内容" in page and "管理者が先に直した" in page
    assert ResultEvaluation.objects.get(project=evaluating).achieved == "管理者が先に直した"


def test_it_explains_a_stale_save_of_a_draft_evaluation(client, staff, admin_user, evaluating):
    draft = services.process_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={"purpose_rating": 3},
        submit=False,
    )
    services.process_evaluation_save(
        project=evaluating,
        by=admin_user,
        expected_version=draft.version,
        data={"purpose_rating": 1},
        submit=False,
    )
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:city", args=[evaluating.pk]),
        {**ratings(4, purpose_comment="古い画面から"), "version": str(draft.version), "save": "1"},
    )
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert "古い画面から" in response.content.decode()
    assert ProcessEvaluation.objects.get(project=evaluating).purpose_rating == 1


SURVEY_FORM = {
    "is_open": "on",
    "paper_respondents": "3",
    "paper_done": "3",
    "paper_mostly": "0",
    "paper_hardly": "0",
    "paper_not_done": "0",
    "paper_note": "",
}


@pytest.mark.parametrize(
    ("name", "create", "typed", "stored"),
    [
        (
            "results",
            lambda p, by: services.result_evaluation_save(
                project=p, by=by, expected_version=None, data={"achieved": "先に作られた"}
            ),
            {"achieved": "あとから書いた成果"},
            lambda p: ResultEvaluation.objects.get(project=p).achieved,
        ),
        (
            "city",
            lambda p, by: services.process_evaluation_save(
                project=p, by=by, expected_version=None, data={"purpose_rating": 1}, submit=False
            ),
            {**ratings(3, purpose_comment="あとから書いた評価"), "save": "1"},
            lambda p: ProcessEvaluation.objects.get(project=p).purpose_comment,
        ),
        (
            "survey",
            lambda p, by: services.survey_save(
                project=p, by=by, expected_version=None, data={"paper_note": "先に作られた"}
            ),
            {**SURVEY_FORM, "paper_note": "あとから書いた意見"},
            lambda p: BeneficiarySurvey.objects.get(project=p).paper_note,
        ),
    ],
    ids=["results", "city", "survey"],
)
def test_it_explains_that_someone_created_the_record_while_the_blank_page_was_open(
    client, staff, admin_user, evaluating, name, create, typed, stored
):
    url = reverse(f"evaluations:{name}", args=[evaluating.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 200  # the blank page: no version yet
    create(evaluating, admin_user)

    response = client.post(url, {**typed, "version": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page
    assert "あとから書いた" in page
    assert stored(evaluating) in ("先に作られた", "")
    # Saving again, knowingly, now goes through with the version the page took over.
    again = response.context["form"].data.copy()
    assert again["version"] == "1"
    assert client.post(url, again).status_code == 302
    assert stored(evaluating).startswith("あとから書いた")


# The public questionnaire ----------------------------------------------------------------


@pytest.fixture
def open_survey(evaluating):
    return BeneficiarySurvey.objects.create(project=evaluating, is_open=True)


def survey_url(survey) -> str:
    return reverse("survey", args=[survey.token])


def test_it_shows_the_questionnaire_without_a_login(client, open_survey, evaluating):
    response = client.get(survey_url(open_survey))
    assert response.status_code == 200
    assert evaluating.title in response.content.decode()


def test_it_keeps_markup_in_an_answer_as_text_and_never_renders_it(
    client, staff, coordinator, open_survey, evaluating
):
    markup = "<script>alert('x')</script><b>とても</b>"
    response = client.post(survey_url(open_survey), {"satisfaction": "4", "comment": markup})
    assert "ご回答ありがとうございました" in response.content.decode()
    assert SurveyAnswer.objects.get(survey=open_survey).comment == markup

    for user, names in ((staff, ("overview", "survey")), (coordinator, ("overview",))):
        client.force_login(user)
        for name in names:
            response = client.get(reverse(f"evaluations:{name}", args=[evaluating.pk]))
            assert response.status_code == 200
            page = response.content.decode()
            assert "<script>alert" not in page and "<b>とても</b>" not in page, name


def test_it_shows_markup_in_the_paper_note_escaped_on_the_overview(client, staff, evaluating):
    services.survey_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={"paper_respondents": 2, "paper_done": 2, "paper_note": "<i>声</i>が多かった"},
    )
    client.force_login(staff)
    page = client.get(reverse("evaluations:overview", args=[evaluating.pk])).content.decode()
    assert "&lt;i&gt;声&lt;/i&gt;が多かった" in page
    assert "<i>声</i>" not in page


def test_it_shows_markup_in_a_process_comment_escaped(client, staff, evaluating):
    services.process_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={f"{key}_rating": 4 for key in ITEM_KEYS} | {"purpose_comment": "<u>下線</u>"},
        submit=True,
    )
    client.force_login(staff)
    page = client.get(reverse("evaluations:overview", args=[evaluating.pk])).content.decode()
    assert "&lt;u&gt;下線&lt;/u&gt;" in page and "<u>下線</u>" not in page


def test_it_thanks_a_second_answer_in_the_same_visit_without_saving_it(client, open_survey):
    url = survey_url(open_survey)
    assert client.post(url, {"satisfaction": "4", "comment": "一回目"}).status_code == 200
    again = client.post(url, {"satisfaction": "1", "comment": "二回目"})
    assert again.status_code == 200
    assert "ご回答ありがとうございました" in again.content.decode()
    assert list(SurveyAnswer.objects.values_list("comment", flat=True)) == ["一回目"]
    assert "ご回答ありがとうございました" in client.get(url).content.decode()


def test_it_refuses_an_answer_without_a_choice_and_keeps_the_comment(client, open_survey):
    response = client.post(survey_url(open_survey), {"comment": "<b>選び忘れ</b>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "どれか1つを選んでください。" in page
    assert "&lt;b&gt;選び忘れ&lt;/b&gt;" in page and "<b>選び忘れ</b>" not in page
    assert not SurveyAnswer.objects.exists()


def test_it_limits_a_flood_of_answers_from_one_address(settings, open_survey):
    settings.KYODO_BEHIND_PROXY = False
    settings.KYODO_SURVEY_MAX_ANSWERS = 3
    settings.KYODO_SURVEY_WINDOW_SECONDS = 60
    url = survey_url(open_survey)
    for n in range(3):
        # A new browser each time: the session's one-answer rule does not stop it.
        response = Client().post(url, {"satisfaction": "3", "comment": f"回答{n}"})
        assert response.status_code == 200 and "ありがとうございました" in response.content.decode()

    flooded = Client().post(url, {"satisfaction": "1", "comment": "四回目"})
    assert flooded.status_code == 429
    assert "時間をおいてお試しください" in flooded.content.decode()
    assert SurveyAnswer.objects.count() == 3
    # Reading is not limited, and another address may still answer.
    assert Client().get(url).status_code == 200
    other = Client(REMOTE_ADDR="192.0.2.10").post(url, {"satisfaction": "4", "comment": "別"})
    assert other.status_code == 200
    assert SurveyAnswer.objects.count() == 4


def test_it_counts_the_address_the_proxy_saw_not_what_the_client_claims(settings, open_survey):
    settings.KYODO_BEHIND_PROXY = True
    settings.KYODO_SURVEY_MAX_ANSWERS = 2
    url = survey_url(open_survey)
    for n in range(2):
        spoofed = Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7")
        assert spoofed.post(url, {"satisfaction": "3"}).status_code == 200
    # A made-up address in front of the proxy's does not reset the count.
    third = Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert third.post(url, {"satisfaction": "3"}).status_code == 429
    other = Client(HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.post(url, {"satisfaction": "3"}).status_code == 200
    assert SurveyAnswer.objects.count() == 3


def test_it_counts_the_flood_limit_per_survey(settings, open_survey, other_project):
    settings.KYODO_SURVEY_MAX_ANSWERS = 1
    Project.objects.filter(pk=other_project.pk).update(status=Status.EVALUATING)
    second = BeneficiarySurvey.objects.create(project=other_project, is_open=True)
    assert Client().post(survey_url(open_survey), {"satisfaction": "3"}).status_code == 200
    assert Client().post(survey_url(open_survey), {"satisfaction": "3"}).status_code == 429
    assert Client().post(survey_url(second), {"satisfaction": "3"}).status_code == 200


def test_it_answers_404_for_a_wrong_token(client, open_survey):
    assert client.get(reverse("survey", args=["not-the-token"])).status_code == 404
    wrong = client.post(reverse("survey", args=[open_survey.token + "x"]), {"satisfaction": "4"})
    assert wrong.status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_it_answers_410_for_a_closed_survey(client, evaluating):
    closed = BeneficiarySurvey.objects.create(project=evaluating, is_open=False)
    assert client.get(survey_url(closed)).status_code == 410
    response = client.post(survey_url(closed), {"satisfaction": "4", "comment": "遅れて"})
    assert response.status_code == 410
    assert "受け付けていません" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


# The report across a whole 年度 -----------------------------------------------------------

YEAR = 2025


def make_year(department, partner, by, count: int) -> None:
    """count projects of YEAR, cheaply, each with a submitted evaluation from both sides.

    Forms go round the seven; the city rates everything 4 except 相乗効果 (3), the partner
    everything 3 except 目的の共有 (2).
    """
    forms = ImplementationForm.values
    projects = Project.objects.bulk_create(
        Project(
            title=f"一括事業{n}",
            fiscal_year=YEAR,
            department=department,
            implementation_form=forms[n % len(forms)],
            purpose="目的",
            status=Status.COMPLETED,
        )
        for n in range(count)
    )
    now = timezone.now()
    city = {f"{key}_rating": 4 for key in ITEM_KEYS} | {"synergy_rating": 3}
    theirs = {f"{key}_rating": 3 for key in ITEM_KEYS} | {"purpose_rating": 2}
    rows = []
    for project in projects:
        rows.append(
            ProcessEvaluation(project=project, side="city", entered_by=by, submitted_at=now, **city)
        )
        rows.append(
            ProcessEvaluation(
                project=project,
                side="partner",
                partner=partner,
                entered_by=by,
                submitted_at=now,
                **theirs,
            )
        )
    ProcessEvaluation.objects.bulk_create(rows, batch_size=500)


def queries_for(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


REPORT_MAX_QUERIES = 7


@pytest.mark.parametrize("name", ["evaluation_report:index", "evaluation_report:export"])
def test_it_reports_a_year_in_the_same_few_queries_for_10_or_1000_projects(
    client, coordinator, department, partner_org, name, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url, params = reverse(name), {"year": YEAR}
    make_year(department, partner_org, coordinator, 10)
    with django_assert_max_num_queries(REPORT_MAX_QUERIES):
        small = client.get(url, params)
    assert small.status_code == 200
    at_10 = queries_for(client, url, params)

    make_year(department, partner_org, coordinator, 990)
    with django_assert_max_num_queries(REPORT_MAX_QUERIES):
        large = client.get(url, params)
    assert large.status_code == 200
    assert queries_for(client, url, params) == at_10
    if name == "evaluation_report:index":
        assert "提出済みの評価 2000件" in large.content.decode()


def test_it_exports_both_tables_with_the_right_numbers(client, coordinator, department, staff):
    from tests.factories import PartnerFactory

    partner = PartnerFactory(name="一括の団体")
    make_year(department, partner, staff, 1000)
    # Not counted: a draft, another year, an archived project.
    extra = Project.objects.bulk_create(
        [
            Project(
                title="下書き",
                fiscal_year=YEAR,
                department=department,
                purpose="目的",
                implementation_form="itaku",
            ),
            Project(
                title="前年度",
                fiscal_year=YEAR - 1,
                department=department,
                purpose="目的",
                implementation_form="itaku",
            ),
            Project(
                title="アーカイブ",
                fiscal_year=YEAR,
                department=department,
                purpose="目的",
                implementation_form="itaku",
                archived_at=timezone.now(),
            ),
        ]
    )
    all_one = {f"{key}_rating": 1 for key in ITEM_KEYS}
    ProcessEvaluation.objects.bulk_create(
        [
            ProcessEvaluation(project=extra[0], side="city", entered_by=staff, **all_one),
            ProcessEvaluation(
                project=extra[1],
                side="city",
                entered_by=staff,
                submitted_at=timezone.now(),
                **all_one,
            ),
            ProcessEvaluation(
                project=extra[2],
                side="city",
                entered_by=staff,
                submitted_at=timezone.now(),
                **all_one,
            ),
        ]
    )
    client.force_login(coordinator)

    response = client.get(reverse("evaluation_report:export"), {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"process-evaluations-{YEAR}.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["項目別の分布", "実施形態別の平均"]

    items = list(book["項目別の分布"].iter_rows(values_only=True))
    assert "提出済み 2000件" in items[0][0]
    assert items[1] == (
        "評価する側",
        "項目",
        "できた",
        "おおむねできた",
        "あまりできなかった",
        "できなかった",
        "件数",
        "平均",
    )
    rows = {(side, item): rest for side, item, *rest in items[2:]}
    assert len(rows) == 12
    assert rows[("市（所管課）", "目的の共有")] == [1000, 0, 0, 0, 1000, 4]
    assert rows[("市（所管課）", "相乗効果")] == [0, 1000, 0, 0, 1000, 3]
    assert rows[("パートナー", "目的の共有")] == [0, 0, 1000, 0, 1000, 2]
    assert rows[("パートナー", "役割分担")] == [0, 1000, 0, 0, 1000, 3]

    forms = list(book["実施形態別の平均"].iter_rows(values_only=True))
    assert forms[0] == (
        "実施形態",
        "評価の件数",
        "目的の共有",
        "役割分担",
        "相互理解",
        "自主性・自立性",
        "透明性・公開性",
        "相乗効果",
    )
    by_form = {label: (n, averages) for label, n, *averages in forms[1:]}
    assert list(by_form) == ImplementationForm.labels
    # 1,000 projects round the seven forms: 143 each for the first six, 142 for 後援.
    assert by_form["委託"][0] == 2 * 143 and by_form["後援"][0] == 2 * 142
    assert sum(n for n, _averages in by_form.values()) == 2000
    for _n, averages in by_form.values():
        assert averages == [3, 3.5, 3.5, 3.5, 3.5, 3], averages
