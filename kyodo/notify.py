"""E-mail notices (Django's mail: console by default, SMTP through the environment)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail

from kyodo.models import User


def absolute_url(path: str) -> str:
    return settings.KYODO_BASE_URL.rstrip("/") + path


def notify(recipients: Iterable[User], subject: str, body: str, path: str) -> int:
    """Send one plain-text notice to each user with an e-mail address; return how many."""
    addresses = sorted({u.email for u in recipients if u.email})
    if not addresses:
        return 0
    text = (
        f"{body}\n\n{absolute_url(path)}\n\n-- \nkyodo 協働事業管理（{settings.KYODO_CITY_NAME}）"
    )
    for address in addresses:
        send_mail(f"[kyodo] {subject}", text, settings.DEFAULT_FROM_EMAIL, [address])
    return len(addresses)
