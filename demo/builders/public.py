"""Decide what the public sees of each project, and post the departments' open issues."""

from datetime import date, timedelta

from demo.data import CITY_ISSUES
from kyodo.models import Department, User
from partners import services as partner_services
from partners.models import ActivityField, Partner
from projects.models import Disclosure, Project, Status


def set_disclosure(projects: list[Project]) -> None:
    """Publish the agreed agreements with their PDFs; keep a few projects private or partly so."""
    agreed = Project.objects.filter(agreement__versions__agreed_at__isnull=False).values_list(
        "pk", flat=True
    )
    Project.objects.filter(pk__in=list(agreed)).update(
        disclosure=Disclosure.PUBLIC, publish_agreement_pdf=True
    )
    closed = [p for p in projects if p.status == Status.COMPLETED and p.pk not in set(agreed)]
    for project in closed[1:4]:
        Project.objects.filter(pk=project.pk).update(
            disclosure=Disclosure.PRIVATE,
            disclosure_reason="相談に来た市民の個人的な事情を扱う事業のため、公開しない。",
        )
    for project in closed[4:6]:
        Project.objects.filter(pk=project.pk).update(
            disclosure=Disclosure.PARTIAL,
            disclosure_reason="参加者の名簿と写真は、個人情報のため公開しない。",
        )


def seed_city_issues(
    departments: dict[str, Department], partners: list[Partner], users: dict[str, User]
) -> None:
    """Post the issues departments want to solve with partners (第3-1(3))."""
    # The demo partner has shown interest in the first; the others have had no answer yet.
    fields = {f.name: f for f in ActivityField.objects.all()}
    today = date.today()
    posted = []
    for dept, username, title, description, field_names, days in CITY_ISSUES:
        issue = partner_services.issue_create(
            by=users[username],
            department=departments[dept],
            data={
                "title": title,
                "description": description,
                "open_until": today + timedelta(days=days),
            },
            activity_fields=[fields[name] for name in field_names if name in fields],
        )
        posted.append(issue)
    partner_services.interest_record(
        issue=posted[0],
        partner=partners[0],
        by=users["partner"],
        note="毎月の海岸清掃で集めたごみの記録があります。調べ方を一緒に考えられます。",
    )
