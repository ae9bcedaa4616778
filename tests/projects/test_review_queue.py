"""The coordinator's review queue (/review/) and the dashboard's 「あなたを待っていること」."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ProjectPartner, Status, StatusChange
from tests.factories import ProjectFactory

JST = ZoneInfo("Asia/Tokyo")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=JST)


def record(project: Project, to: str, when: datetime, by, *, from_status: str = "draft") -> None:
    change = StatusChange.objects.create(
        project=project, from_status=from_status, to_status=to, by=by
    )
    # `at` is auto_now_add: set the moment afterwards, as if it had happened then.
    StatusChange.objects.filter(pk=change.pk).update(at=when)


def waiting(department, staff, title: str, when: datetime, **fields) -> Project:
    project = ProjectFactory(title=title, department=department, status=Status.SUBMITTED, **fields)
    record(project, Status.SUBMITTED, when, staff)
    return project


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


@pytest.fixture
def queue(department, other_department, staff, staff2, coordinator):
    """Submissions made at different times, and projects that are not waiting."""
    waiting(department, staff, "三番目に出た事業", at(3))
    waiting(other_department, staff2, "最初に出た事業", at(1), implementation_form="hojo")
    waiting(department, staff, "二番目に出た事業", at(2), fiscal_year=2024)
    # Submitted first of all, returned, then submitted again last: it waits from its latest.
    again = waiting(department, staff, "出し直した事業", at(1, 8))
    record(again, Status.RETURNED, at(1, 10), coordinator, from_status="submitted")
    record(again, Status.SUBMITTED, at(4), staff, from_status="returned")
    archived = waiting(department, staff, "アーカイブした事業", at(1, 7))
    Project.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    for status in (Status.DRAFT, Status.RETURNED, Status.APPROVED, Status.ACTIVE):
        ProjectFactory(title=f"{status.label}の事業", department=department, status=status)


def test_it_lists_only_waiting_submissions_oldest_first(client, coordinator, queue):
    client.force_login(coordinator)
    response = client.get(reverse("review"))
    assert response.status_code == 200
    assert titles(response) == [
        "最初に出た事業",
        "二番目に出た事業",
        "三番目に出た事業",
        "出し直した事業",
    ]
    assert "4件" in response.content.decode()


def test_it_counts_how_often_a_submission_was_returned(client, coordinator, queue):
    client.force_login(coordinator)
    response = client.get(reverse("review"))
    returned = {p.title: p.times_returned for p in response.context["page"].object_list}
    assert returned == {
        "最初に出た事業": None,
        "二番目に出た事業": None,
        "三番目に出た事業": None,
        "出し直した事業": 1,
    }
    row = re.search(r"<tr>(?:(?!</tr>).)*出し直した事業.*?</tr>", response.content.decode(), re.S)
    assert row and "1回" in row.group(0)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fiscal_year": "2024"}, ["二番目に出た事業"]),
        ({"implementation_form": "hojo"}, ["最初に出た事業"]),
        (
            {"department": "department"},
            ["二番目に出た事業", "三番目に出た事業", "出し直した事業"],
        ),
        ({"department": "other_department", "fiscal_year": "2025"}, ["最初に出た事業"]),
        ({"implementation_form": "koen"}, []),
    ],
)
def test_it_filters_the_queue(client, request, coordinator, queue, params, expected):
    if "department" in params:
        params = {**params, "department": request.getfixturevalue(params["department"]).pk}
    client.force_login(coordinator)
    response = client.get(reverse("review"), params)
    assert response.status_code == 200
    assert titles(response) == expected


def test_it_lists_one_thousand_submissions_in_a_bounded_number_of_queries(
    client, coordinator, staff, department, partner_org, django_assert_max_num_queries
):
    projects = Project.objects.bulk_create(
        Project(
            title=f"審査待ち{n:04d}",
            fiscal_year=2025,
            department=department,
            implementation_form="jigyo_kyoryoku",
            purpose="目的",
            status=Status.SUBMITTED,
        )
        for n in range(1000)
    )
    StatusChange.objects.bulk_create(
        StatusChange(project=p, from_status="draft", to_status="submitted", by=staff)
        for p in projects
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(project=p, partner=partner_org, role="agreement") for p in projects
    )
    client.force_login(coordinator)
    for page in ("1", "40"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("review"), {"page": page})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 25
        assert response.context["page"].paginator.count == 1000
    assert partner_org.name in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "staff2", "partner_user"])
def test_it_refuses_the_queue_to_anyone_but_reviewers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("review")).status_code == 403


def test_it_shows_the_queue_to_an_admin(client, admin_user, queue):
    client.force_login(admin_user)
    response = client.get(reverse("review"))
    assert response.status_code == 200
    assert len(titles(response)) == 4


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("review"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('review')}"


def test_it_refuses_post_on_the_queue(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("review")).status_code == 405


# --- The dashboard: 「あなたを待っていること」 ----------------------------------------------


def waiting_items(response) -> dict[str, str]:
    """Each line of the 「あなたを待っていること」 box, by its text, with its link."""
    html = response.content.decode()
    start = html.index("あなたを待っていること")
    box = html[start : html.index("</section>", start)]
    items = {}
    for item in re.findall(r"<li>(.*?)</li>", box, re.S):
        link = re.search(r'href="([^"]*)"', item)
        items[re.sub(r"<[^>]+>", "", item).strip()] = link.group(1) if link else ""
    return items


def test_it_tells_the_staff_what_waits_for_their_department(
    client, staff, department, other_department, project
):
    for title in ("差し戻された事業A", "差し戻された事業B"):
        ProjectFactory(title=title, department=department, status=Status.RETURNED)
    ProjectFactory(department=other_department, status=Status.RETURNED)
    ProjectFactory(department=department, status=Status.APPROVED)
    client.force_login(staff)

    items = waiting_items(client.get(reverse("dashboard")))

    assert items["差し戻された事業（直して再提出）: 2件"].endswith(
        f"?department={department.pk}&amp;status=returned"
    )
    assert "下書きの事業（審査に出す前）: 1件" in items
    assert "承認済みで、実施を始められる事業: 1件" in items
    assert "評価と完了の手続きを待つ事業: 0件" in items
    assert not any("審査を待っている事業" in text for text in items)


def test_it_tells_the_coordinator_how_many_submissions_wait(client, coordinator, queue):
    client.force_login(coordinator)
    items = waiting_items(client.get(reverse("dashboard")))
    assert items == {"審査を待っている事業: 4件": reverse("review")}


def test_it_shows_no_review_count_to_a_partner(client, partner_user, project):
    client.force_login(partner_user)
    assert "審査を待っている事業" not in client.get(reverse("dashboard")).content.decode()
