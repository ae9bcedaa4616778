"""The step pages (対象確認, パートナー選定, 公開), the step bar, the form guide and comments."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from projects.models import (
    Eligibility,
    ImplementationForm,
    JigyoKyoryokuDetail,
    Project,
    Status,
)
from projects.services.project import comment_add
from projects.services.workflow import project_submit
from tests.factories import ProjectFactory, ProjectPartnerFactory

PLAN = {
    "content": "海岸の清掃と啓発",
    "beneficiaries": "海岸を使う市民",
    "expected_effect": "ごみの量を3割減らす",
    "start_date": date(2025, 4, 1),
    "end_date": date(2026, 3, 31),
    "budget": 300_000,
}

ANSWERS = {
    "widens_service": "True",
    "widens_service_reason": "地域の団体が加わると参加者が増える",
    "touches_lives": "True",
    "touches_lives_reason": "毎日使う海岸のこと",
    "expertise": "海岸清掃の長年の経験",
    "cost_only": "False",
    "cost_only_reason": "費用を減らすためではない",
}
COST_ONLY = {**ANSWERS, "cost_only": "True", "cost_only_reason": "委託料を下げたい"}
DISCLOSURE_REASON_ERROR = "公開しない部分と、その理由を書いてください。"


def step_url(project: Project, name: str) -> str:
    view = "selection:overview" if name == "selection" else f"projects:{name}"
    return reverse(view, args=[project.pk])


def detail_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def step_bar(html: str) -> dict[str, str]:
    """The step bar as {step name: its mark}."""
    bar = html[html.index('class="step-bar') : html.index("</nav>", html.index('class="step-bar'))]
    return dict(
        re.findall(
            r'<span class="step-name">(.*?)</span>\s*<span class="step-mark">(.*?)</span>', bar
        )
    )


def fill_plan(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(**PLAN)
    project.refresh_from_db()
    return project


# --- The step pages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "section", "heading"),
    [
        ("eligibility", "第2-1", "対象確認"),
        ("selection", "第2-2", "パートナー選定"),
        ("disclosure", "原則4", "公開の判断"),
    ],
)
def test_it_shows_each_step_page_beside_its_help_panel(
    client, staff, project, name, section, heading
):
    client.force_login(staff)
    response = client.get(step_url(project, name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"この段階で考えること（ガイドライン{section}）" in html
    assert heading in html
    assert "保存する</button>" in html


@pytest.mark.parametrize("name", ["eligibility", "disclosure"])
def test_it_shows_the_partner_the_step_page_without_a_form(client, partner_user, project, name):
    client.force_login(partner_user)
    response = client.get(step_url(project, name))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "保存する</button>" not in response.content.decode()


@pytest.mark.parametrize("name", ["eligibility", "selection", "disclosure"])
def test_it_hides_the_step_pages_from_another_projects_partner(
    client, partner2_user, project, name
):
    client.force_login(partner2_user)
    assert client.get(step_url(project, name)).status_code == 404
    assert client.post(step_url(project, name), ANSWERS).status_code == 404


@pytest.mark.parametrize("name", ["eligibility", "selection", "disclosure"])
def test_it_refuses_other_departments_a_save_on_the_step_pages(client, staff2, project, name):
    client.force_login(staff2)
    assert client.post(step_url(project, name), ANSWERS).status_code == 403
    assert not Eligibility.objects.filter(project=project).exists()


def test_it_saves_kyodo_answers_without_a_version_for_a_new_record(client, staff, project):
    client.force_login(staff)
    response = client.post(step_url(project, "eligibility"), ANSWERS)
    assert response.status_code == 302
    assert response.url == detail_url(project)
    answers = Eligibility.objects.get(project=project)
    assert answers.is_kyodo
    assert answers.history.get().history_user == staff

    page = client.get(step_url(project, "eligibility")).content.decode()
    assert "協働の対象にあたります。" in page
    assert step_bar(page)["対象確認"] == "済み"


def test_it_revises_existing_answers_with_their_version(client, staff, project):
    client.force_login(staff)
    client.post(step_url(project, "eligibility"), ANSWERS)
    response = client.post(
        step_url(project, "eligibility"),
        {**ANSWERS, "expertise": "子育て世帯とのつながり", "version": "1"},
    )
    assert response.status_code == 302
    assert Eligibility.objects.get(project=project).expertise == "子育て世帯とのつながり"


def test_it_says_cost_only_answers_are_not_kyodo_and_points_to_an_ordinary_contract(
    client, staff, project
):
    client.force_login(staff)
    assert client.post(step_url(project, "eligibility"), COST_ONLY).status_code == 302

    html = client.get(step_url(project, "eligibility")).content.decode()
    assert "協働の対象にはあたりません" in html
    assert "業務請負型の委託" in html
    assert step_bar(html)["対象確認"] == "未了"


def test_it_refuses_to_submit_after_cost_only_answers_naming_the_eligibility_step(
    client, staff, project
):
    fill_plan(project)
    client.force_login(staff)
    client.post(step_url(project, "eligibility"), COST_ONLY)

    response = client.post(reverse("projects:transition", args=[project.pk, "submit"]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "審査に出す前に、次の段階を終えてください: 対象確認" in html
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_it_says_answers_neither_widening_nor_touching_lives_are_not_kyodo(client, staff, project):
    fill_plan(project)
    client.force_login(staff)
    client.post(
        step_url(project, "eligibility"),
        {**ANSWERS, "widens_service": "False", "touches_lives": "False"},
    )
    assert (
        "協働の対象にはあたりません"
        in client.get(step_url(project, "eligibility")).content.decode()
    )
    response = client.post(reverse("projects:transition", args=[project.pk, "submit"]))
    assert response.status_code == 400
    assert "対象確認" in response.context["transition_form"].non_field_errors()[0]


def test_it_refuses_partial_disclosure_without_a_reason(client, staff, project):
    client.force_login(staff)
    response = client.post(
        step_url(project, "disclosure"), {"disclosure": "partial", "version": project.version}
    )
    assert response.status_code == 200
    assert DISCLOSURE_REASON_ERROR in response.context["form"].errors["disclosure_reason"]
    assert escape(DISCLOSURE_REASON_ERROR) in response.content.decode()
    project.refresh_from_db()
    assert project.disclosure == ""


def test_it_records_the_disclosure_decision_with_the_projects_version(client, staff, project):
    client.force_login(staff)
    response = client.post(
        step_url(project, "disclosure"),
        {
            "disclosure": "partial",
            "disclosure_reason": "参加者の名簿は個人情報のため",
            "version": project.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.disclosure, project.disclosure_reason) == (
        "partial",
        "参加者の名簿は個人情報のため",
    )
    assert project.version == 2


def test_it_keeps_the_typed_disclosure_when_someone_saved_first(client, staff, project):
    client.force_login(staff)
    stale = project.version
    Project.objects.filter(pk=project.pk).update(version=stale + 1)
    response = client.post(
        step_url(project, "disclosure"),
        {"disclosure": "private", "disclosure_reason": "契約上の秘密", "version": stale},
    )
    assert response.status_code == 200
    assert "ほかの人がこの記録を更新しました" in response.content.decode()
    project.refresh_from_db()
    assert project.disclosure == ""


@pytest.mark.parametrize(
    ("saved", "typed"),
    [
        ({"disclosure": "", "version": 2}, {"disclosure": "public", "version": 1}),
        ({"disclosure": "public", "version": 1}, {"disclosure": "partial", "version": 1}),
    ],
    ids=["conflict", "invalid"],
)
def test_it_shows_the_saved_disclosure_in_the_step_bar_when_a_save_is_refused(
    client, staff, project, saved, typed
):
    Project.objects.filter(pk=project.pk).update(**saved)
    before = "済み" if saved["disclosure"] else "未了"
    client.force_login(staff)
    response = client.post(step_url(project, "disclosure"), typed)
    assert response.status_code == 200
    assert step_bar(response.content.decode())["公開"] == before


@pytest.mark.parametrize("name", ["eligibility", "selection", "disclosure"])
def test_it_refuses_other_methods_on_the_step_pages(client, staff, project, name):
    client.force_login(staff)
    assert client.put(step_url(project, name)).status_code == 405


@pytest.mark.parametrize("name", ["eligibility", "selection", "disclosure"])
def test_it_sends_anonymous_visitors_of_a_step_page_to_log_in(client, project, name):
    response = client.get(step_url(project, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- The step bar on the project page ----------------------------------------------------


@pytest.mark.parametrize(
    ("form", "not_needed"),
    [
        ("hojo", {"パートナー選定", "合意形成"}),
        ("koen", {"パートナー選定", "合意形成", "実施・協議"}),
        ("jigyo_kyoryoku", set()),
    ],
)
def test_it_marks_the_steps_a_form_does_not_need(client, staff, department, form, not_needed):
    project = ProjectFactory(implementation_form=form, department=department)
    client.force_login(staff)
    bar = step_bar(client.get(detail_url(project)).content.decode())
    assert len(bar) == 7
    assert {name for name, mark in bar.items() if mark == "この形態では不要"} == not_needed


def test_it_marks_optional_steps_of_an_endorsement(client, staff, department):
    project = ProjectFactory(implementation_form="koen", department=department)
    client.force_login(staff)
    bar = step_bar(client.get(detail_url(project)).content.decode())
    assert bar["評価"] == "任意・未了"
    assert bar["公開"] == "未了"


def test_it_lists_what_is_missing_before_submission_on_the_project_page(client, staff, project):
    client.force_login(staff)
    html = client.get(detail_url(project)).content.decode()
    assert "審査に出す前に、次の段階を終えてください" in html
    assert "事業の内容" in html
    assert "対象確認の回答" in html


def test_it_hides_the_step_bar_from_partners(client, partner_user, project):
    client.force_login(partner_user)
    assert 'class="step-bar' not in client.get(detail_url(project)).content.decode()


# --- Choosing the form -------------------------------------------------------------------


def test_it_suggests_a_subsidy_from_the_guides_answers(client, staff):
    client.force_login(staff)
    response = client.get(
        reverse("projects:choose_form"),
        {"facility": "no", "money": "grant", "organiser": "partner", "duration": "ongoing"},
    )
    assert response.status_code == 200
    assert response.context["suggestion"][0] == ImplementationForm.HOJO
    html = response.content.decode()
    assert "おすすめ: 補助" in html
    assert "パートナー自身の公益的な事業を市がお金で支えるので補助です。" in html
    assert re.search(r'<input[^>]*value="hojo"[^>]*checked', html)


def test_it_suggests_nothing_until_the_guide_is_answered(client, staff):
    client.force_login(staff)
    response = client.get(reverse("projects:choose_form"))
    assert response.context["suggestion"] is None
    assert "おすすめ:" not in response.content.decode()


def test_it_says_which_steps_a_change_of_form_adds_and_keeps_the_entered_details(
    client, staff, department
):
    project = ProjectFactory(implementation_form="koen", department=department)
    # Entered while the project was a 事業協力, kept when it became a 後援.
    JigyoKyoryokuDetail.objects.create(
        project=project, is_adopt_program=True, adopt_place_kind="park", adopt_place="中央公園"
    )
    client.force_login(staff)
    response = client.get(
        reverse("projects:detail_fields"),
        {"implementation_form": "jigyo_kyoryoku", "project": project.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "事業協力に変えると、次の段階も必要になります: "
        "パートナー選定、合意形成、実施・協議、評価。" in html
    )
    assert "これまでに入力した内容は消えません。" in html
    assert re.search(r'<input[^>]*name="detail-adopt_place"[^>]*value="中央公園"', html)
    assert response.context["detail_form"].initial["adopt_place_kind"] == "park"


def test_it_adds_no_steps_when_the_new_form_needs_fewer(client, staff, project):
    client.force_login(staff)
    response = client.get(
        reverse("projects:detail_fields"), {"implementation_form": "koen", "project": project.pk}
    )
    assert response.status_code == 200
    assert response.context["extra_steps"] == []
    assert "次の段階も必要になります" not in response.content.decode()


# --- Comments and who sees them ----------------------------------------------------------


def test_it_shows_the_partner_only_shared_comments(
    client, staff, coordinator, partner_user, project
):
    client.force_login(coordinator)
    client.post(
        reverse("projects:comment", args=[project.pk]),
        {"body": "説明会の日程をパートナーにも共有します", "shared_with_partner": "on"},
    )
    client.post(reverse("projects:comment", args=[project.pk]), {"body": "予算の内部メモ"})

    client.force_login(partner_user)
    html = client.get(detail_url(project)).content.decode()
    assert "説明会の日程をパートナーにも共有します" in html
    assert "予算の内部メモ" not in html

    client.force_login(staff)
    html = client.get(detail_url(project)).content.decode()
    assert "説明会の日程をパートナーにも共有します" in html
    assert "予算の内部メモ" in html


def test_it_keeps_transition_comments_from_partners(client, staff, partner_user, project):
    fill_plan(project)
    Eligibility.objects.create(
        project=project,
        **{k: v == "True" if v in ("True", "False") else v for k, v in ANSWERS.items()},
    )
    project_submit(project=project, by=staff, comment="審査担当だけに伝えたいこと")
    comment_add(project=project, by=staff, body="パートナーへの連絡", shared_with_partner=True)

    client.force_login(partner_user)
    html = client.get(detail_url(project)).content.decode()
    assert "パートナーへの連絡" in html
    assert "審査担当だけに伝えたいこと" not in html
    assert "「下書き」から「審査中」へ" not in html

    client.force_login(staff)
    html = client.get(detail_url(project)).content.decode()
    assert "審査担当だけに伝えたいこと" in html
    assert "「下書き」から「審査中」へ" in html


def test_it_shows_a_shared_comment_only_to_the_projects_own_partner(
    client, staff, partner2_user, project, other_project, other_partner_org
):
    comment_add(project=project, by=staff, body="この事業だけの連絡", shared_with_partner=True)
    client.force_login(partner2_user)
    assert client.get(detail_url(project)).status_code == 404
    assert "この事業だけの連絡" not in client.get(detail_url(other_project)).content.decode()
    # Once partner2's organisation joins the project, the shared comment reaches it too.
    ProjectPartnerFactory(project=project, partner=other_partner_org)
    assert "この事業だけの連絡" in client.get(detail_url(project)).content.decode()
