"""Create demonstration data: departments, one user per role, partners and projects.

Idempotent: a second run adds nothing. Refuses to run with DEBUG off, so that the demo
passwords can never reach a production database.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.builders import agreements, audit, evaluations, people, projects, public, selection
from demo.data import PARTNERS, USERS
from kyodo.models import Department, User
from partners.models import Partner
from projects.models import Project


class Command(BaseCommand):
    help = "デモ用のデータ（所管課、各役割の利用者、パートナー、協働事業）を作ります。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG が無効なため中止しました。デモ用のパスワードを本番に入れないためです。"
            )
        with transaction.atomic():
            departments = people.seed_departments()
            partners = people.seed_partners()
            users = people.seed_users(departments, partners)
            created = 0
            # Projects, and everything that hangs on them, go into an empty database only.
            if not Project.objects.exists():
                created = len(seed_projects(departments, partners, users))
        self.stdout.write(self.style.SUCCESS(f"デモデータ: 協働事業を{created}件追加しました。"))
        self.stdout.write("ログインできるデモ用の利用者（パスワードはすべて kyodo-demo）:")
        for username, role, dept, partner_index, *_ in USERS:
            where = dept or (PARTNERS[partner_index][0] if partner_index is not None else "")
            where = "" if where in ("", role.label) else f"・{where}"
            self.stdout.write(f"  {username:<12} {role.label}{where}")
        self.stdout.write("http://127.0.0.1:8000/ を開いてログインしてください。")


def seed_projects(
    departments: dict[str, Department], partners: list[Partner], users: dict[str, User]
) -> list[Project]:
    """Create the projects and take each through its steps; return those of the plan."""
    created = projects.seed_projects(departments, partners, users)
    showcases = selection.pick_showcases(created, users)
    projects.record_steps(created, users, {p.pk for p in showcases.values()})
    projects.add_growth_and_comments(created, users)
    projects.add_review_threads(created, users)
    agreements.seed_agreements(created, partners, users)
    selection.seed_selections(showcases, partners, users)
    evaluations.seed_evaluations(created, partners, users)
    public.set_disclosure(created)
    public.seed_city_issues(departments, partners, users)
    audit.seed_audit_trail(users)
    return created
