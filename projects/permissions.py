"""Who may see and do what with a project. Views and templates both ask these rules."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kyodo.rules import is_admin, is_coordinator, is_department_staff, is_partner_user
from projects.models import Project


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


can_view_project = is_department_staff | is_coordinator | is_admin | is_project_partner
can_change_project = (is_owning_department | is_admin) & is_not_archived
can_comment_project = (is_owning_department | is_coordinator | is_admin) & is_not_archived

rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.add_project", is_department_staff | is_admin)
rules.add_perm("projects.change_project", can_change_project)
rules.add_perm("projects.comment_project", can_comment_project)
rules.add_perm("projects.archive_project", can_change_project)
rules.add_perm("projects.restore_project", (is_owning_department | is_admin) & is_archived)
rules.add_perm("projects.export_project", is_department_staff | is_coordinator | is_admin)
# Comments and the change history are the city's working notes, not shared with partners.
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
