"""What the home page shows each role: what waits for them, and their projects at a glance."""

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef
from django.urls import reverse

from evaluations.models import ProcessEvaluation
from kyodo import fiscal
from kyodo.models import User
from kyodo.rules import is_coordinator, is_department_staff, is_partner_user
from projects.models import AgreementVersion, FollowUp, Project, ProjectQuerySet, Status
from selection.models import Reviewer, Selection


class Kind(enum.StrEnum):
    """Why something waits for the user."""

    PROJECTS_RETURNED = "projects_returned"
    PROJECTS_DRAFT = "projects_draft"
    PROJECTS_APPROVED = "projects_approved"
    PROJECTS_EVALUATING = "projects_evaluating"
    REVIEW_QUEUE = "review_queue"
    AGREEMENT_TO_CONFIRM = "agreement_to_confirm"
    EVALUATION_TO_ENTER = "evaluation_to_enter"
    SCORE_SHEET = "score_sheet"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class Waiting:
    """One line of 「あなたを待っていること」 or of 「協議で引き受けた宿題」."""

    kind: Kind
    label: str
    count: int
    url: str
    project_title: str = ""
    due_on: date | None = None


# The department's own projects that wait for the department, in the order shown.
DEPARTMENT_WAITING = [
    (Kind.PROJECTS_RETURNED, Status.RETURNED, "差し戻された事業（直して再提出）"),
    (Kind.PROJECTS_DRAFT, Status.DRAFT, "下書きの事業（審査に出す前）"),
    (Kind.PROJECTS_APPROVED, Status.APPROVED, "承認済みで、実施を始められる事業"),
    (Kind.PROJECTS_EVALUATING, Status.EVALUATING, "評価と完了の手続きを待つ事業"),
]
FOLLOW_UPS_SHOWN = 20
PROJECTS_SHOWN = 10
PARTNER_PROJECTS_SHOWN = 20
SUBMITTED_SHOWN = 10


def waiting_for(user: User) -> list[Waiting]:
    """Return what waits for the user: their role's items, score sheets, then follow-ups."""
    visible = _visible(user)
    if is_department_staff(user):
        items = _department_waiting(user, visible)
    elif is_partner_user(user):
        items = _agreements_to_confirm(user, visible) + _evaluations_to_enter(user, visible)
    elif is_coordinator(user) or user.has_perm("projects.view_review_queue"):
        items = [_review_queue(visible)]
    else:
        items = []
    if not is_partner_user(user):
        items += _score_sheets(user)
    return items + _follow_ups(user, visible)


def home_context(user: User) -> dict[str, Any]:
    """Return the context of the signed-in user's home page."""
    year = fiscal.current_fiscal_year()
    visible = _visible(user)
    waiting = waiting_for(user)
    context: dict[str, Any] = {
        "year": year,
        "waiting": [w for w in waiting if w.kind != Kind.FOLLOW_UP],
        "follow_ups": [w for w in waiting if w.kind == Kind.FOLLOW_UP],
    }
    if is_department_staff(user):
        assert user.department is not None  # kyodo_user_department_staff_has_department
        mine = visible.filter(department_id=user.department_id)
        context.update(
            heading=f"{user.department.name}の協働事業",
            status_counts=_status_counts(mine.filter(fiscal_year=year)),
            projects=list(mine.for_list().order_by("-updated_at")[:PROJECTS_SHOWN]),
            list_query=f"department={user.department_id}",
        )
    elif is_partner_user(user):
        assert user.partner is not None  # is_partner_user checks it
        context.update(
            heading=f"{user.partner.name}が参加している協働事業",
            projects=list(
                visible.for_list().order_by("-fiscal_year", "title")[:PARTNER_PROJECTS_SHOWN]
            ),
        )
    else:
        context.update(
            heading="すべての課の協働事業",
            status_counts=_status_counts(visible.filter(fiscal_year=year)),
            projects=list(visible.for_list().order_by("-updated_at")[:PROJECTS_SHOWN]),
            submitted=list(visible.review_queue().for_list()[:SUBMITTED_SHOWN])
            if is_coordinator(user)
            else None,
        )
    return context


