"""Writes to the partner directory and to the city issues shared for matching."""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kyodo import audit
from kyodo.models import AuditEvent, Department, User
from kyodo.notify import notify
from kyodo.services import (
    DomainError,
    claim_archive_change,
    record_history_author,
    save_with_version,
)
from kyodo.text import search_index
from partners.models import ActivityField, CityIssue, Interest, Partner


def _index(partner: Partner) -> str:
    return search_index(
        partner.name, partner.name_kana, partner.representative, partner.mission, partner.themes
    )


@transaction.atomic
def partner_create(
    *, by: User | None, data: dict[str, Any], activity_fields: list[ActivityField]
) -> Partner:
    """Register a partner in the directory (by None: the demo data, entered by nobody)."""
    partner = Partner(**data)
    partner.search_index = _index(partner)
    record_history_author(partner, by=by, reason="登録")
    partner.save()
    partner.activity_fields.set(activity_fields)
    return partner


@transaction.atomic
def partner_update(
    *,
    partner: Partner,
    by: User,
    expected_version: int | None,
    data: dict[str, Any],
    activity_fields: list[ActivityField],
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
def partner_archive(*, partner: Partner, by: User) -> Partner:
    """Take a partner out of the directory lists; its records stay."""
    if partner.is_archived or not claim_archive_change(partner, archived=False):
        raise DomainError("この団体はすでにアーカイブされています。")
    partner.archived_at = timezone.now()
    record_history_author(partner, by=by, reason="アーカイブ")
    partner.save(update_fields=["archived_at", "updated_at"])
    # The archive page asks for no reason, so the line has none.
    audit.record(AuditEvent.Action.ARCHIVE, user=by, obj=partner)
    return partner


@transaction.atomic
def partner_restore(*, partner: Partner, by: User) -> Partner:
    """Bring an archived partner back."""
    if not partner.is_archived or not claim_archive_change(partner, archived=True):
        raise DomainError("この団体はアーカイブされていません。")
    partner.archived_at = None
    record_history_author(partner, by=by, reason="アーカイブから戻す")
    partner.save(update_fields=["archived_at", "updated_at"])
    audit.record(AuditEvent.Action.RESTORE, user=by, obj=partner)
    return partner


# Matching (第3-1(3)): city issues and partners' interest in them.


@transaction.atomic
def issue_create(
    *, by: User, department: Department, data: dict[str, Any], activity_fields: list[ActivityField]
) -> CityIssue:
    """Post an issue a department wants to solve with partners."""
    issue = CityIssue(**data, department=department, created_by=by)
    record_history_author(issue, by=by, reason="登録")
    issue.save()
    issue.activity_fields.set(activity_fields)
    return issue


@transaction.atomic
def issue_update(
    *,
    issue: CityIssue,
    by: User,
    expected_version: int | None,
    data: dict[str, Any],
    activity_fields: list[ActivityField],
) -> CityIssue:
    """Save an edit unless someone else saved the issue since the user loaded it."""
    if issue.is_archived:
        raise DomainError("アーカイブされた課題は編集できません。")
    for name, value in data.items():
        setattr(issue, name, value)
    save_with_version(issue, expected_version=expected_version, by=by)
    issue.activity_fields.set(activity_fields)
    return issue


@transaction.atomic
def issue_close(*, issue: CityIssue, by: User) -> CityIssue:
    """Stop taking partners' interest in an issue; what was received stays."""
    issue = CityIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_archived:
        raise DomainError("アーカイブされた課題は操作できません。")
    if issue.closed_at is not None:
        raise DomainError("この課題の受付はすでに終了しています。")
    issue.closed_at = timezone.now()
    issue.version += 1  # the row is locked, so this cannot race
    record_history_author(issue, by=by, reason="受付を終了")
    issue.save(update_fields=["closed_at", "version"])
    return issue


def _issue_recipients(issue: CityIssue) -> QuerySet[User]:
    """The owning department's staff, and whoever posted the issue for them."""
    return User.objects.filter(
        Q(role=User.Role.DEPARTMENT, department_id=issue.department_id) | Q(pk=issue.created_by_id),
        is_active=True,
    )


@transaction.atomic
def interest_record(
    *, issue: CityIssue, partner: Partner, by: User, note: str = ""
) -> tuple[Interest, bool]:
    """Record that partner is interested in issue, once; tell the department on commit.

    Returns (interest, created): a second call returns the first record, unchanged.
    """
    # The issue row is locked, so a double click cannot create two records.
    issue = CityIssue.objects.select_for_update().get(pk=issue.pk)
    existing = Interest.objects.filter(issue=issue, partner=partner).first()
    if existing is not None:
        return existing, False
    if not issue.is_open:
        raise DomainError(f"この課題は「{issue.state_label}」のため、関心を受け付けていません。")
    if partner.is_archived:
        raise DomainError("アーカイブされた団体からは関心を伝えられません。")
    interest = Interest.objects.create(issue=issue, partner=partner, by=by, note=note.strip())
    body = f"「{partner.name}」から、課題「{issue.title}」に関心があるとの連絡が届きました。"
    if interest.note:
        body += f"\n\nひとこと:\n{interest.note}"
    transaction.on_commit(
        lambda: notify(
            _issue_recipients(issue),
            f"課題への関心: {issue.title}",
            body,
            issue.get_absolute_url(),
        ),
        robust=True,  # a mail failure must not undo the recorded interest
    )
    return interest, True
