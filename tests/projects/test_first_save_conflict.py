"""Two people open a step page before its record exists; the second save is told what
happened, keeps what was typed, and can be saved again (the blank version of the form)."""

import pytest
from django.urls import reverse

from projects.models import Eligibility
from selection.models import Selection
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONFLICT = "ほかの人がこの記録を更新しました"
ANSWERS = {
    "widens_service": "True",
    "widens_service_reason": "地域の団体が加わると参加者が増える",
    "touches_lives": "True",
    "touches_lives_reason": "毎日使う海岸のこと",
    "expertise": "海岸清掃の長年の経験",
    "cost_only": "False",
    "cost_only_reason": "費用を減らすためではない",
}
SELECTION = {
    "method": "sole",
    "sole_source_reason": "この海岸で活動している唯一の団体",
    "summary": "",
}


@pytest.fixture
def colleague(staff):
    return UserFactory(role="department", department=staff.department)


@pytest.mark.parametrize(
    ("view", "first", "second", "typed"),
    [
        (
            "projects:eligibility",
            ANSWERS,
            {**ANSWERS, "expertise": "子育て世帯とのつながり"},
            "子育て世帯とのつながり",
        ),
        (
            "selection:overview",
            SELECTION,
            {**SELECTION, "sole_source_reason": "地域の清掃を30年続けてきた団体だけが担える"},
            "地域の清掃を30年続けてきた団体だけが担える",
        ),
    ],
)
def test_it_explains_the_conflict_and_keeps_the_input_of_the_second_first_save(
    client, project, staff, colleague, view, first, second, typed
):
    url = reverse(view, args=[project.pk])
    client.force_login(staff)
    blank_page = client.get(url).content.decode()
    assert 'name="version"' in blank_page
    client.force_login(colleague)
    assert client.post(url, {**first, "version": ""}).status_code == 302  # created first

    client.force_login(staff)
    response = client.post(url, {**second, "version": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html
    assert typed in html  # what this user typed is still in the form
    assert "この項目は必須です" not in html
    form = response.context["form"]
    assert form.data["version"] == "1"  # the next save, made knowingly, goes through

    assert client.post(url, form.data).status_code == 302
    if view == "projects:eligibility":
        assert Eligibility.objects.get(project=project).expertise == typed
    else:
        assert Selection.objects.get(project=project).sole_source_reason == typed
