"""Partners comment on a draft when invited; a consultation can open a 変更協定."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kyodo.services import DomainError
from projects.models import AgreementVersion, Comment
from projects.services import agreements


@pytest.fixture
def draft(project, staff):
    return agreements.agreement_start(project=project, by=staff)


def test_it_refuses_partner_comments_until_the_department_invites_them(
    client, draft, staff, partner_user, project
):
    url = reverse("projects:agreement_comment", args=[project.pk, draft.number])
    client.force_login(partner_user)
    client.post(url, {"body": "保険の範囲を確認したいです。"})
    assert not Comment.objects.filter(agreement_version=draft).exists()

    agreements.agreement_set_comments(version=draft, by=staff, open_=True)
    response = client.post(url, {"body": "保険の範囲を確認したいです。"})
    assert response.status_code == 302
    comment = Comment.objects.get(agreement_version=draft)
    assert comment.author == partner_user and comment.shared_with_partner
    page = client.get(reverse("projects:agreement", args=[project.pk])).content.decode()
    assert "保険の範囲を確認したいです。" in page


def test_it_keeps_a_partner_of_another_organisation_out(draft, staff, partner2_user):
    agreements.agreement_set_comments(version=draft, by=staff, open_=True)
    with pytest.raises(DomainError):
        agreements.agreement_comment(version=draft, by=partner2_user, body="横から")


def test_it_opens_an_amendment_when_a_consultation_proposes_a_change(draft, staff):
    AgreementVersion.objects.filter(pk=draft.pk).update(
        frozen_at=timezone.now(), agreed_at=timezone.now()
    )
    agreements.consultation_record(
        project=draft.agreement.project,
        by=staff,
        data={
            "held_on": date(2025, 6, 1),
            "attendees": "市、団体",
            "discussed": "雨の日の対応",
            "decided": "雨天時の順延を協定に加える",
            "proposes_change": True,
        },
        follow_ups=[],
    )
    amendment = draft.agreement.versions.get(number=2)
    assert amendment.is_draft
    assert "令和7年6月1日の協議で提案された変更" in amendment.change_reason
    assert "雨天時の順延を協定に加える" in amendment.change_reason
