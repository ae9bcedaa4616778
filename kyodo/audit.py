"""The audit log: one function to write a line, one to read the client's address."""

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from kyodo.models import AuditEvent, User

Action = AuditEvent.Action


def client_address(request: HttpRequest) -> str | None:
    """The address of the browser that sent the request.

    Behind the reverse proxy (KYODO_BEHIND_PROXY), nginx appends the client's address to
    X-Forwarded-For: the last entry is the one the proxy saw, earlier ones can be forged.
    """
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.KYODO_BEHIND_PROXY and forwarded:
        address = forwarded.split(",")[-1].strip()
    return address or None


class _FromRequest:
    """The default of record()'s user: the request's, if someone is logged in."""


_FROM_REQUEST = _FromRequest()


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: User | None | _FromRequest = _FROM_REQUEST,
    username: str = "",
    address: str | None = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one line to the audit log.

    user and address default to the request's (pass user=None for "no account", e.g. a
    failed log-in under a name that does not exist, even while someone is logged in).
    """
    if isinstance(user, _FromRequest):
        user = request.user if request is not None and request.user.is_authenticated else None
    if user is not None and not username:
        username = user.get_username()
    if address is None and request is not None:
        address = client_address(request)
    event = AuditEvent(
        action=action,
        user=user,
        username=username[:150],
        address=address or None,
        detail=detail[:300],
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_label = str(obj)[:300]
    event.save()
    return event
