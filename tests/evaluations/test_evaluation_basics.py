"""Both sides evaluate, see each other only when both are in, and decide next year."""

import pytest
from django.urls import reverse

from evaluations.models import ITEM_KEYS, ClosingDecision, ProcessEvaluation
from projects.models import Project, Status

pytestmark = pytest.mark.django_db


def ratings(value: int, **overrides) -> dict:
    data = {f"{key}_rating": str(value) for key in ITEM_KEYS}
    data.update({f"{key}_comment": "" for key in ITEM_KEYS})
    data.update(overrides)
    return data


@pytest.fixture
def evaluating(project):
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING)
    project.refresh_from_db()
    return project


def test_it_keeps_each_side_hidden_until_both_have_submitted(
    client, evaluating, staff, partner_user, partner_org
):
    project = evaluating
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:city", args=[project.pk]),
        {**ratings(4, roles_rating="2"), "version": "", "submit": "1"},
    )
    assert response.status_code == 302
    client.force_login(partner_user)
    page = client.get(reverse("evaluations:compare", args=[project.pk]))
    assert not page.context["pairs"][0]["both"]
    url = reverse("evaluations:partner", args=[project.pk, partner_org.pk])
    # A draft first, with one item left out: saved, not submitted.
    data = ratings(4, synergy_rating="")
    assert client.post(url, {**data, "version": "", "save": "1"}).status_code == 302
    draft = ProcessEvaluation.objects.get(project=project, partner=partner_org)
    assert not draft.is_submitted and draft.synergy_rating is None
    refused = client.post(url, {**data, "version": str(draft.version), "submit": "1"})
    assert refused.status_code == 200
    assert "「相乗効果」の評価を選んでください。" in refused.content.decode()
    done = client.post(url, {**ratings(4), "version": str(draft.version), "submit": "1"})
    assert done.status_code == 302
    pairs = client.get(reverse("evaluations:compare", args=[project.pk])).context["pairs"]
    assert pairs[0]["both"]
    roles = next(r for r in pairs[0]["rows"] if r["label"] == "役割分担")
    assert (roles["city"], roles["partner"], roles["wide"]) == (2, 4, True)


def test_it_continues_with_another_form_and_links_next_years_draft(client, evaluating, staff):
    client.force_login(staff)
    response = client.post(
        reverse("evaluations:decision", args=[evaluating.pk]),
        {"choice": "change_form", "next_form": "itaku", "reason": "事業として安定したため"},
    )
    assert response.status_code == 302
    decision = ClosingDecision.objects.get(project=evaluating)
    successor = decision.next_project
    assert successor.origin == evaluating
    assert successor.fiscal_year == evaluating.fiscal_year + 1
    assert successor.implementation_form == "itaku"
    assert successor.status == Status.DRAFT
    assert list(successor.project_partners.values_list("partner", flat=True)) == list(
        evaluating.project_partners.values_list("partner", flat=True)
    )


def test_it_renders_every_page_of_the_evaluation(client, evaluating, staff, coordinator):
    client.force_login(staff)
    for name in ("overview", "city", "results", "survey", "compare", "decision"):
        response = client.get(reverse(f"evaluations:{name}", args=[evaluating.pk]))
        assert response.status_code == 200, name
    survey_page = client.post(
        reverse("evaluations:survey", args=[evaluating.pk]),
        {
            "is_open": "on",
            "paper_respondents": "１０",
            "paper_done": "6",
            "paper_mostly": "3",
            "paper_hardly": "1",
            "paper_not_done": "0",
            "paper_note": "",
            "version": "",
        },
    )
    assert survey_page.status_code == 302
    token = evaluating.beneficiary_survey.token
    client.logout()
    public = reverse("survey", args=[token])
    assert client.get(public).status_code == 200
    answer = client.post(public, {"satisfaction": "4", "comment": "<b>楽しかった</b>"})
    assert "ご回答ありがとうございました" in answer.content.decode()
    client.force_login(staff)
    page = client.get(reverse("evaluations:overview", args=[evaluating.pk])).content.decode()
    assert "回答 11件" in page
    client.force_login(coordinator)
    report = client.get(reverse("evaluation_report:index"), {"year": evaluating.fiscal_year})
    assert report.status_code == 200
    xlsx = client.get(reverse("evaluation_report:export"), {"year": evaluating.fiscal_year})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
