"""Log-in throttling against password guessing, kept in the audit log.

The failures are counted from AuditEvent rows, not from a cache, so that every application
server sees the same count. Within the last KYODO_LOGIN_LOCK_SECONDS, an account (the typed
username, compared case-insensitively, whether or not such an account exists) may fail
KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT times and an address KYODO_LOGIN_MAX_FAILURES_PER_ADDRESS
times; a successful log-in or an administrator's UNLOCK starts the count again. Attempts
refused while blocked (LOGIN_LOCKED) do not count, and the password is not checked for them.

Requests that arrive at the same moment are checked before any of them is written, so a
burst of parallel guesses can go a few past the limit; the limit still holds per window.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kyodo import audit
from kyodo.models import AuditEvent, User

Action = AuditEvent.Action
_COUNTED = [Action.LOGIN_FAILED, Action.LOGIN_SUCCEEDED, Action.UNLOCK]
_RESETS = {Action.LOGIN_SUCCEEDED, Action.UNLOCK}


@dataclass(frozen=True)
class Block:
    """Why log-in is refused for now, and until when."""

    reason: Literal["account", "address"]
    until: datetime

    @property
    def minutes_left(self) -> int:
        seconds = (self.until - timezone.now()).total_seconds()
        return max(1, math.ceil(seconds / 60))


def _window() -> timedelta:
    return timedelta(seconds=settings.KYODO_LOGIN_LOCK_SECONDS)


def _blocked_until(events: Iterable[AuditEvent], limit: int) -> datetime | None:
    """When the key may try again, from its events in the window (oldest first), or None.

    Only failures after the last success or unlock count; events older than the window
    are left out by the caller, as neither their failures nor their resets matter any more.
    """
    failures: list[datetime] = []
    for event in events:
        if event.action in _RESETS:
            failures = []
        elif event.action == Action.LOGIN_FAILED:
            failures.append(event.at)
    if limit < 1 or len(failures) < limit:
        return None
    # The lock lifts when the limit-th newest failure leaves the window.
    return failures[-limit] + _window()


def login_blocked(username: str, address: str | None) -> Block | None:
    """Whether a log-in as username from address must be refused without checking it."""
    key = username.lower()
    # Compare with the stored form (IPv6 is kept compressed).
    address = AuditEvent._meta.get_field("address").get_prep_value(address)
    match = Q(username__iexact=username) if username else Q(pk__in=[])
    if address:
        match |= Q(address=address)
    events = list(
        AuditEvent.objects.filter(match, action__in=_COUNTED, at__gt=timezone.now() - _window())
        .order_by("at", "pk")
        .only("action", "at", "username", "address")
    )

    blocks = []
    if username:
        until = _blocked_until(
            (e for e in events if e.username.lower() == key),
            settings.KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT,
        )
        if until:
            blocks.append(Block("account", until))
    if address:
        until = _blocked_until(
            (e for e in events if e.address == address),
            settings.KYODO_LOGIN_MAX_FAILURES_PER_ADDRESS,
        )
        if until:
            blocks.append(Block("address", until))
    # When both are blocked, the later one says when a try can succeed.
    return max(blocks, key=lambda b: b.until, default=None)


def locked_usernames() -> set[str]:
    """The usernames (lower case) that cannot log in now because of their own failures."""
    events = (
        AuditEvent.objects.filter(action__in=_COUNTED, at__gt=timezone.now() - _window())
        .exclude(username="")
        .order_by("at", "pk")
        .only("action", "at", "username")
    )
    by_name: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_name.setdefault(event.username.lower(), []).append(event)
    limit = settings.KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT
    return {name for name, rows in by_name.items() if _blocked_until(rows, limit)}


def login_refused(*, request: HttpRequest | None, username: str, block: Block) -> AuditEvent:
    """Record an attempt turned away while blocked."""
    reason = "ユーザー名" if block.reason == "account" else "接続元アドレス"
    return audit.record(
        Action.LOGIN_LOCKED,
        request=request,
        user=_account(username),
        username=username,
        detail=f"{reason}の失敗回数が上限に達しているため、パスワードを確かめずに拒否",
    )


def login_failed(
    *, request: HttpRequest | None, username: str, password_right: bool = False
) -> AuditEvent:
    """Record a failed log-in under the typed username (and the account, if there is one).

    password_right: the password was right but the account may not log in there (inactive,
    or /admin/ without staff rights). It counts all the same: it is still a refused log-in.
    """
    return audit.record(
        Action.LOGIN_FAILED,
        request=request,
        user=_account(username),
        username=username,
        detail="パスワードは正しいが、ここではログインできない利用者" if password_right else "",
    )


def login_succeeded(*, request: HttpRequest | None, user: User) -> AuditEvent:
    """Record a successful log-in, which starts the failure counts again."""
    return audit.record(Action.LOGIN_SUCCEEDED, request=request, user=user)


def unlock(*, username: str = "", address: str | None = "", by: User) -> AuditEvent:
    """Lift the restriction for a username and/or an address, as the administrator by."""
    if not username and not address:
        raise ValueError("unlock needs a username or an address")
    # Not audit.record(): its username would default to the administrator's own, and an
    # unlock of an address alone must not reset the administrator's failure count.
    return AuditEvent.objects.create(
        action=Action.UNLOCK,
        user=by,
        username=username[:150],
        address=address or None,
        detail=f"解除した人: {by.get_username()}"[:300],
    )


def _account(username: str) -> User | None:
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()
