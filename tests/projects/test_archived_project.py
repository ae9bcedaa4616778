"""Nothing is done to an archived project: its agreement, comments and follow-ups stay as
they were until the department restores it (why_archived, one rule for every action)."""

from datetime import date

import pytest
from django.urls import reverse

from kyodo.services import DomainError
from projects.models import AgreementConfirmation, AgreementVersion, FollowUp
from projects.permissions import ARCHIVED
from projects.services import agreements
from projects.services import project as project_services

pytestmark = pytest.mark.django_db

ITEMS = {
    "purpose": "海岸を市民の手で守る",
    "responsibility": "作業中の事故は、その作業を担う者が責任を負う",
    "insurance": "",
    "period_start": date(2026, 4, 1),
    "period_end": date(2027, 3, 31),
    "deliverables": "",
    "deliverables_owner": "shared",
    "consultation": "毎月1回",
    "change_procedure": "協議のうえ変更協定を結ぶ",
    "confidentiality": "",
    "crisis_management": "",
    "personal_data": "",
    "other": "",
    "results_shared": True,
    "results_not_shared_reason": "",
}


def frozen_version(project, staff) -> AgreementVersion:
    version = agreements.agreement_start(project=project, by=staff)
    version.refresh_from_db()
    agreements.agreement_version_save(
        version=version,
        by=staff,
        expected_version=version.version,
        data=ITEMS,
        roles=[{"task": "清掃", "party": "joint"}],
        costs=[],
        milestones=[],
    )
    return agreements.agreement_freeze(version=version, by=staff)


@pytest.fixture
def archived_with_agreement(project, staff):
    version = frozen_version(project, staff)
    agreements.agreement_confirm(version=version, by=staff)  # the city has confirmed
    consultation = agreements.consultation_record(
        project=project,
        by=staff,
        data={"held_on": date(2026, 5, 1), "attendees": "両者", "discussed": "日程"},
        follow_ups=[{"task": "チラシを作る", "owner": staff, "due_on": None}],
    )
    project_services.project_archive(project=project, by=staff, reason="重複して登録した")
    project.refresh_from_db()
    return project, version, consultation.follow_ups.get()


def test_it_refuses_to_confirm_a_version_of_an_archived_project(
    archived_with_agreement, partner_user
):
    _project, version, _f = archived_with_agreement

    with pytest.raises(DomainError, match=ARCHIVED):
        agreements.agreement_confirm(version=version, by=partner_user)

    version.refresh_from_db()
    assert version.agreed_at is None and not version.pdf
    assert not AgreementConfirmation.objects.filter(version=version, by=partner_user).exists()


def test_it_answers_403_and_shows_why_to_a_partner_of_an_archived_project(
    client, archived_with_agreement, partner_user
):
    project, version, _f = archived_with_agreement
    client.force_login(partner_user)

    confirm = reverse("projects:agreement_confirm", args=[project.pk, version.number])
    assert client.post(confirm).status_code == 403
    html = client.get(reverse("projects:agreement", args=[project.pk])).content.decode()
    assert "この内容で確認する" not in html
    assert ARCHIVED in html


def test_it_refuses_comments_on_an_archived_project(archived_with_agreement, staff):
    project, version, _f = archived_with_agreement

    with pytest.raises(DomainError, match=ARCHIVED):
        agreements.agreement_comment(version=version, by=staff, body="意見")
    with pytest.raises(DomainError, match=ARCHIVED):
        project_services.comment_add(project=project, by=staff, body="メモ")
    assert not project.comments.exists()


def test_it_refuses_to_mark_a_follow_up_of_an_archived_project_done(
    client, archived_with_agreement, staff
):
    project, _version, follow_up = archived_with_agreement

    with pytest.raises(DomainError, match=ARCHIVED):
        agreements.follow_up_done(follow_up=follow_up, by=staff)
    client.force_login(staff)
    done = reverse("projects:follow_up_done", args=[project.pk, follow_up.pk])
    assert client.post(done).status_code == 403
    assert not FollowUp.objects.get(pk=follow_up.pk).done
    html = client.get(reverse("projects:consultations", args=[project.pk])).content.decode()
    assert "済みにする" not in html


def test_it_confirms_again_once_the_project_is_restored(
    archived_with_agreement, staff, partner_user
):
    project, version, _f = archived_with_agreement
    project_services.project_restore(project=project, by=staff)

    agreements.agreement_confirm(version=version, by=partner_user)

    version.refresh_from_db()
    assert version.agreed_at is not None and version.pdf
