"""The review workflow: services first, then the transition URL under concurrency and tampering."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kyodo.models import User
from kyodo.services import DomainError
from projects.models import (
    Agreement,
    AgreementVersion,
    Eligibility,
    HojoDetail,
    Project,
    Status,
    StatusChange,
)
from projects.services.workflow import (
    TRANSITIONS,
    available_transitions,
    project_approve,
    project_begin_evaluation,
    project_complete,
    project_return,
    project_start,
    project_submit,
)
from selection.models import Selection
from tests.factories import ProjectFactory, UserFactory

BASE_URL = "https://kyodo.example.jp"
STALE = "ほかの人が先に操作した可能性があります"

PLAN = {
    "content": "海岸の清掃と啓発",
    "beneficiaries": "海岸を使う市民",
    "expected_effect": "ごみの量を3割減らす",
    "start_date": date(2025, 4, 1),
    "end_date": date(2026, 3, 31),
    "budget": 300_000,
}

KYODO_ANSWERS = {
    "widens_service": True,
    "widens_service_reason": "地域の団体が加わると参加者が増える",
    "touches_lives": True,
    "touches_lives_reason": "毎日使う海岸のこと",
    "expertise": "海岸清掃の長年の経験",
    "cost_only": False,
    "cost_only_reason": "費用を減らすためではない",
}


def fill_plan(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(**PLAN)
    project.refresh_from_db()
    return project


def set_status(project: Project, status: str) -> Project:
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def transition_url(project: Project, name: str) -> str:
    return reverse("projects:transition", args=[project.pk, name])


def changes(project: Project) -> list[tuple]:
    return list(
        StatusChange.objects.filter(project=project).values_list(
            "from_status", "to_status", "by", "comment"
        )
    )


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.KYODO_BASE_URL = BASE_URL


@pytest.fixture
def ready(project):
    """The staff's 事業協力 draft with 企画 and 対象確認 done: it may be submitted."""
    fill_plan(project)
    Eligibility.objects.create(project=project, **KYODO_ANSWERS)
    return project


@pytest.fixture
def submitted(ready, staff):
    project_submit(project=ready, by=staff)
    ready.refresh_from_db()
    return ready


@pytest.fixture
def coordinator2(coordinator):
    return UserFactory(
        username="coordinator2", role=User.Role.COORDINATOR, department=coordinator.department
    )


@pytest.fixture
def with_emails(staff, staff2, coordinator, coordinator2):
    """Everyone who could be told, with an address; a colleague of staff too."""
    for user in (staff, staff2, coordinator, coordinator2):
        user.email = f"{user.username}@city.example.jp"
        user.save()
    colleague = UserFactory(
        username="colleague", department=staff.department, email="colleague@city.example.jp"
    )
    UserFactory(
        username="retired",
        department=staff.department,
        email="retired@city.example.jp",
        is_active=False,
    )
    return colleague


# --- The review path as services ---------------------------------------------------------


def test_it_walks_submit_return_resubmit_approve(ready, staff, coordinator):
    start_version = ready.version
    project_submit(project=ready, by=staff, comment="よろしくお願いします")
    project_return(project=ready, by=coordinator, comment="効果を数字で書いてください")
    project_submit(project=ready, by=staff)
    project_approve(project=ready, by=coordinator, comment="承認します")

    ready.refresh_from_db()
    assert ready.status == Status.APPROVED
    assert ready.version == start_version + 4
    assert changes(ready) == [
        ("draft", "submitted", staff.pk, "よろしくお願いします"),
        ("submitted", "returned", coordinator.pk, "効果を数字で書いてください"),
        ("returned", "submitted", staff.pk, ""),
        ("submitted", "approved", coordinator.pk, "承認します"),
    ]


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_it_refuses_to_return_without_a_comment(submitted, coordinator, comment):
    with pytest.raises(DomainError, match="差し戻す理由"):
        project_return(project=submitted, by=coordinator, comment=comment)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert [c[1] for c in changes(submitted)] == ["submitted"]


