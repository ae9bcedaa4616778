"""Errors and helpers that every app's services share."""

from django.db import models
from django.db.models import F

from kyodo.models import User


class DomainError(Exception):
    """A rule of the domain refused the action; the message is shown to the user."""


class ConflictError(DomainError):
    """Someone else saved the record after this user started editing it."""

    def __init__(self, current: models.Model):
        self.current = current
        # Every record edited with a lock has a version; they share no base class.
        self.current_version: int = current.version  # type: ignore[attr-defined]
        super().__init__(
            "あなたが編集を始めた後に、ほかの人がこの記録を更新しました。"
            "入力した内容はそのまま残しています。下の最新の内容と見比べてから、もう一度保存してください。"
        )


def save_with_version(
    instance: models.Model, *, expected_version: int | None, by: User, reason: str = ""
) -> None:
    """Save instance only if nobody saved it since expected_version; bump the version.

    Must run inside a transaction: the version is claimed first with a conditional UPDATE,
    so two concurrent saves cannot both pass. No expected version means the user saw no
    record at all: someone else has created it since, which is a conflict too.
    """
    model = type(instance)
    if expected_version is None or not model._default_manager.filter(
        pk=instance.pk, version=expected_version
    ).update(version=F("version") + 1):
        raise ConflictError(model._default_manager.get(pk=instance.pk))
    # Every versioned model declares `version`; they share no base class to say so.
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    record_history_author(instance, by=by, reason=reason)
    instance.save()


def claim_archive_change(instance: models.Model, *, archived: bool) -> bool:
    """Bump the edit version if the record is still archived (or not) as the caller saw it.

    An edit form opened before an archive or a restore then fails its version check instead
    of saving the old state back, and of two racing archives only one goes through.
    """
    model = type(instance)
    claimed = model._default_manager.filter(
        pk=instance.pk, archived_at__isnull=not archived
    ).update(version=F("version") + 1)
    instance.refresh_from_db(fields=["version"])
    return bool(claimed)


def record_history_author(instance: models.Model, *, by: User | None, reason: str = "") -> None:
    """Tell django-simple-history who makes the next save and why."""
    # simple-history reads these attributes, which it documents but no stub declares.
    instance._history_user = by  # type: ignore[attr-defined]
    if reason:
        # simple-history keeps the reason in 100 characters (PostgreSQL refuses more).
        reason = reason if len(reason) <= 100 else reason[:99] + "…"
        instance._change_reason = reason  # type: ignore[attr-defined]


def save_record(
    instance: models.Model, *, expected_version: int | None, by: User, reason: str = ""
) -> None:
    """Create instance, or save it with the optimistic lock if it already exists."""
    if instance._state.adding:
        record_history_author(instance, by=by, reason=reason)
        instance.save()
    else:
        save_with_version(instance, expected_version=expected_version, by=by, reason=reason)
