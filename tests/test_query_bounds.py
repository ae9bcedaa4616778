"""Lists make a fixed number of queries whatever the number of rows."""

import pytest
from django.urls import reverse

from partners.models import ActivityField
from tests.factories import PartnerFactory, ProjectFactory, ProjectPartnerFactory


@pytest.fixture
def many_projects(department, partner_org):
    fields = list(ActivityField.objects.all()[:3])
    for n in range(30):
        project = ProjectFactory(title=f"事業{n}", department=department, budget=n * 1000)
        ProjectPartnerFactory(project=project, partner=partner_org, role="agreement")
        extra = PartnerFactory()
        extra.activity_fields.set(fields)
        ProjectPartnerFactory(project=project, partner=extra, role="agreement")


PAGES = [
    ("dashboard", {}),
    ("projects:list", {}),
    ("projects:list", {"q": "事業", "implementation_form": "jigyo_kyoryoku", "sort": "-budget"}),
    ("partners:list", {}),
    ("partners:list", {"q": "テスト"}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
@pytest.mark.parametrize("who", ["staff", "coordinator", "partner_user"])
def test_it_lists_in_a_bounded_number_of_queries(
    client, request, many_projects, django_assert_max_num_queries, name, params, who
):
    client.force_login(request.getfixturevalue(who))
    # The dashboard gathers the most: counts, waiting items, score sheets, follow-ups.
    with django_assert_max_num_queries(16):
        response = client.get(reverse(name), params)
    assert response.status_code == 200


def test_it_shows_a_project_page_in_a_bounded_number_of_queries(
    client, staff, project, django_assert_max_num_queries
):
    client.force_login(staff)
    for n in range(5):
        ProjectPartnerFactory(project=project, partner=PartnerFactory(name=f"追加団体{n}"))
    with django_assert_max_num_queries(35):
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
