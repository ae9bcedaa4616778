"""A プロポーザル from the call to the decision, through the pages."""

import pytest
from django.urls import reverse

from projects.models import ProjectPartner
from selection.models import Reviewer, Selection

pytestmark = pytest.mark.django_db


def sheet_data(selection, reviewer, points: dict[str, int], *, submit: bool) -> dict:
    """Every cell of the sheet: each candidate gets points[name] on every criterion."""
    data = {"version": reviewer.version}
    for candidate in selection.candidates.select_related("partner"):
        for criterion in selection.criteria.all():
            data[f"v_{candidate.pk}_{criterion.pk}"] = str(points[candidate.partner.name])
            data[f"c_{candidate.pk}_{criterion.pk}"] = ""
    data["submit" if submit else "save"] = "1"
    return data


def test_it_runs_a_proposal_to_a_decision(client, proposal, staff, staff2, project):
    client.force_login(staff)
    me = Reviewer.objects.get(selection=proposal, user=staff)
    url = reverse("selection:score_sheet", args=[project.pk, me.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, sheet_data(proposal, me, {"団体A": 5, "団体B": 3, "団体C": 4}, submit=True)
    )
    assert response.status_code == 302, response.context["form"].errors
    ranking = client.get(reverse("selection:ranking", args=[project.pk]))
    assert ranking.status_code == 200
    assert [r.candidate.partner.name for r in ranking.context["ranking"].rows] == [
        "団体A",
        "団体C",
        "団体B",
    ]

    client.force_login(staff2)
    other = Reviewer.objects.get(selection=proposal, user=staff2)
    page = client.get(reverse("selection:ranking", args=[project.pk]))
    assert not page.context["visible"]
    assert client.get(url).status_code == 403
    response = client.post(
        reverse("selection:score_sheet", args=[project.pk, other.pk]),
        sheet_data(proposal, other, {"団体A": "５", "団体B": 2, "団体C": 1}, submit=True),
    )
    assert response.status_code == 302

    client.force_login(staff)
    decide = client.get(reverse("selection:decide", args=[project.pk]))
    assert decide.status_code == 200
    top = proposal.candidates.get(partner__name="団体A")
    response = client.post(
        reverse("selection:decide", args=[project.pk]),
        {"candidate": top.pk, "decided_on": "令和7年5月20日"},
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.state == Selection.State.DECIDED
    assert ProjectPartner.objects.filter(project=project, partner=top.partner).exists()
    pdf = client.get(reverse("selection:pdf", args=[project.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    overview = client.get(reverse("selection:overview", args=[project.pk]))
    assert "団体A</strong>に決めました" in overview.content.decode()
