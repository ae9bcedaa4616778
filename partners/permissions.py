"""Who may see and change a partner's profile."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kyodo.rules import (
    is_admin,
    is_city_staff,
    is_coordinator,
    is_department_staff,
    is_partner_user,
)
from partners.models import Partner


@rules.predicate
def is_own_organisation(user, partner: Partner) -> bool:
    return is_partner_user(user) and partner.pk == user.partner_id


@rules.predicate
def is_not_archived(user, partner: Partner) -> bool:
    return partner.archived_at is None


@rules.predicate
def is_archived(user, partner: Partner) -> bool:
    return partner.archived_at is not None


rules.add_perm("partners.view_partner", is_city_staff | is_own_organisation)
rules.add_perm("partners.add_partner", is_city_staff)
rules.add_perm("partners.change_partner", (is_city_staff | is_own_organisation) & is_not_archived)
rules.add_perm("partners.archive_partner", (is_coordinator | is_admin) & is_not_archived)
rules.add_perm("partners.restore_partner", (is_coordinator | is_admin) & is_archived)


def get_partner_for(user, pk: int, *, perm: str = "partners.view_partner") -> Partner:
    """Fetch a partner for user: 404 if they must not know it, 403 if they may not do perm."""
    partner = get_object_or_404(
        Partner.objects.visible_to(user).prefetch_related("activity_fields"), pk=pk
    )
    if perm != "partners.view_partner" and not user.has_perm(perm, partner):
        raise PermissionDenied
    return partner


# Partner selection (第2-2). Proposals and scores are the city's working papers: the owning
# department, 市民自治推進課 and the panel's members see them; other staff know only that a
# selection exists; partners (candidates included) see none of it.


def _project(selection):
    return selection.project


@rules.predicate
def is_selection_owner(user, selection) -> bool:
    from projects.permissions import is_owning_department

    return is_owning_department(user, _project(selection))


@rules.predicate
def is_panel_member(user, selection) -> bool:
    if not user.is_authenticated:
        return False
    return any(r.user_id == user.pk for r in selection.reviewers.all())


@rules.predicate
def project_is_open_for_steps(user, selection) -> bool:
    return user.has_perm("projects.change_steps", _project(selection))


rules.add_perm("partners.view_selection", is_city_staff)
rules.add_perm(
    "partners.view_proposals", is_selection_owner | is_coordinator | is_admin | is_panel_member
)
rules.add_perm(
    "partners.manage_selection", (is_selection_owner | is_admin) & project_is_open_for_steps
)


@rules.predicate
def is_own_seat(user, reviewer) -> bool:
    return user.is_authenticated and reviewer.user_id == user.pk


@rules.predicate
def is_external_seat_managed_by(user, reviewer) -> bool:
    # An outside member has no log-in: the department types their sheet in for them.
    return reviewer.user_id is None and user.has_perm(
        "partners.manage_selection", reviewer.selection
    )


rules.add_perm("partners.score_sheet", is_own_seat | is_external_seat_managed_by)


def sees_all_scores(user, selection) -> bool:
    """Everyone allowed to read proposals, except a panel member whose own sheet is pending."""
    if not user.has_perm("partners.view_proposals", selection):
        return False
    own = next((r for r in selection.reviewers.all() if r.user_id == user.pk), None)
    return own is None or own.has_submitted


def get_selection_for(user, pk: int, *, perm: str = "partners.view_selection"):
    """The selection of project pk: 404 if user must not know it, 403 if they may not do perm."""
    from partners.models import Selection
    from projects.permissions import get_project_for

    project = get_project_for(user, pk)
    if not user.has_perm("partners.view_selection"):
        raise Http404
    selection = get_object_or_404(
        Selection.objects.select_related(
            "project__department", "chosen_partner", "decided_by"
        ).prefetch_related("reviewers__user"),
        project=project,
    )
    selection.project = project
    if perm == "partners.view_selection":
        return selection
    if not user.has_perm("partners.view_proposals", selection):
        raise Http404
    if perm != "partners.view_proposals" and not user.has_perm(perm, selection):
        raise PermissionDenied
    return selection


# Matching (第3-1(3)): issues departments post for partners. City staff see every issue, the
# partners that fit it and the interest received; partner users see the issues that are not
# archived and may say they are interested in an open one.


@rules.predicate
def is_issue_department(user, issue) -> bool:
    return is_department_staff(user) and issue.department_id == user.department_id


@rules.predicate
def is_issue_not_archived(user, issue) -> bool:
    return issue.archived_at is None


@rules.predicate
def is_issue_open(user, issue) -> bool:
    return issue.is_open


rules.add_perm("partners.list_cityissues", is_city_staff | is_partner_user)
rules.add_perm("partners.view_cityissue", is_city_staff | (is_partner_user & is_issue_not_archived))
rules.add_perm("partners.add_cityissue", is_department_staff | is_coordinator | is_admin)
rules.add_perm(
    "partners.change_cityissue",
    (is_issue_department | is_coordinator | is_admin) & is_issue_not_archived,
)
# Whether the issue is still open is the service's to say (a clear message, not a bare 403).
rules.add_perm(
    "partners.close_cityissue",
    (is_issue_department | is_coordinator | is_admin) & is_issue_not_archived,
)
rules.add_perm("partners.view_issue_matches", is_city_staff)
# Used by the template to show the button; the view lets any partner user try, so that one
# acting on a stale page hears that the issue has closed.
rules.add_perm("partners.express_interest", is_partner_user & is_issue_open)


def get_issue_for(user, pk: int, *, perm: str = "partners.view_cityissue"):
    """Fetch a city issue for user: 404 if they must not know it, 403 if they may not do perm."""
    from partners.models import CityIssue

    issue = get_object_or_404(
        CityIssue.objects.visible_to(user)
        .select_related("department", "created_by")
        .prefetch_related("activity_fields"),
        pk=pk,
    )
    if perm != "partners.view_cityissue" and not user.has_perm(perm, issue):
        raise PermissionDenied
    return issue
