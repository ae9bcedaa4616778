"""Personas and shared fixtures (STYLE.md: staff of the owning department, staff of another
department, 市民自治推進課, the project's partner, a partner of another project, anonymous)."""

from datetime import date

import pytest

from kyodo.models import User
from tests.factories import (
    DepartmentFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    UserFactory,
)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="環境政策課", bureau="環境部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="福祉政策課", bureau="福祉部")


@pytest.fixture
def partner_org(db):
    return PartnerFactory(name="NPO法人 湘南なぎさネット")


@pytest.fixture
def other_partner_org(db):
    return PartnerFactory(name="茅ヶ崎子ども食堂ネットワーク")


@pytest.fixture
def staff(department):
    return UserFactory(username="staff", department=department)


@pytest.fixture
def staff2(other_department):
    return UserFactory(username="staff2", department=other_department)


@pytest.fixture
def coordinator(db):
    return UserFactory(
        username="coordinator",
        role=User.Role.COORDINATOR,
        department=DepartmentFactory(name="市民自治推進課"),
    )


@pytest.fixture
def partner_user(partner_org):
    return UserFactory(
        username="partner", role=User.Role.PARTNER, department=None, partner=partner_org
    )


@pytest.fixture
def partner2_user(other_partner_org):
    return UserFactory(
        username="partner2", role=User.Role.PARTNER, department=None, partner=other_partner_org
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(
        username="admin",
        role=User.Role.ADMIN,
        department=None,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def project(department, partner_org):
    project = ProjectFactory(title="海岸の里親活動", department=department)
    ProjectPartnerFactory(project=project, partner=partner_org)
    return project


@pytest.fixture
def other_project(other_department, other_partner_org):
    project = ProjectFactory(title="子ども食堂の支援", department=other_department)
    ProjectPartnerFactory(project=project, partner=other_partner_org)
    return project


@pytest.fixture
def personas(staff, staff2, coordinator, partner_user, partner2_user, admin_user):
    return {
        "staff": staff,
        "staff2": staff2,
        "coordinator": coordinator,
        "partner": partner_user,
        "partner2": partner2_user,
        "admin": admin_user,
        "anonymous": None,
    }


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Stored files (agreement PDFs) go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def proposal(project, staff, staff2):
    """A プロポーザル in 審査中: six criteria, three candidates, staff + staff2 on the panel."""
    from selection import services as services

    selection = services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={
            "method": "proposal",
            "call_start": date(2025, 4, 1),
            "call_end": date(2025, 4, 30),
            "summary": "",
        },
    )
    for name in ("団体A", "団体B", "団体C"):
        services.candidate_add(
            selection=selection,
            by=staff,
            partner=PartnerFactory(name=name),
            proposal_summary="提案",
        )
    services.reviewer_add(selection=selection, by=staff, user=staff)
    services.reviewer_add(selection=selection, by=staff, user=staff2)
    services.selection_open_call(selection=selection, by=staff)
    services.selection_close_call(selection=selection, by=staff)
    selection.refresh_from_db()
    return selection
