"""Create the departments, the partners and one user per role."""

from demo.data import DEMO_PASSWORD, DEPARTMENTS, PARTNERS, SURNAMES, TOWNS, USERS
from kyodo.models import Department, User
from partners.models import ActivityField, Partner
from partners.services import partner_create


def seed_departments() -> dict[str, Department]:
    """Get or create the departments, by name."""
    result = {}
    for name, bureau, order in DEPARTMENTS:
        result[name], _ = Department.objects.get_or_create(
            name=name, defaults={"bureau": bureau, "sort_order": order}
        )
    return result


def seed_partners() -> list[Partner]:
    """Get or create the partners, in the order of the table."""
    fields = {f.name: f for f in ActivityField.objects.all()}
    result = []
    for index, (name, kana, kind, field_names, themes, mission, members) in enumerate(PARTNERS):
        partner = Partner.objects.filter(name=name).first()
        if partner is None:
            partner = partner_create(
                by=None,
                data={
                    "name": name,
                    "name_kana": kana,
                    "kind": kind,
                    "representative": f"代表 {SURNAMES[index % 5]}",
                    "postal_code": f"253-00{10 + index}",
                    "address": f"茅ヶ崎市{TOWNS[index % 5]}{index + 1}-{index + 2}",
                    "phone": f"0467-{80 + index:02d}-{1000 + index * 37:04d}",
                    "email": f"info{index + 1}@example.jp",
                    "mission": mission,
                    "themes": themes,
                    "track_record": (
                        f"{2010 + index % 10}年から活動。{themes}に取り組んできました。"
                    ),
                    "member_count": members,
                    "founded_year": 2000 + index,
                },
                activity_fields=[fields[n] for n in field_names if n in fields],
            )
        result.append(partner)
    return result


def seed_users(departments: dict[str, Department], partners: list[Partner]) -> dict[str, User]:
    """Get or create the demo users, by username, all with the demo password."""
    result = {}
    for username, role, dept, partner_index, last, first in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                role=role,
                department=departments.get(dept) if dept else None,
                partner=partners[partner_index] if partner_index is not None else None,
                last_name=last,
                first_name=first,
                email=f"{username}@example.jp",
                is_staff=role == User.Role.ADMIN,
                is_superuser=role == User.Role.ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        result[username] = user
    return result