def test_it_adds_a_history_row_for_each_transition(ready, staff, coordinator):
    before = ready.history.count()
    project_submit(project=ready, by=staff)
    project_approve(project=ready, by=coordinator)

    rows = list(ready.history.order_by("-history_date", "-history_id")[:2])
    assert ready.history.count() == before + 2
    assert [(r.status, r.history_user, r.history_change_reason) for r in rows] == [
        ("approved", coordinator, "承認へ"),
        ("submitted", staff, "審査中へ"),
    ]


def test_it_mails_the_coordinators_on_submit_with_the_project_url(
    ready,
    staff,
    coordinator,
    coordinator2,
    with_emails,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project=ready, by=staff)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, coordinator2.email])
    for mail in mailoutbox:
        assert ready.title in mail.subject
        assert f"{BASE_URL}/projects/{ready.pk}/" in mail.body


@pytest.mark.parametrize(
    ("action", "subject"),
    [("approve", "承認されました"), ("return", "差し戻されました")],
)
def test_it_mails_the_owning_departments_staff_on_approve_and_return(
    submitted,
    staff,
    coordinator,
    with_emails,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    subject,
):
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITIONS[action].run(project=submitted, by=coordinator, comment="予算の根拠を添えて")

    # Not staff2 (another department), not the inactive colleague, not the coordinators.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([with_emails.email, staff.email])
    for mail in mailoutbox:
        assert subject in mail.subject
        assert f"{BASE_URL}/projects/{submitted.pk}/" in mail.body
    if action == "return":
        assert all("予算の根拠を添えて" in m.body for m in mailoutbox)


