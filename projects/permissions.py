"""Who may see and do what with a project. Views, templates and services all ask these rules.

A rule that refuses with a reason is a `why_not_*` function returning the reason (or None):
the service raises it as a DomainError, the template shows it where the button would be, and
a rules permission built from it gives the view its 403.
"""

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kyodo.models import User
from kyodo.rules import is_admin, is_coordinator, is_department_staff, is_partner_user
from kyodo.services import DomainError
from projects.models import AgreementVersion, FollowUp, Project, Status

ARCHIVED = "アーカイブした事業です。元に戻すまで、記録も手続きも変えられません。"


@rules.predicate
def is_owning_department(user: User | AnonymousUser, project: Project) -> bool:
    """Staff of the project's department; 市民自治推進課 too, for the projects it runs itself."""
    if not (is_department_staff(user) or is_coordinator(user)):
        return False
    return user.department_id is not None and project.department_id == user.department_id


@rules.predicate
def is_project_partner(user: User | AnonymousUser, project: Project) -> bool:
    if not is_partner_user(user):
        return False
    return any(pp.partner_id == user.partner_id for pp in project.project_partners.all())


@rules.predicate
def is_not_archived(user: User | AnonymousUser, project: Project) -> bool:
    return project.archived_at is None


@rules.predicate
def is_archived(user: User | AnonymousUser, project: Project) -> bool:
    return project.archived_at is not None


def _status_in(*statuses: str) -> rules.Predicate:
    @rules.predicate
    def check(user: User | AnonymousUser, project: Project) -> bool:
        return project.status in statuses

    check.name = f"status_in_{'_'.join(statuses)}"
    return check


# While 市民自治推進課 reviews it, and once it is closed, the record stays as it is.
is_editable_status = ~_status_in(Status.SUBMITTED, Status.COMPLETED)
is_city_owner = is_owning_department | is_admin
is_reviewer = is_coordinator | is_admin

can_view_project = is_department_staff | is_coordinator | is_admin | is_project_partner
can_change_project = is_city_owner & is_not_archived & is_editable_status
can_comment_project = (is_owning_department | is_coordinator | is_admin) & is_not_archived

rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.add_project", is_department_staff | is_coordinator | is_admin)
rules.add_perm("projects.change_project", can_change_project)
rules.add_perm("projects.comment_project", can_comment_project)
rules.add_perm("projects.archive_project", is_city_owner & is_not_archived)
# Who may attempt each transition; whether the status allows it is the service's to say,
# so that someone acting on a stale page gets a clear message rather than a bare 403.
rules.add_perm("projects.submit_project", is_city_owner & is_not_archived)
rules.add_perm("projects.review_project", is_reviewer & is_not_archived)
rules.add_perm("projects.start_project", is_city_owner & is_not_archived)
rules.add_perm("projects.evaluate_project", is_city_owner & is_not_archived)
rules.add_perm("projects.complete_project", is_city_owner & is_not_archived)
rules.add_perm("projects.view_review_queue", is_reviewer)
# The step records (対象確認, 選定, 公開の判断) are the owning department's to keep.
rules.add_perm("projects.change_steps", is_city_owner & is_not_archived & is_editable_status)
rules.add_perm("projects.restore_project", (is_owning_department | is_admin) & is_archived)
rules.add_perm("projects.export_project", is_department_staff | is_coordinator | is_admin)
# Bringing in the city's lists of past projects is 市民自治推進課's work (it keeps the records).
rules.add_perm("projects.import_projects", is_reviewer)
# Comments (unless marked shared) and the change history are the city's working notes.
rules.add_perm("projects.view_internal_notes", is_department_staff | is_coordinator | is_admin)


def get_project_for(user: User, pk: int, *, perm: str = "projects.view_project") -> Project:
    """Fetch a project for user: 404 if they must not know it, 403 if they may not do perm."""
    project = get_object_or_404(
        Project.objects.visible_to(user)
        .select_related("department", "origin", "created_by")
        .prefetch_related("project_partners__partner"),
        pk=pk,
    )
    if perm != "projects.view_project" and not user.has_perm(perm, project):
        raise PermissionDenied
    return project


def why_archived(project: Project) -> str | None:
    """Nothing is done to an archived project until it is restored."""
    return ARCHIVED if project.archived_at is not None else None


def refuse_if_archived(project: Project) -> None:
    """For services: raise why_archived's reason as the DomainError the page shows."""
    if reason := why_archived(project):
        raise DomainError(reason)


# The agreement: the owning department drafts it; every party of the project reads and confirms.
rules.add_perm("projects.edit_agreement", is_city_owner & is_not_archived)
rules.add_perm(
    "projects.confirm_agreement",
    (is_owning_department | is_admin | is_project_partner) & is_not_archived,
)
rules.add_perm("projects.record_consultation", is_city_owner & is_not_archived)


def agreement_party_key(user: User, project: Project) -> str | None:
    """Which party of the agreement this user speaks for: "city", "partner:<id>" or None."""
    if is_city_owner(user, project):
        return "city"
    if is_project_partner(user, project):
        return f"partner:{user.partner_id}"
    return None


def why_not_confirm(user: User, version: AgreementVersion) -> str | None:
    """May user confirm this version for their side now? None, or why not."""
    project = version.agreement.project
    if reason := why_archived(project):
        return reason
    if version.is_draft:
        return "まだ案の段階です。確定してから確認してください。"
    if version.is_agreed:
        return "この版はすでに合意済みです。"
    key = agreement_party_key(user, project)
    if key is None:
        return "あなたはこの協定の当事者として確認できません。"
    if any(c.party_key == key for c in version.confirmations.all()):
        return "あなたの側はすでに確認しています。"
    return None


def why_not_comment(user: User, version: AgreementVersion) -> str | None:
    """May user comment on this version: the city any time, a partner while invited."""
    project = version.agreement.project
    if reason := why_archived(project):
        return reason
    key = agreement_party_key(user, project)
    if key is None:
        return "この協定の当事者だけが意見を書けます。"
    if key != "city" and not (version.is_draft and version.open_for_comments):
        return "いまはこの版への意見を受け付けていません。"
    return None


def why_not_change_parties(project: Project) -> str | None:
    """May the partners of the project (the parties of its agreement) change now?"""
    if reason := why_archived(project):
        return reason
    # The parties of a frozen version are the ones asked to confirm it: they must not change.
    if AgreementVersion.objects.filter(
        agreement__project=project, frozen_at__isnull=False, agreed_at__isnull=True
    ).exists():
        return (
            "確認待ちの協定があるため、パートナーを変えられません。"
            "協定を編集に戻してからにしてください。"
        )
    return None


def why_not_finish_follow_up(user: User, follow_up: FollowUp) -> str | None:
    """A follow-up is marked done by the person it was given to, or by the department."""
    project = follow_up.consultation.project
    if reason := why_archived(project):
        return reason
    if follow_up.owner_id != user.pk and not user.has_perm("projects.record_consultation", project):
        return "この宿題を済みにできるのは、担当の人と所管課です。"
    return None


rules.add_perm(
    "projects.finish_follow_up", rules.predicate(lambda u, f: not why_not_finish_follow_up(u, f))
)
