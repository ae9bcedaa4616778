"""Write a few lines of the audit log as the admin would find them."""

from kyodo import audit
from kyodo.models import AuditEvent, User
from projects.models import AgreementVersion


def seed_audit_trail(users: dict[str, User]) -> None:
    """Record who opened the first agreed agreements, and a mistyped password."""
    # The archived project is logged by its service; these are the reads a view would log.
    agreed = AgreementVersion.objects.filter(agreed_at__isnull=False).select_related(
        "agreement__project"
    )
    for version in agreed.order_by("pk")[:3]:
        label = f"協定書PDF（第{version.number}版）"
        for who, address in (
            (users["staff"], "192.0.2.10"),
            (users["partner"], "198.51.100.7"),
        ):
            audit.record(
                AuditEvent.Action.READ_AGREEMENT,
                user=who,
                address=address,
                obj=version,
                detail=label,
            )
    audit.record(AuditEvent.Action.LOGIN_FAILED, user=users["staff2"], address="192.0.2.11")