def test_it_sends_no_mail_when_the_transition_is_refused(
    project, staff, with_emails, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        project_submit(project=project, by=staff)
    assert mailoutbox == []


def test_it_refuses_to_approve_a_draft_and_leaves_it_unchanged(ready, coordinator):
    version, history = ready.version, ready.history.count()
    with pytest.raises(DomainError) as refused:
        project_approve(project=ready, by=coordinator)

    assert "「下書き」のため、この操作はできません" in str(refused.value)
    ready.refresh_from_db()
    assert (ready.status, ready.version, ready.history.count()) == ("draft", version, history)
    assert changes(ready) == []


def test_it_refuses_to_submit_an_unfinished_plan_naming_the_missing_fields(project, staff):
    Eligibility.objects.create(project=project, **KYODO_ANSWERS)
    with pytest.raises(DomainError) as refused:
        project_submit(project=project, by=staff)
    message = str(refused.value)
    assert "企画" in message
    assert "事業の内容" in message
    assert "対象確認" not in message
    project.refresh_from_db()
    assert project.status == Status.DRAFT


@pytest.mark.parametrize(
    "answers",
    [{"cost_only": True}, {"widens_service": False, "touches_lives": False}],
    ids=["cost-only", "neither-widens-nor-touches-lives"],
)
def test_it_refuses_to_submit_a_project_that_is_not_kyodo(project, staff, answers):
    fill_plan(project)
    Eligibility.objects.create(project=project, **{**KYODO_ANSWERS, **answers})
    with pytest.raises(DomainError, match="対象確認"):
        project_submit(project=project, by=staff)
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert changes(project) == []


def test_it_refuses_to_start_a_kyoryoku_project_without_an_agreement(
    submitted, staff, coordinator, partner_org
):
    project_approve(project=submitted, by=coordinator)
    Selection.objects.create(
        project=submitted,
        method=Selection.Method.PROPOSAL,
        state=Selection.State.DECIDED,
        chosen_partner=partner_org,
        decided_on=date(2025, 4, 10),
    )
    with pytest.raises(DomainError) as refused:
        project_start(project=submitted, by=staff)
    assert "合意形成" in str(refused.value)
    assert "パートナー選定" not in str(refused.value)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED

    AgreementVersion.objects.create(
        agreement=Agreement.objects.create(project=submitted), number=1, agreed_at=timezone.now()
    )
    project_start(project=submitted, by=staff)
    submitted.refresh_from_db()
    assert submitted.status == Status.ACTIVE


def test_it_starts_a_subsidy_without_selection_or_agreement(department, staff):
    project = set_status(
        ProjectFactory(implementation_form="hojo", department=department), "approved"
    )
    HojoDetail.objects.create(
        project=project, decision_date=date(2025, 5, 1), decision_number="茅市第1号"
    )
    project_start(project=project, by=staff)
    project.refresh_from_db()
    assert project.status == Status.ACTIVE


def test_it_asks_for_a_consultation_before_the_evaluation(project, staff):
    set_status(project, Status.ACTIVE)
    with pytest.raises(DomainError, match="実施・協議"):
        project_begin_evaluation(project=project, by=staff)


def test_it_refuses_to_complete_without_the_evaluation_and_the_disclosure(project, staff):
    set_status(project, Status.EVALUATING)
    with pytest.raises(DomainError) as refused:
        project_complete(project=project, by=staff)
    assert "評価" in str(refused.value)
    assert "公開" in str(refused.value)

    Project.objects.filter(pk=project.pk).update(disclosure="public")
    with pytest.raises(DomainError) as still_refused:
        project_complete(project=project, by=staff)
    assert "評価" in str(still_refused.value)
    assert "公開（" not in str(still_refused.value)
    project.refresh_from_db()
    assert project.status == Status.EVALUATING


def test_it_completes_an_endorsement_once_disclosure_is_decided(department, staff):
    project = ProjectFactory(implementation_form="koen", department=department)
    set_status(project, Status.EVALUATING)
    with pytest.raises(DomainError, match="公開"):
        project_complete(project=project, by=staff)

    Project.objects.filter(pk=project.pk).update(
        disclosure="partial", disclosure_reason="参加者の名簿は個人情報のため"
    )
    project_complete(project=project, by=staff)
    project.refresh_from_db()
    assert project.status == Status.COMPLETED


def test_it_refuses_to_move_an_archived_project(ready, staff):
    Project.objects.filter(pk=ready.pk).update(archived_at=timezone.now())
    with pytest.raises(DomainError, match="アーカイブ"):
        project_submit(project=ready, by=staff)


def test_it_offers_each_role_only_its_own_buttons(submitted, staff, coordinator, partner_user):
    assert [t.name for t in available_transitions(coordinator, submitted)] == [
        "approve",
        "return",
    ]
    assert available_transitions(staff, submitted) == []
    assert available_transitions(partner_user, submitted) == []


# --- Two coordinators on the same submission ---------------------------------------------


@pytest.mark.parametrize("second", ["approve", "return"])
def test_it_lets_only_the_first_of_two_coordinators_act(
    submitted, coordinator, coordinator2, second
):
    seen_by_first = Project.objects.get(pk=submitted.pk)
    seen_by_second = Project.objects.get(pk=submitted.pk)

    project_approve(project=seen_by_first, by=coordinator)
    with pytest.raises(DomainError, match=STALE):
        TRANSITIONS[second].run(project=seen_by_second, by=coordinator2, comment="直してください")

    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert StatusChange.objects.filter(project=submitted, to_status="approved").count() == 1
    assert StatusChange.objects.filter(project=submitted, by=coordinator2).count() == 0


@pytest.mark.parametrize("second", ["approve", "return"])
def test_it_answers_the_second_coordinators_post_with_a_message_not_an_error(
    client,
    submitted,
    coordinator,
    coordinator2,
    with_emails,
    mailoutbox,
    django_capture_on_commit_callbacks,
    second,
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(transition_url(submitted, "approve"))
    assert first.status_code == 302

    client.force_login(coordinator2)
    with django_capture_on_commit_callbacks(execute=True):
        late = client.post(transition_url(submitted, second), {"comment": "直してください"})

    assert late.status_code == 400
    assert STALE in late.content.decode()
    assert "「承認」のため" in late.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert StatusChange.objects.filter(project=submitted, to_status="approved").count() == 1
    # Only the first approval told the department.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "colleague@city.example.jp",
        "staff@city.example.jp",
    ]


# --- The transition URL ------------------------------------------------------------------


def test_it_submits_through_the_view(client, ready, staff):
    client.force_login(staff)
    response = client.post(transition_url(ready, "submit"), {"comment": "審査をお願いします"})
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[ready.pk])
    assert changes(ready) == [("draft", "submitted", staff.pk, "審査をお願いします")]