def _visible(user: User) -> ProjectQuerySet:
    return Project.objects.visible_to(user).active()


def _status_counts(projects: ProjectQuerySet) -> list[tuple[str, str, int]]:
    counts = dict(projects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def _department_waiting(user: User, visible: ProjectQuerySet) -> list[Waiting]:
    mine = visible.filter(department_id=user.department_id)
    counts = dict(mine.values_list("status").annotate(n=Count("pk")).order_by())
    base = reverse("projects:list") + f"?department={user.department_id}&status="
    return [
        Waiting(kind=kind, label=label, count=counts.get(status, 0), url=base + status)
        for kind, status, label in DEPARTMENT_WAITING
    ]


def _review_queue(visible: ProjectQuerySet) -> Waiting:
    return Waiting(
        kind=Kind.REVIEW_QUEUE,
        label="審査を待っている事業",
        count=visible.review_queue().count(),
        url=reverse("review"),
    )


def _agreements_to_confirm(user: User, visible: ProjectQuerySet) -> list[Waiting]:
    # A frozen version the other party may have confirmed, but this partner has not yet.
    versions = (
        AgreementVersion.objects.filter(
            agreement__project__in=visible, frozen_at__isnull=False, agreed_at__isnull=True
        )
        .exclude(confirmations__party_key=f"partner:{user.partner_id}")
        .select_related("agreement__project")
    )
    return [
        Waiting(
            kind=Kind.AGREEMENT_TO_CONFIRM,
            label=f"協定の確認を待っています: {v.agreement.project.title}（{v.label}）",
            count=1,
            url=reverse("projects:agreement", args=[v.agreement.project_id]),
            project_title=v.agreement.project.title,
        )
        for v in versions
    ]


def _evaluations_to_enter(user: User, visible: ProjectQuerySet) -> list[Waiting]:
    assert user.partner_id is not None  # called for partner users only
    submitted = ProcessEvaluation.objects.filter(
        project=OuterRef("pk"), partner_id=user.partner_id, submitted_at__isnull=False
    )
    projects = visible.filter(status=Status.EVALUATING).exclude(Exists(submitted)).order_by("title")
    return [
        Waiting(
            kind=Kind.EVALUATION_TO_ENTER,
            label=f"協働の評価の入力を待っています: {p.title}",
            count=1,
            url=reverse("evaluations:partner", args=[p.pk, user.partner_id]),
            project_title=p.title,
        )
        for p in projects
    ]


def _score_sheets(user: User) -> list[Waiting]:
    # A seat on a selection panel whose sheet is still to be submitted.
    seats = Reviewer.objects.filter(
        user=user,
        submitted_at__isnull=True,
        selection__state=Selection.State.REVIEWING,
        selection__project__archived_at__isnull=True,
    ).select_related("selection__project")
    return [
        Waiting(
            kind=Kind.SCORE_SHEET,
            label=f"パートナー選定の採点: {seat.selection.project.title}",
            count=1,
            url=reverse("selection:score_sheet", args=[seat.selection.project_id, seat.pk]),
            project_title=seat.selection.project.title,
        )
        for seat in seats
    ]


def _follow_ups(user: User, visible: ProjectQuerySet) -> list[Waiting]:
    follow_ups = (
        FollowUp.objects.filter(owner=user, done=False, consultation__project__in=visible)
        .select_related("consultation__project")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:FOLLOW_UPS_SHOWN]
    )
    return [
        Waiting(
            kind=Kind.FOLLOW_UP,
            label=f.task,
            count=1,
            url=reverse("projects:consultations", args=[f.consultation.project_id]),
            project_title=f.consultation.project.title,
            due_on=f.due_on,
        )
        for f in follow_ups
    ]
