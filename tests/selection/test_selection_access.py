"""Who reaches which part of a partner selection, always with IDs of other people's objects.

`proposal` is a プロポーザル of `project` (staff's department) in 審査中, with 団体A/B/C and
staff and staff2 on the panel: staff2 is an assigned reviewer from another department.
"""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from kyodo.models import User
from projects.models import ProjectPartner
from selection import services as services
from selection.models import Candidate, Criterion, ProposalFile, Reviewer, Score, Selection
from tests.factories import DepartmentFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = 302


# Building blocks


def stored_file(candidate: Candidate, by) -> ProposalFile:
    """A proposal file kept in MEDIA_ROOT, made directly (upload checks are tested elsewhere)."""
    content = b"%PDF-1.4 proposal of " + candidate.partner.name.encode()
    stored = ProposalFile(
        candidate=candidate,
        original_name="提案書.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    stored.file.save("proposal.pdf", ContentFile(content), save=False)
    stored.save()
    return stored


@pytest.fixture
def proposal_file(proposal, staff) -> ProposalFile:
    return stored_file(proposal.candidates.get(partner__name="団体A"), staff)


@pytest.fixture
def third_staff(db):
    """City staff of a third department: a reviewer, but on another selection's panel."""
    return UserFactory(username="staff3", department=DepartmentFactory(name="道路管理課"))


@pytest.fixture
def elsewhere(other_project, staff2, third_staff) -> Selection:
    """A selection of other_project (staff2's department) in 審査中, with its own objects."""
    selection = Selection.objects.create(
        project=other_project,
        method=Selection.Method.PROPOSAL,
        state=Selection.State.REVIEWING,
        call_start=date(2025, 4, 1),
        call_end=date(2025, 4, 30),
    )
    Criterion.objects.create(selection=selection, viewpoint=Criterion.Viewpoint.FEASIBILITY)
    Reviewer.objects.create(selection=selection, name="よその外部委員")
    Reviewer.objects.create(selection=selection, user=third_staff)
    candidate = Candidate.objects.create(selection=selection, partner=PartnerFactory(name="団体X"))
    stored_file(candidate, staff2)
    return selection


@pytest.fixture
def outside_seat(proposal, staff) -> Reviewer:
    return services.reviewer_add(selection=proposal, by=staff, name="外部 花子")


def seat(selection: Selection, user) -> Reviewer:
    return Reviewer.objects.get(selection=selection, user=user)


def url(name: str, selection: Selection, *args) -> str:
    return reverse(f"selection:{name}", args=[selection.project_id, *args])


def target(selection: Selection, kind: str) -> tuple:
    """The URL arguments after the project: always objects that are not the caller's own."""
    if kind == "":
        return ()
    # proposal's panel: staff, then staff2 (and perhaps an outside member after them)
    if kind == "staff_seat":
        return (selection.reviewers.exclude(user=None).first().pk,)
    if kind == "staff2_seat":
        return (selection.reviewers.exclude(user=None).last().pk,)
    if kind == "candidate":
        return (selection.candidates.first().pk,)
    if kind == "file":
        return (ProposalFile.objects.filter(candidate__selection=selection).first().pk,)
    if kind in ("open_call", "close_call"):
        return (kind,)
    raise AssertionError(kind)


def sheet(selection: Selection, reviewer: Reviewer, points: int, *, submit: bool) -> dict:
    """Every cell of reviewer's sheet filled with points."""
    reviewer.refresh_from_db()
    data = {"version": reviewer.version, "submit" if submit else "save": "1"}
    for candidate in selection.candidates.all():
        for criterion in selection.criteria.all():
            data[f"v_{candidate.pk}_{criterion.pk}"] = str(points)
            data[f"c_{candidate.pk}_{criterion.pk}"] = ""
    return data


def submit_own_sheet(client, selection: Selection, user, points: int) -> None:
    client.force_login(user)
    mine = seat(selection, user)
    response = client.post(
        url("score_sheet", selection, mine.pk), sheet(selection, mine, points, submit=True)
    )
    assert response.status_code == 302


def snapshot(selection: Selection) -> dict:
    """Everything a refused request could have changed."""
    selection = Selection.objects.get(pk=selection.pk)
    return {
        "selection": (selection.state, selection.version, selection.chosen_partner_id),
        "criteria": list(selection.criteria.values_list("pk", "weight", "max_score")),
        "reviewers": list(
            selection.reviewers.order_by("pk").values_list("pk", "version", "submitted_at")
        ),
        "candidates": list(
            selection.candidates.order_by("pk").values_list("pk", "version", "proposal_summary")
        ),
        "files": list(
            ProposalFile.objects.filter(candidate__selection=selection)
            .order_by("pk")
            .values_list("pk", "archived_at")
        ),
        "scores": list(
            Score.objects.filter(reviewer__selection=selection)
            .order_by("pk")
            .values_list("pk", "value", "comment")
        ),
        "partners": sorted(
            ProjectPartner.objects.filter(project_id=selection.project_id).values_list(
                "partner_id", flat=True
            )
        ),
    }


def fetch(client, method: str, path: str, data=None):
    response = getattr(client, method)(path, data or {})
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the stored file
    return response


def manage_data(selection: Selection, name: str) -> dict:
    """What the owning department would send to really change something."""
    if name == "reviewers":
        return {"name": "外部 次郎", "affiliation": ""}
    if name == "candidate_add":
        return {"partner": PartnerFactory(name="遅れて来た団体").pk, "proposal_summary": "提案"}
    if name == "candidate":
        candidate = selection.candidates.first()
        return {
            "action": "edit",
            "edit-version": candidate.version,
            "edit-proposal_summary": "書き換えた要旨",
        }
    if name == "decide":
        return {
            "candidate": selection.candidates.first().pk,
            "decided_on": "2025-05-20",
            "incomplete_reason": "急ぐため",
        }
    if name == "criteria":
        criteria = list(selection.criteria.all())
        data = {
            "version": selection.version,
            "criteria-TOTAL_FORMS": len(criteria),
            "criteria-INITIAL_FORMS": len(criteria),
        }
        for n, criterion in enumerate(criteria):
            row = {"id": criterion.pk, "viewpoint": criterion.viewpoint, "title": criterion.title}
            row |= {"weight": 3, "max_score": criterion.max_score}
            data |= {f"criteria-{n}-{field}": value for field, value in row.items()}
        return data
    if name == "overview":
        return {"version": selection.version, "method": "proposal", "summary": "書き換えた経過"}
    return {}


# What the owning department may do and others may not (name, method, target).
MANAGE = [
    ("overview", "post", ""),
    ("criteria", "get", ""),
    ("criteria", "post", ""),
    ("reviewers", "get", ""),
    ("reviewers", "post", ""),
    ("reviewer_remove", "post", "staff2_seat"),
    ("candidate_add", "get", ""),
    ("candidate_add", "post", ""),
    ("candidate", "post", "candidate"),
    ("file_archive", "post", "file"),
    ("transition", "post", "open_call"),
    ("transition", "post", "close_call"),
    ("decide", "get", ""),
    ("decide", "post", ""),
]
# The proposals and the scores (name, method, target).
PROPOSALS = [
    ("candidate", "get", "candidate"),
    ("file", "get", "file"),
    ("score_sheet", "get", "staff_seat"),
    ("ranking", "get", ""),
    ("pdf", "get", ""),
]
EVERY_URL = [
    ("overview", "get", ""),
    *PROPOSALS,
    ("score_sheet", "post", "staff_seat"),
    *MANAGE,
]


def _ids(rows):
    return [f"{method}-{name}-{kind or 'plain'}" for name, method, kind in rows]


# The owning department: the control that makes every refusal below mean something


@pytest.mark.parametrize(("name", "method", "kind"), MANAGE, ids=_ids(MANAGE))
def test_it_lets_the_owning_department_manage(
    client, proposal, proposal_file, staff, name, method, kind
):
    before = snapshot(proposal)
    client.force_login(staff)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == (200 if method == "get" else 302)
    # In 審査中 neither transition applies (the page says why); every other POST writes.
    if method == "post" and name != "transition":
        assert snapshot(proposal) != before


# City staff who are not on this panel


@pytest.mark.parametrize(
    ("name", "method", "kind"), PROPOSALS + MANAGE, ids=_ids(PROPOSALS + MANAGE)
)
def test_it_hides_everything_beneath_the_overview_from_a_reviewer_of_another_selection(
    client, proposal, proposal_file, elsewhere, third_staff, name, method, kind
):
    before = snapshot(proposal)
    client.force_login(third_staff)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == (403 if (name, method) == ("overview", "post") else 404)
    assert snapshot(proposal) == before


def test_it_shows_a_reviewer_of_another_selection_the_overview_without_the_proposals(
    client, proposal, proposal_file, elsewhere, third_staff
):
    client.force_login(third_staff)

    response = client.get(url("overview", proposal))

    assert response.status_code == 200
    html = response.content.decode()
    assert not response.context["can_read"]
    assert "団体A" not in html and "提案書.pdf" not in html


# An assigned reviewer from another department


def test_it_lets_an_assigned_reviewer_read_the_proposals_and_their_own_sheet(
    client, proposal, proposal_file, staff2
):
    client.force_login(staff2)

    assert "団体A" in client.get(url("overview", proposal)).content.decode()
    candidate = client.get(url("candidate", proposal, proposal_file.candidate_id))
    assert candidate.status_code == 200
    assert fetch(client, "get", url("file", proposal, proposal_file.pk)).status_code == 200
    own = client.get(url("score_sheet", proposal, seat(proposal, staff2).pk))
    assert own.status_code == 200 and own.context["editable"]
    ranking = client.get(url("ranking", proposal))
    assert ranking.status_code == 200 and not ranking.context["visible"]


def test_it_keeps_a_colleagues_sheet_from_an_assigned_reviewer_until_they_submit(
    client, proposal, staff, staff2
):
    submit_own_sheet(client, proposal, staff, 4)
    client.force_login(staff2)
    theirs = url("score_sheet", proposal, seat(proposal, staff).pk)

    assert client.get(theirs).status_code == 403
    assert client.get(url("pdf", proposal)).status_code == 403

    submit_own_sheet(client, proposal, staff2, 3)
    before = snapshot(proposal)

    page = client.get(theirs)
    assert page.status_code == 200 and not page.context["editable"]
    assert client.get(url("pdf", proposal)).status_code == 200
    response = client.post(theirs, sheet(proposal, seat(proposal, staff), 0, submit=True))
    assert response.status_code == 403
    assert snapshot(proposal) == before


@pytest.mark.parametrize(("name", "method", "kind"), MANAGE, ids=_ids(MANAGE))
def test_it_refuses_manage_actions_to_an_assigned_reviewer(
    client, proposal, proposal_file, staff2, name, method, kind
):
    before = snapshot(proposal)
    client.force_login(staff2)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == 403
    assert snapshot(proposal) == before


@pytest.mark.parametrize("role", ["staff2", "coordinator", "third_staff"])
def test_it_lets_only_the_owning_department_close_the_call(request, client, proposal, staff, role):
    Selection.objects.filter(pk=proposal.pk).update(state=Selection.State.OPEN)
    path = url("transition", proposal, "close_call")
    client.force_login(request.getfixturevalue(role))

    assert client.post(path).status_code == (404 if role == "third_staff" else 403)
    proposal.refresh_from_db()
    assert proposal.state == Selection.State.OPEN

    client.force_login(staff)
    assert client.post(path).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Selection.State.REVIEWING


# 市民自治推進課


def test_it_lets_the_coordinator_read_everything_and_see_the_scores(
    client, proposal, proposal_file, staff, staff2, coordinator
):
    submit_own_sheet(client, proposal, staff, 4)
    client.force_login(coordinator)

    for name, method, kind in [("overview", "get", ""), *PROPOSALS]:
        response = fetch(client, method, url(name, proposal, *target(proposal, kind)))
        assert response.status_code == 200, name
    ranking = client.get(url("ranking", proposal))
    assert ranking.context["visible"]
    for reviewer in proposal.reviewers.all():
        page = client.get(url("score_sheet", proposal, reviewer.pk))
        assert page.status_code == 200 and not page.context["editable"]


@pytest.mark.parametrize(("name", "method", "kind"), MANAGE, ids=_ids(MANAGE))
def test_it_refuses_manage_actions_to_the_coordinator(
    client, proposal, proposal_file, coordinator, name, method, kind
):
    before = snapshot(proposal)
    client.force_login(coordinator)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == 403
    assert snapshot(proposal) == before


def test_it_does_not_let_the_coordinator_score_anyones_sheet(
    client, proposal, staff, staff2, outside_seat, coordinator
):
    before = snapshot(proposal)
    client.force_login(coordinator)

    for reviewer in (seat(proposal, staff), seat(proposal, staff2), outside_seat):
        response = client.post(
            url("score_sheet", proposal, reviewer.pk), sheet(proposal, reviewer, 5, submit=True)
        )
        assert response.status_code == 403, reviewer

    assert snapshot(proposal) == before


# Partners, a candidate among them


@pytest.fixture(params=["candidate only", "candidate and partner of the project"])
def candidate_user(request, proposal):
    if request.param == "candidate only":
        organisation = proposal.candidates.get(partner__name="団体A").partner
    else:
        organisation = request.getfixturevalue("partner_org")
        Candidate.objects.create(selection=proposal, partner=organisation)
    return UserFactory(role=User.Role.PARTNER, department=None, partner=organisation)


@pytest.mark.parametrize(("name", "method", "kind"), EVERY_URL, ids=_ids(EVERY_URL))
def test_it_hides_the_selection_from_a_partner_that_applied(
    client, proposal, proposal_file, candidate_user, name, method, kind
):
    before = snapshot(proposal)
    client.force_login(candidate_user)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == 404
    assert snapshot(proposal) == before


# IDs that belong to another project's selection

CROSSING = [
    ("candidate", "get", "candidate"),
    ("candidate", "post", "candidate"),
    ("file", "get", "file"),
    ("file_archive", "post", "file"),
    ("score_sheet", "get", "seat"),
    ("score_sheet", "post", "seat"),
    ("reviewer_remove", "post", "seat"),
]


@pytest.mark.parametrize("role", ["staff", "admin_user"])
@pytest.mark.parametrize(("name", "method", "kind"), CROSSING, ids=_ids(CROSSING))
def test_it_refuses_an_id_of_another_projects_selection(
    request, client, proposal, elsewhere, role, name, method, kind
):
    theirs = {
        "candidate": elsewhere.candidates.get().pk,
        "file": ProposalFile.objects.get(candidate__selection=elsewhere).pk,
        "seat": elsewhere.reviewers.get(user=None).pk,
    }[kind]
    before = snapshot(elsewhere)
    client.force_login(request.getfixturevalue(role))

    response = fetch(client, method, url(name, proposal, theirs), {"action": "edit"})

    assert response.status_code == 404
    assert snapshot(elsewhere) == before


@pytest.mark.parametrize(("name", "method", "kind"), CROSSING, ids=_ids(CROSSING))
def test_it_refuses_this_selections_ids_under_the_other_project(
    client, proposal, proposal_file, elsewhere, staff2, name, method, kind
):
    """staff2 owns the other project and sits on this panel: neither opens a crossed URL."""
    ours = {
        "candidate": proposal_file.candidate_id,
        "file": proposal_file.pk,
        "seat": seat(proposal, staff2).pk,
    }[kind]
    before = snapshot(proposal)
    client.force_login(staff2)

    response = fetch(client, method, url(name, elsewhere, ours), {"action": "edit"})

    assert response.status_code == 404
    assert snapshot(proposal) == before


# Whose sheet may be filled in


def test_it_does_not_let_staff_score_a_colleagues_sheet(client, proposal, staff, staff2):
    theirs = seat(proposal, staff2)
    client.force_login(staff)
    before = snapshot(proposal)

    response = client.post(
        url("score_sheet", proposal, theirs.pk), sheet(proposal, theirs, 5, submit=True)
    )
    assert response.status_code == 403
    assert snapshot(proposal) == before

    submit_own_sheet(client, proposal, staff, 2)  # now staff may read it, still not write it
    before = snapshot(proposal)
    response = client.post(
        url("score_sheet", proposal, theirs.pk), sheet(proposal, theirs, 5, submit=True)
    )
    assert response.status_code == 403
    assert snapshot(proposal) == before


def test_it_lets_the_department_fill_in_an_outside_members_sheet(
    client, proposal, staff, outside_seat
):
    client.force_login(staff)
    path = url("score_sheet", proposal, outside_seat.pk)

    assert client.get(path).context["editable"]
    response = client.post(path, sheet(proposal, outside_seat, 4, submit=True))

    assert response.status_code == 302
    outside_seat.refresh_from_db()
    assert outside_seat.has_submitted
    assert list(outside_seat.scores.values_list("value", flat=True).distinct()) == [4]
    assert outside_seat.scores.count() == 3 * 6


def test_it_does_not_let_a_panel_member_fill_in_an_outside_members_sheet(
    client, proposal, staff2, outside_seat
):
    submit_own_sheet(client, proposal, staff2, 3)
    before = snapshot(proposal)

    response = client.post(
        url("score_sheet", proposal, outside_seat.pk),
        sheet(proposal, outside_seat, 5, submit=True),
    )

    assert response.status_code == 403
    assert snapshot(proposal) == before


# After the decision


def test_it_refuses_every_sheet_after_the_decision_and_keeps_what_was_typed(
    client, proposal, staff, staff2, outside_seat
):
    submit_own_sheet(client, proposal, staff, 4)
    client.force_login(staff2)
    mine = seat(proposal, staff2)
    draft = client.post(
        url("score_sheet", proposal, mine.pk), sheet(proposal, mine, 1, submit=False)
    )
    assert draft.status_code == 302
    services.selection_decide(
        selection=proposal,
        by=staff,
        candidate=proposal.candidates.first(),
        decided_on=date(2025, 5, 20),
        incomplete_reason="委員2名のうち1名の提出で決めた",
    )
    before = snapshot(proposal)

    for user, reviewer in (
        (staff, seat(proposal, staff)),
        (staff2, seat(proposal, staff2)),
        (staff, outside_seat),
    ):
        client.force_login(user)
        path = url("score_sheet", proposal, reviewer.pk)
        page = client.get(path)
        assert page.status_code == 200 and not page.context["editable"]
        for submit in (False, True):
            typed = sheet(proposal, reviewer, 5, submit=submit)
            response = client.post(path, typed)
            # Refused with the reason on the sheet, and the points typed are shown again.
            assert response.status_code == 200, (reviewer, submit)
            assert "選定が決まった後は、採点を変えられません。" in response.content.decode()
            shown = response.context["form"].data
            assert all(shown.get(key) == str(value) for key, value in typed.items())

    assert snapshot(proposal) == before


# Anonymous visitors and wrong methods


@pytest.mark.parametrize(("name", "method", "kind"), EVERY_URL, ids=_ids(EVERY_URL))
def test_it_sends_an_anonymous_visitor_to_log_in(
    client, proposal, proposal_file, name, method, kind
):
    before = snapshot(proposal)

    response = fetch(
        client, method, url(name, proposal, *target(proposal, kind)), manage_data(proposal, name)
    )

    assert response.status_code == LOGIN
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(proposal) == before


WRONG_METHODS = [
    ("reviewer_remove", "get", "staff2_seat"),
    ("file_archive", "get", "file"),
    ("transition", "get", "close_call"),
    ("file", "post", "file"),
    ("ranking", "post", ""),
    ("pdf", "post", ""),
    ("overview", "put", ""),
    ("criteria", "delete", ""),
    ("reviewers", "put", ""),
    ("candidate_add", "delete", ""),
    ("candidate", "put", "candidate"),
    ("score_sheet", "delete", "staff_seat"),
    ("decide", "put", ""),
]


@pytest.mark.parametrize(("name", "method", "kind"), WRONG_METHODS, ids=_ids(WRONG_METHODS))
def test_it_refuses_a_wrong_method(client, proposal, proposal_file, staff, name, method, kind):
    before = snapshot(proposal)
    client.force_login(staff)

    response = getattr(client, method)(url(name, proposal, *target(proposal, kind)))

    assert response.status_code == 405
    assert snapshot(proposal) == before
