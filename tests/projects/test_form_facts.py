"""Each 実施形態's own facts, asked by the form policy at the step that needs them."""

from datetime import date

import pytest
from django.urls import reverse

from kyodo.services import DomainError
from projects.models import HojoDetail, JigyoKyoryokuDetail, KoenDetail, Project, Status
from projects.policy import Step
from projects.services.project import project_add_partner
from projects.services.workflow import project_start
from projects.steps import step_states
from tests.factories import PartnerFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


def plan_missing(project: Project, detail=None) -> list[str]:
    return next(s for s in step_states(project, detail) if s.step == Step.PLAN).missing


def test_it_needs_a_partner_before_review_whatever_the_form(department):
    project = ProjectFactory(department=department)
    assert "パートナー（1団体以上）" in plan_missing(project)
    ProjectPartnerFactory(project=project)
    assert "パートナー（1団体以上）" not in plan_missing(project)


def test_it_needs_the_place_of_an_adoption_programme(department):
    project = ProjectFactory(department=department)
    detail = JigyoKyoryokuDetail.objects.create(project=project, is_adopt_program=True)
    assert "対象の場所" in plan_missing(project, detail)
    detail.adopt_place = "菱沼海岸の一部"
    assert "対象の場所" not in plan_missing(project, detail)


@pytest.mark.parametrize(
    ("form", "model", "facts", "missing"),
    [
        (
            "hojo",
            HojoDetail,
            {"decision_date": date(2025, 5, 1), "decision_number": "茅市第12号"},
            "交付決定日",
        ),
        (
            "koen",
            KoenDetail,
            {"approval_date": date(2025, 5, 1), "approval_number": "茅市第34号"},
            "後援の承認日",
        ),
    ],
)
def test_it_starts_a_subsidy_or_an_endorsement_only_once_it_is_decided(
    department, staff, form, model, facts, missing
):
    project = ProjectFactory(department=department, implementation_form=form, status="approved")
    ProjectPartnerFactory(project=project)
    detail = model.objects.create(project=project)

    with pytest.raises(DomainError, match=missing):
        project_start(project=project, by=staff)

    model.objects.filter(pk=detail.pk).update(**facts)
    project_start(project=project, by=staff)
    project.refresh_from_db()
    assert project.status == Status.ACTIVE


def test_it_takes_only_a_civic_group_or_community_organisation_as_designated_manager(
    department, staff, client
):
    project = ProjectFactory(department=department, implementation_form="shitei")
    business = PartnerFactory(name="株式会社 施設管理", kind="business")
    group = PartnerFactory(name="浜見平自治会", kind="community")

    with pytest.raises(DomainError, match="指定管理者のパートナーにできるのは"):
        project_add_partner(project=project, by=staff, partner=business, role="designated")
    project_add_partner(project=project, by=staff, partner=group, role="designated")

    client.force_login(staff)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "株式会社 施設管理" not in html  # not offered in the add-partner select


def test_it_warns_when_the_project_starts_outside_its_year(client, staff, project):
    Project.objects.filter(pk=project.pk).update(fiscal_year=2025, start_date=date(2022, 4, 1))
    client.force_login(staff)

    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert 'id="year-warning"' in html and "令和7年度" in html


def test_it_refuses_to_turn_a_project_with_a_business_into_a_designated_management(
    department, staff
):
    from projects.services.project import project_update

    project = ProjectFactory(department=department, implementation_form="itaku")
    ProjectPartnerFactory(project=project, partner=PartnerFactory(kind="business"))

    with pytest.raises(DomainError, match="実施形態を変えられません"):
        project_update(
            project=project,
            by=staff,
            expected_version=project.version,
            data={"implementation_form": "shitei"},
            detail_data={},
        )
    project.refresh_from_db()
    assert project.implementation_form == "itaku"
