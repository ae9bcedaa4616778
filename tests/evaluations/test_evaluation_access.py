"""Who reaches which evaluation page, and the hidden-until-both rule seen through the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import (
    ITEM_KEYS,
    BeneficiarySurvey,
    ClosingDecision,
    ProcessEvaluation,
    ResultEvaluation,
)
from projects.models import Project, Status
from tests.factories import PartnerFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "staff2", "coordinator", "partner", "partner2", "admin"]
LOGIN = "login"


def by_role(anonymous, staff, staff2, coordinator, partner, partner2, admin) -> dict:
    return dict(
        zip(ROLES, [anonymous, staff, staff2, coordinator, partner, partner2, admin], strict=True)
    )


def ratings(value: int = 4, comment: str = "", **overrides) -> dict:
    data = {f"{key}_rating": str(value) for key in ITEM_KEYS}
    data.update({f"{key}_comment": comment for key in ITEM_KEYS})
    data.update(overrides)
    return data


# What a GET of each page gives each role (the project is 評価中).
READS = {
    "overview": by_role(LOGIN, 200, 404, 200, 200, 404, 200),
    "compare": by_role(LOGIN, 200, 404, 200, 200, 404, 200),
    "city": by_role(LOGIN, 200, 404, 403, 403, 404, 200),
    "partner": by_role(LOGIN, 200, 404, 403, 200, 404, 200),
    "results": by_role(LOGIN, 200, 404, 403, 403, 404, 200),
    "survey": by_role(LOGIN, 200, 404, 403, 403, 404, 200),
    "decision": by_role(LOGIN, 200, 404, 403, 403, 404, 200),
}

# What a valid POST to each writing page gives each role, and what it would have created.
WRITES = {
    "city": (
        by_role(LOGIN, 302, 404, 403, 403, 404, 302),
        lambda: {**ratings(4), "version": "", "submit": "1"},
        lambda project: ProcessEvaluation.objects.filter(project=project, side="city"),
    ),
    "partner": (
        by_role(LOGIN, 302, 404, 403, 302, 404, 302),
        lambda: {**ratings(3), "version": "", "submit": "1"},
        lambda project: ProcessEvaluation.objects.filter(project=project, side="partner"),
    ),
    "results": (
        by_role(LOGIN, 302, 404, 403, 403, 404, 302),
        lambda: {"achieved": "海岸清掃を12回行った", "participants": "240", "version": ""},
        lambda project: ResultEvaluation.objects.filter(project=project),
    ),
    "survey": (
        by_role(LOGIN, 302, 404, 403, 403, 404, 302),
        lambda: {
            "is_open": "on",
            "paper_respondents": "0",
            "paper_done": "0",
            "paper_mostly": "0",
            "paper_hardly": "0",
            "paper_not_done": "0",
            "version": "",
        },
        lambda project: BeneficiarySurvey.objects.filter(project=project),
    ),
    "decision": (
        by_role(LOGIN, 302, 404, 403, 403, 404, 302),
        lambda: {"choice": "end", "next_form": "", "reason": "目的を果たした"},
        lambda project: ClosingDecision.objects.filter(project=project),
    ),
}


@pytest.fixture
def evaluating(project):
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING)
    project.refresh_from_db()
    return project


def page_url(name: str, project, partner_org) -> str:
    if name == "partner":
        return reverse("evaluations:partner", args=[project.pk, partner_org.pk])
    return reverse(f"evaluations:{name}", args=[project.pk])


def login_as(client, personas, role):
    if personas[role] is not None:
        client.force_login(personas[role])


def assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(READS))
def test_it_lets_each_role_read_only_what_it_may(
    client, personas, evaluating, partner_org, name, role
):
    login_as(client, personas, role)
    response = client.get(page_url(name, evaluating, partner_org))
    assert_status(response, READS[name][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(WRITES))
def test_it_lets_each_role_write_only_what_it_may(
    client, personas, evaluating, partner_org, name, role
):
    expected, data, created = WRITES[name]
    login_as(client, personas, role)
    response = client.post(page_url(name, evaluating, partner_org), data())
    assert_status(response, expected[role])
    if expected[role] == 302 and role != "anonymous":
        assert response.url == reverse("evaluations:overview", args=[evaluating.pk])
        assert created(evaluating).exists()
    else:
        assert not created(evaluating).exists()


def test_it_marks_a_partner_entered_by_the_department_as_on_behalf(
    client, staff, partner_user, evaluating, partner_org
):
    client.force_login(staff)
    client.post(page_url("partner", evaluating, partner_org), WRITES["partner"][1]())
    entered = ProcessEvaluation.objects.get(project=evaluating, partner=partner_org)
    assert entered.on_behalf and entered.entered_by == staff


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_another_partners_page_from_a_partner(
    client, partner_user, evaluating, other_partner_org, method
):
    ProjectPartnerFactory(project=evaluating, partner=other_partner_org)
    client.force_login(partner_user)
    url = reverse("evaluations:partner", args=[evaluating.pk, other_partner_org.pk])
    response = getattr(client, method)(url, {**ratings(1), "version": "", "submit": "1"})
    assert response.status_code == 404
    assert not ProcessEvaluation.objects.filter(partner=other_partner_org).exists()


@pytest.mark.parametrize("who", ["staff", "partner_user", "coordinator"])
def test_it_answers_404_for_a_partner_that_is_not_on_the_project(client, request, evaluating, who):
    stranger = PartnerFactory(name="関係のない団体")
    client.force_login(request.getfixturevalue(who))
    url = reverse("evaluations:partner", args=[evaluating.pk, stranger.pk])
    assert client.get(url).status_code == 404


def test_it_answers_404_for_a_project_that_does_not_exist(client, staff, partner_org):
    client.force_login(staff)
    assert client.get(reverse("evaluations:overview", args=[999_999])).status_code == 404


@pytest.mark.parametrize("status", [Status.APPROVED, Status.COMPLETED, "archived"])
def test_it_keeps_the_pages_readable_but_closed_outside_the_evaluation(
    client, staff, partner_user, project, partner_org, status
):
    if status == "archived":
        Project.objects.filter(pk=project.pk).update(
            status=Status.EVALUATING, archived_at=timezone.now()
        )
    else:
        Project.objects.filter(pk=project.pk).update(status=status)
    client.force_login(staff)
    for name in ("overview", "compare"):
        assert client.get(page_url(name, project, partner_org)).status_code == 200, name
    for name in ("city", "partner", "results", "survey", "decision"):
        assert client.get(page_url(name, project, partner_org)).status_code == 403, name
    client.force_login(partner_user)
    assert client.get(page_url("overview", project, partner_org)).status_code == 200
    assert client.get(page_url("partner", project, partner_org)).status_code == 403


# The report across projects --------------------------------------------------------------

REPORT = by_role(LOGIN, 403, 403, 200, 403, 403, 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["evaluation_report:index", "evaluation_report:export"])
def test_it_shows_the_report_only_to_the_coordinator_and_admin(client, personas, name, role):
    login_as(client, personas, role)
    response = client.get(reverse(name), {"year": 2025})
    assert_status(response, REPORT[role])


# Wrong methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("overview", "post"),
        ("compare", "post"),
        ("overview", "delete"),
        ("city", "put"),
        ("partner", "patch"),
        ("results", "delete"),
        ("survey", "put"),
        ("decision", "delete"),
    ],
)
def test_it_refuses_wrong_methods_on_the_project_pages(
    client, staff, evaluating, partner_org, name, method
):
    client.force_login(staff)
    response = getattr(client, method)(page_url(name, evaluating, partner_org))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["evaluation_report:index", "evaluation_report:export"])
def test_it_refuses_wrong_methods_on_the_report(client, coordinator, name):
    client.force_login(coordinator)
    assert client.post(reverse(name)).status_code == 405


def test_it_refuses_wrong_methods_on_the_public_questionnaire(client, evaluating, staff):
    survey = BeneficiarySurvey.objects.create(project=evaluating, is_open=True)
    assert client.put(reverse("survey", args=[survey.token])).status_code == 405
    assert client.delete(reverse("survey", args=[survey.token])).status_code == 405


# Hidden until both have submitted --------------------------------------------------------

CITY_SECRET = "市だけの所見ALPHA"
PARTNER_SECRET = "団体だけの所見OMEGA"


def submit(client, user, url, comment):
    client.force_login(user)
    response = client.post(url, {**ratings(3, comment), "version": "", "submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]


def seen_by(client, user, project) -> str:
    """Everything user can read of the evaluation: the overview and the comparison."""
    client.force_login(user)
    pages = [
        client.get(reverse("evaluations:overview", args=[project.pk])),
        client.get(reverse("evaluations:compare", args=[project.pk])),
    ]
    assert [p.status_code for p in pages] == [200, 200]
    return "".join(p.content.decode() for p in pages)


def test_it_hides_the_citys_answers_from_the_partner_until_the_partner_has_submitted(
    client, staff, coordinator, partner_user, evaluating, partner_org
):
    submit(client, staff, page_url("city", evaluating, partner_org), CITY_SECRET)
    assert CITY_SECRET in seen_by(client, staff, evaluating)
    assert CITY_SECRET not in seen_by(client, partner_user, evaluating)
    # A draft of its own is not enough.
    client.force_login(partner_user)
    partner_page = page_url("partner", evaluating, partner_org)
    draft = client.post(partner_page, {**ratings(2, "下書き"), "version": "", "save": "1"})
    assert draft.status_code == 302
    assert CITY_SECRET not in seen_by(client, partner_user, evaluating)
    assert CITY_SECRET not in client.get(partner_page).content.decode()

    version = ProcessEvaluation.objects.get(partner=partner_org).version
    done = client.post(
        partner_page, {**ratings(3, PARTNER_SECRET), "version": str(version), "submit": "1"}
    )
    assert done.status_code == 302
    for user in (partner_user, staff, coordinator):
        page = seen_by(client, user, evaluating)
        assert CITY_SECRET in page and PARTNER_SECRET in page, user


def test_it_hides_the_partners_answers_from_the_city_until_the_city_has_submitted(
    client, staff, coordinator, admin_user, partner_user, evaluating, partner_org
):
    submit(client, partner_user, page_url("partner", evaluating, partner_org), PARTNER_SECRET)
    assert PARTNER_SECRET in seen_by(client, partner_user, evaluating)
    for user in (staff, coordinator, admin_user):
        assert PARTNER_SECRET not in seen_by(client, user, evaluating), user
    # The city's own draft does not open it either.
    client.force_login(staff)
    city_page = page_url("city", evaluating, partner_org)
    assert client.post(city_page, {**ratings(2), "version": "", "save": "1"}).status_code == 302
    for user in (staff, coordinator):
        assert PARTNER_SECRET not in seen_by(client, user, evaluating), user

    version = ProcessEvaluation.objects.get(project=evaluating, side="city").version
    client.force_login(staff)
    done = client.post(
        city_page, {**ratings(3, CITY_SECRET), "version": str(version), "submit": "1"}
    )
    assert done.status_code == 302
    for user in (staff, coordinator, admin_user, partner_user):
        page = seen_by(client, user, evaluating)
        assert CITY_SECRET in page and PARTNER_SECRET in page, user


def test_it_does_not_show_the_department_a_partners_draft(
    client, staff, partner_user, evaluating, partner_org
):
    partner_page = page_url("partner", evaluating, partner_org)
    client.force_login(partner_user)
    draft = client.post(partner_page, {**ratings(2, PARTNER_SECRET), "version": "", "save": "1"})
    assert draft.status_code == 302

    client.force_login(staff)
    page = client.get(partner_page, follow=True)
    assert page.status_code == 200
    assert PARTNER_SECRET not in page.content.decode()
    # Nor may the department write over it as if it were entering it on the partner's behalf.
    client.post(partner_page, {**ratings(4, "上書き"), "version": "1", "submit": "1"})
    kept = ProcessEvaluation.objects.get(partner=partner_org)
    assert not kept.is_submitted and not kept.on_behalf
    assert kept.purpose_comment == PARTNER_SECRET and kept.entered_by == partner_user


def test_it_shows_the_city_an_evaluation_it_entered_on_the_partners_behalf(
    client, staff, coordinator, evaluating, partner_org
):
    submit(client, staff, page_url("partner", evaluating, partner_org), PARTNER_SECRET)
    for user in (staff, coordinator):
        assert PARTNER_SECRET in seen_by(client, user, evaluating), user


def test_it_never_shows_one_partner_another_partners_answers(
    client, staff, partner_user, partner2_user, evaluating, partner_org, other_partner_org
):
    ProjectPartnerFactory(project=evaluating, partner=other_partner_org)
    submit(client, staff, page_url("city", evaluating, partner_org), CITY_SECRET)
    submit(client, partner_user, page_url("partner", evaluating, partner_org), PARTNER_SECRET)
    submit(client, partner2_user, page_url("partner", evaluating, other_partner_org), "二番目")

    page = seen_by(client, partner2_user, evaluating)
    assert CITY_SECRET in page and "二番目" in page
    assert PARTNER_SECRET not in page
    assert "二番目" not in seen_by(client, partner_user, evaluating)
