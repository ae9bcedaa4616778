"""Writes to the partner directory."""

from django.db import transaction
from django.utils import timezone

from kyodo.services import DomainError, record_history_author, save_with_version
from kyodo.text import search_index
from partners.models import ActivityField, Partner


def _index(partner: Partner) -> str:
    return search_index(
        partner.name, partner.name_kana, partner.representative, partner.mission, partner.themes
    )


@transaction.atomic
def partner_create(*, by, data: dict, activity_fields: list[ActivityField]) -> Partner:
    """Register a partner in the directory."""
    partner = Partner(**data)
    partner.search_index = _index(partner)
    record_history_author(partner, by=by, reason="登録")
    partner.save()
    partner.activity_fields.set(activity_fields)
    return partner


@transaction.atomic
def partner_update(
    *, partner: Partner, by, expected_version: int, data: dict, activity_fields: list[ActivityField]
) -> Partner:
    """Save an edit unless someone else saved the partner since the user loaded it."""
    if partner.is_archived:
        raise DomainError("アーカイブされた団体は編集できません。")
    for name, value in data.items():
        setattr(partner, name, value)
    partner.search_index = _index(partner)
    save_with_version(partner, expected_version=expected_version, by=by)
    partner.activity_fields.set(activity_fields)
    return partner


@transaction.atomic
def partner_archive(*, partner: Partner, by) -> Partner:
    """Take a partner out of the directory lists; its records stay."""
    if partner.is_archived:
        raise DomainError("この団体はすでにアーカイブされています。")
    partner.archived_at = timezone.now()
    record_history_author(partner, by=by, reason="アーカイブ")
    partner.save(update_fields=["archived_at", "updated_at"])
    return partner


@transaction.atomic
def partner_restore(*, partner: Partner, by) -> Partner:
    """Bring an archived partner back."""
    if not partner.is_archived:
        raise DomainError("この団体はアーカイブされていません。")
    partner.archived_at = None
    record_history_author(partner, by=by, reason="アーカイブから戻す")
    partner.save(update_fields=["archived_at", "updated_at"])
    return partner
