"""The seed_demo command: refused without DEBUG, and safe to run twice."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from kyodo.models import AuditEvent, Department, User
from partners.models import Partner
from projects.models import Comment, ImplementationForm, Project, ProjectPartner

DEMO_USERS = ["staff", "staff2", "coordinator", "partner", "partner2", "admin"]


def seed() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Department, User, Partner, Project, ProjectPartner, Comment, AuditEvent]
    counted = {model.__name__: model.objects.count() for model in models}
    counted["ProjectHistory"] = Project.history.count()
    counted["PartnerHistory"] = Partner.history.count()
    return counted


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    # Seeding takes seconds (it prints agreement PDFs): do it once for this module, inside a
    # transaction that is rolled back afterwards so no other test sees the demo data.
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(_seeded_once, db) -> str:
    return _seeded_once


@pytest.mark.django_db
def test_it_refuses_to_seed_with_debug_off_and_writes_nothing():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Project.objects.exists()
    assert not Partner.objects.exists()


def test_it_adds_nothing_when_run_a_second_time(seeded):
    first = counts()
    assert "協働事業を0件追加しました" not in seeded
    second_output = seed()
    assert counts() == first
    assert "協働事業を0件追加しました" in second_output


def test_it_seeds_at_least_sixty_projects_in_all_seven_forms(seeded):
    assert Project.objects.count() >= 60
    forms = set(Project.objects.values_list("implementation_form", flat=True))
    assert forms == set(ImplementationForm.values)
    assert Project.objects.filter(archived_at__isnull=False).count() == 1
    assert Project.objects.exclude(origin=None).exists()


def test_it_lets_every_demo_user_log_in_with_the_demo_password(seeded):
    for username in DEMO_USERS:
        user = authenticate(username=username, password="kyodo-demo")
        assert user is not None, username
        assert user.username == username
        assert authenticate(username=username, password="wrong-password") is None


def test_it_gives_each_demo_user_the_role_it_is_named_for(seeded):
    roles = dict(User.objects.filter(username__in=DEMO_USERS).values_list("username", "role"))
    assert roles == {
        "staff": User.Role.DEPARTMENT,
        "staff2": User.Role.DEPARTMENT,
        "coordinator": User.Role.COORDINATOR,
        "partner": User.Role.PARTNER,
        "partner2": User.Role.PARTNER,
        "admin": User.Role.ADMIN,
    }
    staff, staff2 = User.objects.get(username="staff"), User.objects.get(username="staff2")
    assert staff.department != staff2.department
    assert Project.objects.filter(department=staff.department).exists()
    assert Project.objects.filter(department=staff2.department).exists()


@pytest.mark.parametrize("username", ["partner", "partner2"])
def test_it_gives_each_demo_partner_user_projects_to_see(seeded, username):
    user = User.objects.get(username=username)
    visible = Project.objects.visible_to(user)
    assert visible.exists()
    assert visible.count() < Project.objects.count()


def test_it_keeps_the_demo_partner_users_apart(seeded):
    partner = User.objects.get(username="partner")
    partner2 = User.objects.get(username="partner2")
    assert partner.partner != partner2.partner
    assert set(Project.objects.visible_to(partner)) != set(Project.objects.visible_to(partner2))


def test_it_gives_seeded_records_a_search_index(seeded):
    assert not Project.objects.filter(search_index="").exists()
    assert not Partner.objects.filter(search_index="").exists()


def test_it_leaves_an_audit_trail_for_the_admin_to_find(seeded):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"read_agreement", "archive", "login_failed"} <= actions
    reads = AuditEvent.objects.filter(action="read_agreement")
    assert reads.filter(user__username="partner").exists()
    assert all(event.object_label and event.address for event in reads)
