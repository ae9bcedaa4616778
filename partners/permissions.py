"""Who may see and change a partner's profile and the city's issues for matching."""

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kyodo.models import User
from kyodo.rules import (
    is_admin,
    is_city_staff,
    is_coordinator,
    is_department_staff,
    is_partner_user,
)
from partners.models import CityIssue, Partner


@rules.predicate
def is_own_organisation(user: User | AnonymousUser, partner: Partner) -> bool:
    return is_partner_user(user) and partner.pk == user.partner_id


@rules.predicate
def is_not_archived(user: User | AnonymousUser, partner: Partner) -> bool:
    return partner.archived_at is None


@rules.predicate
def is_archived(user: User | AnonymousUser, partner: Partner) -> bool:
    return partner.archived_at is not None


rules.add_perm("partners.view_partner", is_city_staff | is_own_organisation)
rules.add_perm("partners.add_partner", is_city_staff)
rules.add_perm("partners.change_partner", (is_city_staff | is_own_organisation) & is_not_archived)
rules.add_perm("partners.archive_partner", (is_coordinator | is_admin) & is_not_archived)
rules.add_perm("partners.restore_partner", (is_coordinator | is_admin) & is_archived)


def get_partner_for(user: User, pk: int, *, perm: str = "partners.view_partner") -> Partner:
    """Fetch a partner for user: 404 if they must not know it, 403 if they may not do perm."""
    partner = get_object_or_404(
        Partner.objects.visible_to(user).prefetch_related("activity_fields"), pk=pk
    )
    if perm != "partners.view_partner" and not user.has_perm(perm, partner):
        raise PermissionDenied
    return partner


# Matching (第3-1(3)): issues departments post for partners. City staff see every issue, the
# partners that fit it and the interest received; partner users see the issues that are not
# archived and may say they are interested in an open one.


@rules.predicate
def is_issue_department(user: User | AnonymousUser, issue: CityIssue) -> bool:
    return is_department_staff(user) and issue.department_id == user.department_id


@rules.predicate
def is_issue_not_archived(user: User | AnonymousUser, issue: CityIssue) -> bool:
    return issue.archived_at is None


@rules.predicate
def is_issue_open(user: User | AnonymousUser, issue: CityIssue) -> bool:
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


def get_issue_for(user: User, pk: int, *, perm: str = "partners.view_cityissue") -> CityIssue:
    """Fetch a city issue for user: 404 if they must not know it, 403 if they may not do perm."""
    issue = get_object_or_404(
        CityIssue.objects.visible_to(user)
        .select_related("department", "created_by")
        .prefetch_related("activity_fields"),
        pk=pk,
    )
    if perm != "partners.view_cityissue" and not user.has_perm(perm, issue):
        raise PermissionDenied
    return issue
