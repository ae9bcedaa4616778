"""Who may see and do what with a project. Views and templates both ask these rules."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kyodo.rules import is_admin, is_coordinator, is_department_staff, is_partner_user
from projects.models import Project, Status


@rules.predicate
def is_owning_department(user, project: Project) -> bool:
    return is_department_staff(user) and project.department_id == user.department_id


@rules.predicate
def is_project_partner(user, project: Project) -> bool:
    if not is_partner_user(user):
        return False
    return any(pp.partner_id == user.partner_id for pp in project.project_partners.all())


@rules.predicate
def is_not_archived(user, project: Project) -> bool:
    return project.archived_at is None


@rules.predicate
def is_archived(user, project: Project) -> bool:
    return project.archived_at is not None


def _status_in(*statuses: str):
    @rules.predicate
    def check(user, project: Project) -> bool:
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
rules.add_perm("projects.add_project", is_department_staff | is_admin)
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


def get_project_for(user, pk: int, *, perm: str = "projects.view_project") -> Project:
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


# The agreement: the owning department drafts it; every party of the project reads and confirms.
rules.add_perm("projects.edit_agreement", is_city_owner & is_not_archived)
rules.add_perm("projects.confirm_agreement", (is_owning_department | is_admin | is_project_partner))
rules.add_perm("projects.record_consultation", is_city_owner & is_not_archived)