def test_it_shows_the_empty_return_comment_refusal_on_the_page(client, submitted, coordinator):
    client.force_login(coordinator)
    response = client.post(transition_url(submitted, "return"), {"comment": ""})
    assert response.status_code == 400
    assert "差し戻す理由と、直してほしい点を書いてください。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_it_explains_why_an_overlong_comment_is_refused(client, ready, staff):
    client.force_login(staff)
    response = client.post(transition_url(ready, "submit"), {"comment": "あ" * 4001})
    assert response.status_code == 400
    alert = response.content.decode().split('id="workflow-heading"')[1].split("</form>")[0]
    assert "4000 文字以下" in alert
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff2", 403), ("coordinator", 403), ("partner_user", 403), ("partner2_user", 404)],
)
def test_it_refuses_a_submit_by_anyone_but_the_owning_department(
    client, request, ready, who, expected
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(transition_url(ready, "submit"))
    assert response.status_code == expected
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT
    assert changes(ready) == []


@pytest.mark.parametrize("name", ["approve", "return"])
def test_it_refuses_a_review_by_the_owning_staff(client, submitted, staff, name):
    client.force_login(staff)
    response = client.post(transition_url(submitted, name), {"comment": "自分で承認"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_it_answers_an_unknown_transition_with_404(client, ready, staff):
    client.force_login(staff)
    assert client.post(transition_url(ready, "publish")).status_code == 404
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT


def test_it_refuses_get_on_the_transition_url(client, ready, staff):
    client.force_login(staff)
    assert client.get(transition_url(ready, "submit")).status_code == 405
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT


def test_it_sends_anonymous_posts_to_the_login_page(client, ready):
    response = client.post(transition_url(ready, "submit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert changes(ready) == []


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.COMPLETED])
@pytest.mark.parametrize("name", ["edit", "eligibility", "selection", "disclosure"])
def test_it_refuses_edits_while_submitted_or_completed(client, ready, staff, status, name):
    set_status(ready, status)
    client.force_login(staff)
    view = "selection:overview" if name == "selection" else f"projects:{name}"
    url = reverse(view, args=[ready.pk])
    response = client.post(url, {"title": "書き換え", "version": str(ready.version)})
    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.title == "海岸の里親活動"
    if name == "edit":
        assert client.get(url).status_code == 403


def test_it_lets_the_department_edit_again_once_returned(client, submitted, staff, coordinator):
    project_return(project=submitted, by=coordinator, comment="効果を数字で")
    client.force_login(staff)
    assert client.get(reverse("projects:edit", args=[submitted.pk])).status_code == 200


def test_it_shows_the_coordinator_the_review_buttons(client, submitted, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    assert transition_url(submitted, "approve") in html
    assert transition_url(submitted, "return") in html


def test_it_hides_the_review_buttons_from_the_staff(client, submitted, staff):
    client.force_login(staff)
    html = client.get(reverse("projects:detail", args=[submitted.pk])).content.decode()
    assert transition_url(submitted, "approve") not in html
    assert "審査中のため、内容は変更できません。" in html
