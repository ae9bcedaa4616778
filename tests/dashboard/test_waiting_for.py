"""What waits for whom (dashboard.services.waiting_for), and the home page's query bound."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.services import Kind, Waiting, home_context, waiting_for
from evaluations.models import ProcessEvaluation
from projects.models import AgreementConfirmation, AgreementVersion, Project, Status
from projects.services import agreements
from projects.services import project as project_services
from selection.models import Reviewer
from tests.factories import ProjectFactory, ProjectPartnerFactory


def status_url(department, status: str) -> str:
    return reverse("projects:list") + f"?department={department.pk}&status={status}"


def frozen_version(project, staff) -> AgreementVersion:
    """The project's original agreement, frozen and waiting for the parties' confirmations."""
    version = agreements.agreement_start(project=project, by=staff)
    version.frozen_at = timezone.now()
    version.save(update_fields=["frozen_at"])
    return version


def follow_up(project, by, owner, task: str, due_on: date | None = None, done: bool = False):
    consultation = agreements.consultation_record(
        project=project,
        by=by,
        data={"held_on": date(2026, 5, 13), "attendees": "市、団体", "discussed": "進み具合"},
        follow_ups=[{"task": task, "owner": owner, "due_on": due_on, "done": done}],
    )
    return consultation.follow_ups.get()


def evaluating(project) -> Project:
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING)
    project.refresh_from_db()
    return project


def kinds(items: list[Waiting]) -> list[Kind]:
    return [item.kind for item in items]


# --- Department staff ----------------------------------------------------------------------


def test_it_counts_the_departments_projects_that_wait_with_links_to_the_filtered_list(
    staff, department, other_department, project
):
    for title in ("差し戻された事業A", "差し戻された事業B"):
        ProjectFactory(title=title, department=department, status=Status.RETURNED)
    ProjectFactory(department=department, status=Status.APPROVED)
    ProjectFactory(department=other_department, status=Status.RETURNED)

    assert waiting_for(staff) == [
        Waiting(
            Kind.PROJECTS_RETURNED,
            "差し戻された事業（直して再提出）",
            2,
            status_url(department, "returned"),
        ),
        Waiting(
            Kind.PROJECTS_DRAFT, "下書きの事業（審査に出す前）", 1, status_url(department, "draft")
        ),
        Waiting(
            Kind.PROJECTS_APPROVED,
            "承認済みで、実施を始められる事業",
            1,
            status_url(department, "approved"),
        ),
        Waiting(
            Kind.PROJECTS_EVALUATING,
            "評価と完了の手続きを待つ事業",
            0,
            status_url(department, "evaluating"),
        ),
    ]


def test_it_counts_nothing_of_another_departments_projects_for_its_staff(
    staff2, other_department, project
):
    ProjectFactory(department=project.department, status=Status.RETURNED)

    items = waiting_for(staff2)

    assert [item.count for item in items] == [0, 0, 0, 0]
    assert all(f"department={other_department.pk}&" in item.url for item in items)


def test_it_gives_department_staff_no_review_queue(staff, project):
    ProjectFactory(department=project.department, status=Status.SUBMITTED)
    assert Kind.REVIEW_QUEUE not in kinds(waiting_for(staff))


# --- 市民自治推進課 and the administrator ---------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin_user"])
def test_it_gives_the_reviewers_the_count_of_the_review_queue_of_every_department(
    request, who, department, other_department
):
    ProjectFactory(department=department, status=Status.SUBMITTED)
    ProjectFactory(department=other_department, status=Status.SUBMITTED)
    ProjectFactory(department=department, status=Status.RETURNED)

    assert waiting_for(request.getfixturevalue(who)) == [
        Waiting(Kind.REVIEW_QUEUE, "審査を待っている事業", 2, reverse("review"))
    ]


def test_it_gives_the_reviewers_a_zero_count_when_nothing_is_submitted(coordinator, project):
    assert waiting_for(coordinator) == [
        Waiting(Kind.REVIEW_QUEUE, "審査を待っている事業", 0, reverse("review"))
    ]


# --- Partners ------------------------------------------------------------------------------


def test_it_asks_the_partner_to_confirm_a_frozen_version_until_it_has(
    staff, partner_user, partner_org, project
):
    version = agreements.agreement_start(project=project, by=staff)
    assert waiting_for(partner_user) == []  # a draft waits for no one

    version.frozen_at = timezone.now()
    version.save(update_fields=["frozen_at"])
    assert waiting_for(partner_user) == [
        Waiting(
            Kind.AGREEMENT_TO_CONFIRM,
            f"協定の確認を待っています: {project.title}（原協定）",
            1,
            reverse("projects:agreement", args=[project.pk]),
            project_title=project.title,
        )
    ]

    AgreementConfirmation.objects.create(
        version=version, party_key=f"partner:{partner_org.pk}", by=partner_user
    )
    assert waiting_for(partner_user) == []


def test_it_asks_the_partner_for_its_evaluation_until_it_is_submitted(
    staff, partner_user, partner_org, project
):
    evaluating(project)
    second = evaluating(ProjectFactory(title="あいうえお事業", department=project.department))
    ProjectPartnerFactory(project=second, partner=partner_org)
    wanted = [
        Waiting(
            Kind.EVALUATION_TO_ENTER,
            f"協働の評価の入力を待っています: {p.title}",
            1,
            reverse("evaluations:partner", args=[p.pk, partner_org.pk]),
            project_title=p.title,
        )
        for p in (second, project)  # by title
    ]
    assert waiting_for(partner_user) == wanted

    draft = ProcessEvaluation.objects.create(
        project=project, side="partner", partner=partner_org, entered_by=partner_user
    )
    assert waiting_for(partner_user) == wanted  # entered but not yet submitted

    draft.submitted_at = timezone.now()
    draft.save(update_fields=["submitted_at"])
    assert waiting_for(partner_user) == wanted[:1]


def test_it_shows_a_partner_nothing_of_another_organisations_projects(
    staff2, partner_user, partner2_user, project, other_project
):
    frozen_version(other_project, staff2)
    evaluating(other_project)
    follow_up(other_project, staff2, partner2_user, "名簿の整理")

    assert waiting_for(partner_user) == []
    assert kinds(waiting_for(partner2_user)) == [
        Kind.AGREEMENT_TO_CONFIRM,
        Kind.EVALUATION_TO_ENTER,
        Kind.FOLLOW_UP,
    ]


def test_it_gives_partners_no_review_queue_and_no_department_counts(partner_user, project):
    ProjectFactory(department=project.department, status=Status.SUBMITTED)
    Project.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)
    assert waiting_for(partner_user) == []


# --- Score sheets and follow-ups -------------------------------------------------------------


def test_it_lists_a_pending_score_sheet_until_the_reviewer_submits_it(
    staff, staff2, project, proposal
):
    seat = Reviewer.objects.get(selection=proposal, user=staff)
    sheet = Waiting(
        Kind.SCORE_SHEET,
        f"パートナー選定の採点: {project.title}",
        1,
        reverse("selection:score_sheet", args=[project.pk, seat.pk]),
        project_title=project.title,
    )
    assert waiting_for(staff)[4:] == [sheet]
    assert kinds(waiting_for(staff2))[4:] == [Kind.SCORE_SHEET]  # seated from another dept

    Reviewer.objects.filter(pk=seat.pk).update(submitted_at=timezone.now())
    assert Kind.SCORE_SHEET not in kinds(waiting_for(staff))


def test_it_lists_a_coordinators_pending_score_sheet_after_the_review_queue(
    staff, coordinator, project, proposal
):
    proposal.reviewers.create(user=coordinator)
    assert kinds(waiting_for(coordinator)) == [Kind.REVIEW_QUEUE, Kind.SCORE_SHEET]


def test_it_lists_the_users_open_follow_ups_soonest_first(staff, staff2, partner_user, project):
    later = follow_up(project, staff, staff, "報告書の下書き", due_on=date(2026, 7, 1))
    undated = follow_up(project, staff, staff, "次回の会場を探す")
    sooner = follow_up(project, staff, staff, "広報紙に案内を載せる", due_on=date(2026, 6, 1))
    follow_up(project, staff, staff, "済んだ宿題", done=True)
    follow_up(project, staff, partner_user, "団体の宿題")
    follow_up(project, staff, staff2, "他の課の人の宿題")

    items = [item for item in waiting_for(staff) if item.kind == Kind.FOLLOW_UP]

    assert items == [
        Waiting(
            Kind.FOLLOW_UP,
            f.task,
            1,
            reverse("projects:consultations", args=[project.pk]),
            project_title=project.title,
            due_on=f.due_on,
        )
        for f in (sooner, later, undated)
    ]
    assert [i.label for i in waiting_for(partner_user)] == ["団体の宿題"]


# --- Archived projects ----------------------------------------------------------------------


def test_it_lists_nothing_of_an_archived_project(
    staff, coordinator, partner_user, admin_user, project, proposal
):
    frozen_version(project, staff)
    follow_up(project, staff, staff, "職員の宿題")
    follow_up(project, staff, partner_user, "団体の宿題")
    evaluating(project)
    submitted = ProjectFactory(department=project.department, status=Status.SUBMITTED)
    for archived in (project, submitted):
        project_services.project_archive(project=archived, by=admin_user, reason="重複登録")

    assert [item.count for item in waiting_for(staff)] == [0, 0, 0, 0]
    assert waiting_for(partner_user) == []
    assert [item.count for item in waiting_for(coordinator)] == [0]


# --- The page ------------------------------------------------------------------------------


def test_it_splits_the_follow_ups_from_the_other_waiting_items_for_the_page(staff, project):
    follow_up(project, staff, staff, "職員の宿題")
    context = home_context(staff)
    assert kinds(context["waiting"]) == [
        Kind.PROJECTS_RETURNED,
        Kind.PROJECTS_DRAFT,
        Kind.PROJECTS_APPROVED,
        Kind.PROJECTS_EVALUATING,
    ]
    assert [f.label for f in context["follow_ups"]] == ["職員の宿題"]


@pytest.fixture
def busy_world(personas, project, other_project, proposal):
    """Several of every kind of waiting item, so that a per-row query would show."""
    staff, staff2 = personas["staff"], personas["staff2"]
    for n in range(3):
        for owner_project, partner in ((project, "partner"), (other_project, "partner2")):
            p = ProjectFactory(
                title=f"評価中の事業{n}",
                department=owner_project.department,
                status=Status.EVALUATING,
            )
            ProjectPartnerFactory(project=p, partner=personas[partner].partner)
            frozen_version(p, staff)
            follow_up(p, staff, staff, f"職員の宿題{n}")
            follow_up(p, staff, personas[partner], f"団体の宿題{n}")
            follow_up(p, staff, staff2, f"他の課の宿題{n}")
        ProjectFactory(department=project.department, status=Status.SUBMITTED)
        ProjectFactory(department=project.department, status=Status.RETURNED)
    return personas


# Measured on this world when the view still gathered all this inline; the service must not
# add any. Each includes the session, the user and the session's save (3 statements).
QUERIES = {"staff": 14, "staff2": 14, "coordinator": 16, "partner": 13, "partner2": 13, "admin": 11}


@pytest.mark.parametrize("who", list(QUERIES))
def test_it_shows_the_home_page_in_a_bounded_number_of_queries(
    client, busy_world, django_assert_max_num_queries, who
):
    client.force_login(busy_world[who])
    with django_assert_max_num_queries(QUERIES[who]):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "あなたを待っていること" in response.content.decode()
