"""Consultations (協議の場): the record, its follow-ups, and who may close them."""

from datetime import date

import pytest
from django.urls import reverse

from kyodo.models import User
from projects.models import Consultation, FollowUp
from projects.policy import Step
from projects.services import agreements
from projects.steps import step_states
from tests.factories import UserFactory

HEADING = "協議で引き受けた宿題"


def url(name: str, project, *args) -> str:
    return reverse(f"projects:{name}", args=[project.pk, *args])


def consultation_data(*follow_ups, **fields) -> dict:
    """What the consultations page posts: the record and the follow-up formset (3 rows)."""
    rows = [*follow_ups, *[{}] * (3 - len(follow_ups))]
    data = {
        "held_on": "令和8年5月13日",
        "place": "市役所本庁舎 会議室3",
        "attendees": "環境政策課 試験\n湘南なぎさネット 代表",
        "discussed": "夏の清掃日程",
        "decided": "7月の第2土曜日に行う",
        "follow-TOTAL_FORMS": "3",
        "follow-INITIAL_FORMS": "0",
        "follow-MIN_NUM_FORMS": "0",
        "follow-MAX_NUM_FORMS": "30",
        **fields,
    }
    for i, row in enumerate(rows):
        for name in ("task", "owner", "due_on"):
            data[f"follow-{i}-{name}"] = row.get(name, "")
    return data


def implementation_step(project):
    return next(s for s in step_states(project) if s.step == Step.IMPLEMENTATION)


@pytest.fixture
def follow_up(project, staff, partner_user):
    consultation = agreements.consultation_record(
        project=project,
        by=staff,
        data={"held_on": date(2026, 5, 13), "attendees": "市、団体", "discussed": "進み具合"},
        follow_ups=[
            {"task": "参加者名簿の整理", "owner": partner_user, "due_on": date(2026, 6, 1)}
        ],
    )
    return consultation.follow_ups.get()


def test_it_records_a_consultation_with_its_follow_ups(client, staff, partner_user, project):
    assert not implementation_step(project).done
    client.force_login(staff)

    response = client.post(
        url("consultations", project),
        consultation_data(
            {"task": "チラシの原稿", "owner": str(partner_user.pk), "due_on": "令和8年6月1日"},
            {"task": "ごみ袋の手配", "owner": str(staff.pk)},
        ),
    )

    assert response.status_code == 302
    assert response.url == url("consultations", project)
    consultation = Consultation.objects.get(project=project)
    assert (consultation.held_on, consultation.created_by) == (date(2026, 5, 13), staff)
    assert consultation.decided == "7月の第2土曜日に行う"
    assert [
        (f.task, f.owner, f.due_on, f.done) for f in consultation.follow_ups.order_by("pk")
    ] == [
        ("チラシの原稿", partner_user, date(2026, 6, 1), False),
        ("ごみ袋の手配", staff, None, False),
    ]
    assert implementation_step(project).done
    html = client.get(url("consultations", project)).content.decode()
    assert "チラシの原稿・担当" in html
    assert "期限 令和8年6月1日" in html


def test_it_refuses_a_consultation_without_a_date_or_what_was_discussed_and_keeps_the_input(
    client, staff, partner_user, project
):
    client.force_login(staff)
    response = client.post(
        url("consultations", project),
        consultation_data(
            {"task": "入力した宿題", "owner": str(partner_user.pk)},
            held_on="",
            discussed="",
            attendees="入力した出席者",
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"held_on", "discussed"}
    html = response.content.decode()
    assert "入力した出席者" in html
    assert "市役所本庁舎 会議室3" in html
    assert 'value="入力した宿題"' in html
    assert not Consultation.objects.exists()
    assert not FollowUp.objects.exists()
    assert not implementation_step(project).done


def test_it_refuses_an_unreadable_due_date_of_a_follow_up(client, staff, project):
    client.force_login(staff)
    response = client.post(
        url("consultations", project),
        consultation_data({"task": "報告書", "due_on": "来週のどこか"}),
    )
    assert response.status_code == 200
    assert response.context["follow_ups"].forms[0].errors["due_on"]
    assert not Consultation.objects.exists()


def test_it_refuses_a_consultation_recorded_by_the_partner(client, partner_user, project):
    client.force_login(partner_user)
    assert client.get(url("consultations", project)).status_code == 200
    assert client.post(url("consultations", project), consultation_data()).status_code == 403
    assert not Consultation.objects.exists()


def test_it_shows_the_owner_an_open_follow_up_on_the_dashboard(client, partner_user, follow_up):
    client.force_login(partner_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert HEADING in html
    assert "参加者名簿の整理" in html
    assert "期限 令和8年6月1日" in html

    FollowUp.objects.filter(pk=follow_up.pk).update(done=True)
    html = client.get(reverse("dashboard")).content.decode()
    assert HEADING not in html
    assert "参加者名簿の整理" not in html


def test_it_shows_no_follow_up_to_someone_who_does_not_own_it(client, staff, follow_up):
    client.force_login(staff)
    assert HEADING not in client.get(reverse("dashboard")).content.decode()


def test_it_lets_the_owner_mark_a_follow_up_done(client, partner_user, project, follow_up):
    client.force_login(partner_user)
    response = client.post(url("follow_up_done", project, follow_up.pk), follow=True)
    assert response.redirect_chain == [(url("consultations", project), 302)]
    assert "宿題「参加者名簿の整理」を済みにしました。" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.done
    assert follow_up.history.first().history_user == partner_user


def test_it_lets_the_owning_department_mark_anyones_follow_up_done(
    client, staff, project, follow_up
):
    client.force_login(staff)
    assert client.post(url("follow_up_done", project, follow_up.pk)).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done


def test_it_refuses_a_partner_who_does_not_own_the_follow_up(
    client, partner_org, project, follow_up
):
    colleague = UserFactory(
        username="partner-colleague", role=User.Role.PARTNER, department=None, partner=partner_org
    )
    client.force_login(colleague)
    assert client.post(url("follow_up_done", project, follow_up.pk)).status_code == 403
    follow_up.refresh_from_db()
    assert not follow_up.done


def test_it_hides_the_consultations_from_another_organisations_partner(
    client, partner2_user, project, follow_up
):
    client.force_login(partner2_user)
    assert client.get(url("consultations", project)).status_code == 404
    assert client.post(url("consultations", project), consultation_data()).status_code == 404
    assert client.post(url("follow_up_done", project, follow_up.pk)).status_code == 404
    follow_up.refresh_from_db()
    assert not follow_up.done
    assert Consultation.objects.count() == 1


def test_it_answers_404_for_a_follow_up_of_another_project(
    client, staff, project, other_project, follow_up
):
    client.force_login(staff)
    assert client.post(url("follow_up_done", other_project, follow_up.pk)).status_code == 404
    follow_up.refresh_from_db()
    assert not follow_up.done


def test_it_offers_only_active_people_of_the_project_as_owners(
    client, staff, staff2, partner_user, partner2_user, partner_org, project
):
    departed = UserFactory(
        username="departed", role=User.Role.PARTNER, department=None, partner=partner_org
    )
    departed.is_active = False
    departed.save()
    client.force_login(staff)

    response = client.get(url("consultations", project))

    owners = set(response.context["follow_ups"].forms[0].fields["owner"].queryset)
    assert owners == {staff, partner_user}
