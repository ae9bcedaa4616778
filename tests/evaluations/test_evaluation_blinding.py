"""No side learns another's ratings before giving its own: not on the evaluation pages, not
on the public page, not in the yearly report (ProcessEvaluation.objects.released())."""

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import ITEM_KEYS, ProcessEvaluation
from evaluations.report import year_report
from projects.models import Project, Status
from tests.factories import PartnerFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


def ratings(value: int) -> dict:
    return {
        **{f"{key}_rating": value for key in ITEM_KEYS},
        **{f"{key}_comment": "" for key in ITEM_KEYS},
    }


def submit(project, by, value, partner=None):
    return services.process_evaluation_save(
        project=project,
        by=by,
        partner=partner,
        expected_version=None,
        data=ratings(value),
        submit=True,
    )


@pytest.fixture
def disclosed(project):
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING, disclosure="public")
    project.refresh_from_db()
    return project


def public_html(client, project) -> str:
    return client.get(reverse("public:detail", args=[project.pk])).content.decode()


def test_it_publishes_no_average_while_only_the_city_has_submitted(client, disclosed, staff):
    submit(disclosed, staff, 1)

    html = public_html(client, disclosed)

    assert "協働の進め方の評価" not in html
    assert not ProcessEvaluation.objects.filter(project=disclosed).released().exists()


def test_it_publishes_no_average_while_only_the_partner_has_submitted(
    client, disclosed, partner_user, partner_org
):
    submit(disclosed, partner_user, 1, partner=partner_org)

    assert "協働の進め方の評価" not in public_html(client, disclosed)


def test_it_publishes_the_average_once_both_sides_have_submitted(
    client, disclosed, staff, partner_user, partner_org
):
    submit(disclosed, staff, 4)
    submit(disclosed, partner_user, 2, partner=partner_org)

    html = public_html(client, disclosed)

    assert "市とパートナー2者の平均" in html
    assert ">3.0<" in html


def test_it_waits_for_every_partner_of_the_project(
    disclosed, staff, partner_user, partner_org
):
    second = PartnerFactory(name="茅ヶ崎ビーチクラブ")
    ProjectPartnerFactory(project=disclosed, partner=second)
    submit(disclosed, staff, 4)
    submit(disclosed, partner_user, 2, partner=partner_org)

    assert not ProcessEvaluation.objects.filter(project=disclosed).released().exists()

    submit(disclosed, staff, 3, partner=second)
    assert ProcessEvaluation.objects.filter(project=disclosed).released().count() == 3


def test_it_leaves_half_submitted_projects_out_of_the_yearly_report(
    disclosed, other_project, staff, staff2, partner_user, partner_org
):
    submit(disclosed, staff, 4)  # the partner has not submitted yet
    Project.objects.filter(pk=other_project.pk).update(
        status=Status.EVALUATING, fiscal_year=disclosed.fiscal_year
    )
    other_project.refresh_from_db()
    submit(other_project, staff2, 3)
    submit(other_project, staff2, 3, partner=other_project.project_partners.get().partner)

    assert year_report(disclosed.fiscal_year).evaluations == 2  # the other project's two sides
