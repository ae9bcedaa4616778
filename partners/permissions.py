"""Who may see and change a partner's profile."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kyodo.rules import is_admin, is_city_staff, is_coordinator, is_partner_user
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
