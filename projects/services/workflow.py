"""The review workflow: 下書き → 審査中 → 差戻し / 承認 → 実施中 → 評価中 → 完了.

One function per transition. Each runs in a transaction, locks the project row, checks the
current status and the steps the form policy requires, saves with update_fields, records a
StatusChange (who, when, from, to, why) and a history row, and sends the notice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from kyodo.models import User
from kyodo.notify import notify
from kyodo.services import DomainError, record_history_author
from projects.models import Project, Status, StatusChange
from projects.permissions import refuse_if_archived
from projects.policy import (
    BEFORE_COMPLETE,
    BEFORE_EVALUATION,
    BEFORE_START,
    BEFORE_SUBMIT,
    Step,
    spec_for,
)
from projects.services.project import project_detail
from projects.steps import blocking, start_missing, step_states


def _locked(project: Project, allowed: tuple[str, ...]) -> Project:
    """Re-read the project under a row lock and check it is still where the user saw it."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    refuse_if_archived(current)
    if current.status not in allowed:
        raise DomainError(
            f"この事業は現在「{current.get_status_display()}」のため、この操作はできません。"
            "ほかの人が先に操作した可能性があります。ページを開き直してください。"
        )
    return current


def _require_steps(project: Project, steps: tuple[Step, ...], doing: str) -> None:
    missing = blocking(step_states(project, project_detail(project)), steps)
    if missing:
        parts = "、".join(f"{s.label}（{'・'.join(s.missing)}）" for s in missing)
        raise DomainError(f"{doing}前に、次の段階を終えてください: {parts}")


def _move(project: Project, *, to: str, by: User, comment: str = "") -> StatusChange:
    from_status = project.status
    project.status = to
    project.version += 1  # the row is locked, so this cannot race
    record_history_author(project, by=by, reason=f"{project.get_status_display()}へ")
    project.save(update_fields=["status", "version", "updated_at"])
    return StatusChange.objects.create(
        project=project, from_status=from_status, to_status=to, by=by, comment=comment.strip()
    )


def _department_staff(project: Project) -> QuerySet[User]:
    """Who keeps the project: its department's staff (市民自治推進課's own, for its projects)."""
    return User.objects.filter(
        role__in=(User.Role.DEPARTMENT, User.Role.COORDINATOR),
        department_id=project.department_id,
        is_active=True,
    )


def _coordinators() -> QuerySet[User]:
    return User.objects.filter(role=User.Role.COORDINATOR, is_active=True)


@transaction.atomic
def project_submit(*, project: Project, by: User, comment: str = "") -> StatusChange:
    """Send a draft (or a returned project) to 市民自治推進課 for review."""
    project = _locked(project, (Status.DRAFT, Status.RETURNED))
    _require_steps(project, BEFORE_SUBMIT, "審査に出す")
    change = _move(project, to=Status.SUBMITTED, by=by, comment=comment)
    transaction.on_commit(
        lambda: notify(
            _coordinators(),
            f"審査の依頼: {project.title}",
            f"{project.department.name}から協働事業「{project.title}」の審査依頼が届きました。",
            project.get_absolute_url(),
        ),
        robust=True,  # a mail failure must not turn a saved transition into an error
    )
    return change


@transaction.atomic
def project_approve(*, project: Project, by: User, comment: str = "") -> StatusChange:
    """Approve a submission (市民自治推進課)."""
    project = _locked(project, (Status.SUBMITTED,))
    change = _move(project, to=Status.APPROVED, by=by, comment=comment)
    transaction.on_commit(
        lambda: notify(
            _department_staff(project),
            f"承認されました: {project.title}",
            f"協働事業「{project.title}」が市民自治推進課に承認されました。"
            + (f"\n\n{comment.strip()}" if comment.strip() else ""),
            project.get_absolute_url(),
        ),
        robust=True,  # a mail failure must not turn a saved transition into an error
    )
    return change


@transaction.atomic
def project_return(*, project: Project, by: User, comment: str) -> StatusChange:
    """Return a submission to the department with what to change (市民自治推進課)."""
    if not comment.strip():
        raise DomainError("差し戻す理由と、直してほしい点を書いてください。")
    project = _locked(project, (Status.SUBMITTED,))
    change = _move(project, to=Status.RETURNED, by=by, comment=comment)
    transaction.on_commit(
        lambda: notify(
            _department_staff(project),
            f"差し戻されました: {project.title}",
            f"協働事業「{project.title}」が差し戻されました。\n\n{comment.strip()}",
            project.get_absolute_url(),
        ),
        robust=True,  # a mail failure must not turn a saved transition into an error
    )
    return change


@transaction.atomic
def project_start(*, project: Project, by: User, comment: str = "") -> StatusChange:
    """Begin carrying out an approved project."""
    project = _locked(project, (Status.APPROVED,))
    _require_steps(project, BEFORE_START, "実施を始める")
    if missing := start_missing(project, project_detail(project)):
        spec = spec_for(project.implementation_form)
        raise DomainError(
            f"実施を始める前に、{spec.document}の記録を入力してください: {'、'.join(missing)}"
        )
    return _move(project, to=Status.ACTIVE, by=by, comment=comment)


@transaction.atomic
def project_begin_evaluation(*, project: Project, by: User, comment: str = "") -> StatusChange:
    """Close the work and open the evaluation."""
    project = _locked(project, (Status.ACTIVE,))
    _require_steps(project, BEFORE_EVALUATION, "評価に進む")
    return _move(project, to=Status.EVALUATING, by=by, comment=comment)


@transaction.atomic
def project_complete(*, project: Project, by: User, comment: str = "") -> StatusChange:
    """Close the project: only with the evaluation and the disclosure decision in."""
    project = _locked(project, (Status.EVALUATING,))
    _require_steps(project, BEFORE_COMPLETE, "完了にする")
    return _move(project, to=Status.COMPLETED, by=by, comment=comment)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    perm: str
    from_statuses: tuple[str, ...]
    run: Callable[..., StatusChange]
    done_message: str = ""
    comment_required: bool = False
    primary: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "審査に出す",
            "projects.submit_project",
            (Status.DRAFT, Status.RETURNED),
            project_submit,
            done_message="審査に出しました。",
        ),
        Transition(
            "approve",
            "承認する",
            "projects.review_project",
            (Status.SUBMITTED,),
            project_approve,
            done_message="承認しました。",
        ),
        Transition(
            "return",
            "差し戻す",
            "projects.review_project",
            (Status.SUBMITTED,),
            project_return,
            done_message="差し戻しました。",
            comment_required=True,
            primary=False,
        ),
        Transition(
            "start",
            "実施を始める",
            "projects.start_project",
            (Status.APPROVED,),
            project_start,
            done_message="実施を始めました。",
        ),
        Transition(
            "evaluate",
            "評価に進む",
            "projects.evaluate_project",
            (Status.ACTIVE,),
            project_begin_evaluation,
            done_message="評価に進みました。",
        ),
        Transition(
            "complete",
            "完了にする",
            "projects.complete_project",
            (Status.EVALUATING,),
            project_complete,
            done_message="完了にしました。",
        ),
    )
}


def available_transitions(user: User, project: Project) -> list[Transition]:
    """The transitions this user could take on this project now (for the buttons)."""
    return [
        t
        for t in TRANSITIONS.values()
        if project.status in t.from_statuses and user.has_perm(t.perm, project)
    ]
