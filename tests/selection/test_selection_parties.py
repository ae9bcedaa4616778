"""The parties of a version awaiting confirmation are fixed: a selection decision cannot add
a partner who would then confirm a text frozen before it was a party."""

from datetime import date

import pytest
from django.urls import reverse

from kyodo.services import DomainError
from projects.models import ProjectPartner
from projects.services import agreements
from selection import services
from selection.models import Selection
from tests.factories import PartnerFactory
from tests.projects.test_archived_project import frozen_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def sole(project, staff):
    selection = services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={"method": Selection.Method.SOLE, "sole_source_reason": "この海岸で唯一の団体"},
    )
    newcomer = services.candidate_add(
        selection=selection, by=staff, partner=PartnerFactory(name="茅ヶ崎ビーチクラブ")
    )
    return selection, newcomer


def test_it_refuses_a_decision_that_adds_a_party_while_a_version_awaits_confirmation(
    project, staff, sole
):
    selection, newcomer = sole
    version = frozen_version(project, staff)

    with pytest.raises(DomainError, match="確認待ちの協定があるため"):
        services.selection_decide(
            selection=selection, by=staff, candidate=newcomer, decided_on=date(2026, 5, 1)
        )

    selection.refresh_from_db()
    assert not selection.is_decided
    assert not ProjectPartner.objects.filter(project=project, partner=newcomer.partner).exists()
    assert [p.name for p in agreements.parties(project)][1:] == ["NPO法人 湘南なぎさネット"]
    assert version.confirmations.count() == 0


def test_it_warns_on_the_decide_page_and_keeps_the_choice(client, project, staff, sole):
    selection, newcomer = sole
    frozen_version(project, staff)
    client.force_login(staff)
    url = reverse("selection:decide", args=[project.pk])

    assert "確認待ちの協定があるため" in client.get(url).content.decode()
    response = client.post(url, {"candidate": newcomer.pk, "decided_on": "令和8年5月1日"})

    assert response.status_code == 200
    assert "確認待ちの協定があるため" in response.content.decode()


def test_it_decides_once_the_version_is_back_in_drafting(project, staff, sole):
    selection, newcomer = sole
    version = frozen_version(project, staff)
    agreements.agreement_unfreeze(version=version, by=staff)

    services.selection_decide(
        selection=selection, by=staff, candidate=newcomer, decided_on=date(2026, 5, 1)
    )

    assert ProjectPartner.objects.filter(project=project, partner=newcomer.partner).exists()
