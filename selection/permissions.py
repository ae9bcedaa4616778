"""Who may see and do what in a project's partner selection (第2-2).

Proposals and scores are the city's working papers: the owning department, 市民自治推進課 and
the panel's members see them; other staff know only that a selection exists; partners
(candidates included) see none of it.
"""

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kyodo.models import User
from kyodo.rules import is_admin, is_city_staff, is_coordinator
from projects.permissions import get_project_for, is_not_archived, is_owning_department
from selection.models import Reviewer, Selection


@rules.predicate
def is_selection_owner(user: User | AnonymousUser, selection: Selection) -> bool:
    return is_owning_department(user, selection.project)


@rules.predicate
def is_panel_member(user: User | AnonymousUser, selection: Selection) -> bool:
    if not user.is_authenticated:
        return False
    return any(r.user_id == user.pk for r in selection.reviewers.all())


@rules.predicate
def project_is_open_for_steps(user: User | AnonymousUser, selection: Selection) -> bool:
    return user.has_perm("projects.change_steps", selection.project)


rules.add_perm("selection.view_selection", is_city_staff)
rules.add_perm(
    "selection.view_proposals", is_selection_owner | is_coordinator | is_admin | is_panel_member
)
rules.add_perm(
    "selection.manage_selection", (is_selection_owner | is_admin) & project_is_open_for_steps
)


@rules.predicate
def is_own_seat(user: User | AnonymousUser, reviewer: Reviewer) -> bool:
    return user.is_authenticated and reviewer.user_id == user.pk


@rules.predicate
def is_external_seat_managed_by(user: User | AnonymousUser, reviewer: Reviewer) -> bool:
    # An outside member has no log-in: the department types their sheet in for them.
    return reviewer.user_id is None and user.has_perm(
        "selection.manage_selection", reviewer.selection
    )


@rules.predicate
def is_seat_of_active_project(user: User | AnonymousUser, reviewer: Reviewer) -> bool:
    return is_not_archived(user, reviewer.selection.project)


rules.add_perm(
    "selection.score_sheet",
    (is_own_seat | is_external_seat_managed_by) & is_seat_of_active_project,
)


def sees_all_scores(user: User, selection: Selection) -> bool:
    """Everyone allowed to read proposals, except a panel member whose own sheet is pending."""
    if not user.has_perm("selection.view_proposals", selection):
        return False
    own = next((r for r in selection.reviewers.all() if r.user_id == user.pk), None)
    return own is None or own.has_submitted


def get_selection_for(user: User, pk: int, *, perm: str = "selection.view_selection") -> Selection:
    """The selection of project pk: 404 if user must not know it, 403 if they may not do perm."""
    project = get_project_for(user, pk)
    if not user.has_perm("selection.view_selection"):
        raise Http404
    selection = get_object_or_404(
        Selection.objects.select_related(
            "project__department", "chosen_partner", "decided_by"
        ).prefetch_related("reviewers__user"),
        project=project,
    )
    selection.project = project
    if perm == "selection.view_selection":
        return selection
    if not user.has_perm("selection.view_proposals", selection):
        raise Http404
    if perm != "selection.view_proposals" and not user.has_perm(perm, selection):
        raise PermissionDenied
    return selection
