"""Partner selection services and scoring, called directly (no pages)."""

from datetime import date
from decimal import Decimal

import pytest

from kyodo.services import ConflictError, DomainError
from partners.models import Partner
from projects.models import PartnerRole, ProjectPartner
from selection import services as services
from selection.models import Candidate, Criterion, Reviewer, Score, Selection
from selection.scoring import ranking
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def seat(selection: Selection, user) -> Reviewer:
    return Reviewer.objects.get(selection=selection, user=user)


def candidate(selection: Selection, name: str) -> Candidate:
    return selection.candidates.get(partner__name=name)


def use_criteria(selection: Selection, by, rows: list[tuple[str, str, int, int]]) -> None:
    """Replace the criteria by rows of (viewpoint, title, weight, max_score)."""
    selection.refresh_from_db()
    services.criteria_save(
        selection=selection,
        by=by,
        expected_version=selection.version,
        rows=[{"id": c.pk, "delete": True} for c in selection.criteria.all()]
        + [
            {"id": None, "viewpoint": v, "title": t, "weight": w, "max_score": m}
            for v, t, w, m in rows
        ],
    )


def fill(selection: Selection, points: dict[str, list[int | None]]) -> dict:
    """Cells of a sheet: points[candidate name] lists the points in criteria order."""
    criteria = list(selection.criteria.all())
    cells = {}
    for name, values in points.items():
        cand = candidate(selection, name)
        for criterion, value in zip(criteria, values, strict=True):
            cells[(cand.pk, criterion.pk)] = (value, "")
    return cells


def score(selection: Selection, user, points, *, submit: bool = True) -> Reviewer:
    """user fills in (and by default submits) their own sheet."""
    mine = seat(selection, user)
    return services.score_sheet_save(
        reviewer=mine,
        by=user,
        expected_version=mine.version,
        cells=fill(selection, points),
        submit=submit,
    )


def uniform(selection: Selection, points: dict[str, int]) -> dict[str, list[int]]:
    """Each candidate gets the same points on every criterion."""
    n = selection.criteria.count()
    return {name: [value] * n for name, value in points.items()}


@pytest.fixture
def weighted(proposal, staff):
    """The proposal with two criteria: 実現性 weighted ×2, 実績 ×1, both out of 5."""
    use_criteria(
        proposal,
        staff,
        [
            (Criterion.Viewpoint.FEASIBILITY, "", 2, 5),
            (Criterion.Viewpoint.TRACK_RECORD, "", 1, 5),
        ],
    )
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def preparing(project, staff):
    """A プロポーザル just created: default criteria, no call period, nobody on it yet."""
    return services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={"method": Selection.Method.PROPOSAL, "summary": ""},
    )


# Scoring


def test_it_totals_weighted_points_and_ranks_with_ties(weighted, staff, staff2):
    # staff:  A = 5×2+3 = 13, B = 4×2+5 = 13, C = 3×2+1 = 7
    # staff2: A = 4×2+2 = 10, B = 5×2+0 = 10, C = 5×2+5 = 15
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})
    score(weighted, staff2, {"団体A": [4, 2], "団体B": [5, 0], "団体C": [5, 5]})

    result = ranking(weighted)

    rows = {row.candidate.partner.name: row for row in result.rows}
    assert [row.candidate.partner.name for row in result.rows] == ["団体A", "団体B", "団体C"]
    assert rows["団体A"].per_reviewer == [13, 10]
    assert rows["団体B"].per_reviewer == [13, 10]
    assert rows["団体C"].per_reviewer == [7, 15]
    assert [row.total for row in result.rows] == [23, 23, 22]
    assert [row.average for row in result.rows] == [
        Decimal("11.5"),
        Decimal("11.5"),
        Decimal("11.0"),
    ]
    assert [row.rank for row in result.rows] == [1, 1, 3]  # competition ranking
    assert [row.tied for row in result.rows] == [True, True, False]
    assert result.has_ties
    assert {c.partner.name for c in result.top} == {"団体A", "団体B"}
    # Per criterion, summed over the reviewers, after the weight: 実現性 (5+4)×2, 実績 3+2.
    assert rows["団体A"].per_criterion == [18, 5]
    assert result.max_per_reviewer == 15 and result.max_total == 30
    assert result.complete


def test_it_ranks_without_a_tie_when_totals_differ(weighted, staff, staff2):
    score(weighted, staff, {"団体A": [1, 1], "団体B": [5, 5], "団体C": [3, 0]})
    score(weighted, staff2, {"団体A": [2, 0], "団体B": [4, 4], "団体C": [3, 3]})

    result = ranking(weighted)

    # A: 3 + 4 = 7, B: 15 + 12 = 27, C: 6 + 9 = 15
    assert [(r.candidate.partner.name, r.total, r.rank) for r in result.rows] == [
        ("団体B", 27, 1),
        ("団体C", 15, 2),
        ("団体A", 7, 3),
    ]
    assert not result.has_ties
    assert [c.partner.name for c in result.top] == ["団体B"]


def test_it_leaves_unsubmitted_sheets_out_of_the_totals(weighted, staff, staff2):
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})
    score(weighted, staff2, {"団体A": [0, 0], "団体B": [0, 0], "団体C": [5, 5]}, submit=False)

    result = ranking(weighted)

    rows = {row.candidate.partner.name: row for row in result.rows}
    assert rows["団体C"].per_reviewer == [7, None]
    assert rows["団体C"].total == 7 and rows["団体C"].average == Decimal("7.0")
    assert rows["団体A"].per_criterion == [10, 3]
    assert [row.total for row in result.rows] == [13, 13, 7]
    assert not result.complete
    assert [r.user for r in result.submitted] == [staff]
    assert result.max_total == 15


def test_it_has_no_totals_before_any_sheet_is_submitted(weighted, staff):
    score(weighted, staff, {"団体A": [5, 5], "団体B": [5, 5], "団体C": [5, 5]}, submit=False)

    result = ranking(weighted)

    assert all(row.total is None and row.rank is None for row in result.rows)
    assert result.top == [] and not result.submitted


# Score sheets


def test_it_refuses_to_submit_a_sheet_with_blank_cells(weighted, staff):
    me = seat(weighted, staff)

    with pytest.raises(DomainError, match="点数が入っていない欄が2か所あります"):
        score(weighted, staff, {"団体A": [5, None], "団体B": [4, 5], "団体C": [None, 1]})

    me.refresh_from_db()
    assert not me.has_submitted
    assert not Score.objects.filter(reviewer=me).exists()


def test_it_counts_missing_cells_as_blank_when_submitting(weighted, staff):
    with pytest.raises(DomainError, match="点数が入っていない欄が2か所あります"):
        score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5]})


def test_it_saves_a_draft_with_blank_cells(weighted, staff):
    me = score(
        weighted,
        staff,
        {"団体A": [5, None], "団体B": [None, None], "団体C": [1, 2]},
        submit=False,
    )

    assert not me.has_submitted
    assert sorted(me.scores.values_list("value", flat=True)) == [1, 2, 5]


def test_it_keeps_a_submitted_sheet_complete(weighted, staff):
    me = seat(weighted, staff)
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})

    # "Save as draft" on a sheet already submitted: it still counts, so it must stay whole.
    with pytest.raises(DomainError, match="点数が入っていない欄が1か所あります"):
        score(weighted, staff, {"団体A": [5, 3], "団体B": [4, None], "団体C": [3, 1]}, submit=False)

    assert me.scores.count() == 6
    assert [row.total for row in ranking(weighted).rows] == [13, 13, 7]


def test_it_refuses_a_score_above_the_maximum(weighted, staff):
    me = seat(weighted, staff)

    with pytest.raises(DomainError, match="「事業の遂行可能性」は0〜5点でつけてください"):
        score(weighted, staff, {"団体A": [6, 3], "団体B": [4, 5], "団体C": [3, 1]})

    assert not Score.objects.filter(reviewer=me).exists()


def test_it_refuses_a_sheet_of_another_selection(weighted, staff):
    me = seat(weighted, staff)
    me.refresh_from_db()

    with pytest.raises(DomainError, match="採点表が古くなっています"):
        services.score_sheet_save(
            reviewer=me,
            by=staff,
            expected_version=me.version,
            cells={(0, 0): (1, "")},
            submit=False,
        )


def test_it_refuses_a_stale_sheet_and_saves_nothing(weighted, staff):
    me = seat(weighted, staff)
    stale = me.version
    score(weighted, staff, uniform(weighted, {"団体A": 1, "団体B": 1, "団体C": 1}), submit=False)

    with pytest.raises(ConflictError):
        services.score_sheet_save(
            reviewer=me,
            by=staff,
            expected_version=stale,
            cells=fill(weighted, uniform(weighted, {"団体A": 5, "団体B": 5, "団体C": 5})),
            submit=True,
        )

    me.refresh_from_db()
    assert not me.has_submitted
    assert set(me.scores.values_list("value", flat=True)) == {1}


def test_it_withdraws_a_score_emptied_in_a_draft(weighted, staff):
    me = seat(weighted, staff)
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]}, submit=False)

    score(weighted, staff, {"団体A": [5, None], "団体B": [4, 5], "団体C": [3, 1]}, submit=False)

    assert me.scores.count() == 5
    gone = Score.history.filter(reviewer_id=me.pk, history_type="-").get()
    assert gone.value == 3 and gone.history_user == staff


def test_it_refuses_scores_after_the_decision(weighted, staff, staff2):
    me = seat(weighted, staff)
    services.selection_decide(
        selection=weighted,
        by=staff,
        candidate=candidate(weighted, "団体A"),
        decided_on=date(2025, 5, 20),
        incomplete_reason="急ぐため",
    )

    with pytest.raises(DomainError, match="選定が決まった後は、採点を変えられません"):
        score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})

    assert not Score.objects.filter(reviewer=me).exists()


def test_it_refuses_scores_outside_the_review(preparing, staff):
    preparing.call_start, preparing.call_end = date(2025, 4, 1), date(2025, 4, 30)
    preparing.save()
    services.candidate_add(selection=preparing, by=staff, partner=PartnerFactory(name="団体A"))
    services.reviewer_add(selection=preparing, by=staff, user=staff)
    points = uniform(preparing, {"団体A": 3})

    with pytest.raises(DomainError, match="採点できるのは審査中のときだけです"):
        score(preparing, staff, points)
    services.selection_open_call(selection=preparing, by=staff)
    with pytest.raises(DomainError, match="採点できるのは審査中のときだけです"):
        score(preparing, staff, points)

    assert not Score.objects.exists()


def test_it_writes_score_history_with_the_user_on_bulk_save(weighted, staff):
    me = seat(weighted, staff)
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]}, submit=False)

    created = Score.history.filter(reviewer_id=me.pk, history_type="+")
    assert created.count() == 6
    assert {h.history_user for h in created} == {staff}

    score(weighted, staff, {"団体A": [5, 3], "団体B": [2, 5], "団体C": [3, 0]})

    changed = Score.history.filter(reviewer_id=me.pk, history_type="~")
    assert sorted(h.value for h in changed) == [0, 2]  # only the cells that changed
    assert {h.history_user for h in changed} == {staff}


# Criteria


def test_it_refuses_criteria_that_all_weigh_nothing(proposal, staff):
    with pytest.raises(DomainError, match="すべての基準の重みが0です"):
        use_criteria(
            proposal,
            staff,
            [
                (Criterion.Viewpoint.FEASIBILITY, "", 0, 5),
                (Criterion.Viewpoint.MISSION, "", 0, 5),
            ],
        )

    assert proposal.criteria.count() == 6


def test_it_refuses_an_empty_list_of_criteria(proposal, staff):
    with pytest.raises(DomainError, match="審査基準を1つ以上"):
        use_criteria(proposal, staff, [])


def test_it_replaces_the_criteria_before_scoring(weighted):
    assert [(c.viewpoint, c.weight, c.max_score) for c in weighted.criteria.all()] == [
        ("feasibility", 2, 5),
        ("track_record", 1, 5),
    ]
    assert Criterion.history.filter(history_type="-", selection_id=weighted.pk).count() == 6


def test_it_refuses_to_change_criteria_once_a_score_exists(weighted, staff):
    score(
        weighted,
        staff,
        {"団体A": [1, None], "団体B": [None, None], "団体C": [None, None]},
        submit=False,
    )

    with pytest.raises(DomainError, match="採点が始まっているため、審査基準は変えられません"):
        use_criteria(weighted, staff, [(Criterion.Viewpoint.FEASIBILITY, "", 1, 10)])

    assert [c.weight for c in weighted.criteria.all()] == [2, 1]


# Candidates


def test_it_refuses_the_same_group_twice(proposal, staff):
    with pytest.raises(DomainError, match="「団体A」はすでに応募団体に入っています"):
        services.candidate_add(
            selection=proposal, by=staff, partner=candidate(proposal, "団体A").partner
        )

    assert proposal.candidates.count() == 3


def test_it_refuses_a_candidate_once_scoring_started(weighted, staff):
    score(
        weighted,
        staff,
        {"団体A": [1, None], "団体B": [None, None], "団体C": [None, None]},
        submit=False,
    )

    with pytest.raises(DomainError, match="採点が始まっているため、応募団体は変えられません"):
        services.candidate_add(selection=weighted, by=staff, partner=PartnerFactory(name="団体D"))

    assert weighted.candidates.count() == 3


def test_it_registers_a_new_group_in_the_directory(proposal, staff):
    added = services.candidate_add(
        selection=proposal,
        by=staff,
        new_partner={"name": "浜見平まちづくりの会", "kind": Partner.Kind.COMMUNITY},
        proposal_summary="清掃と見守り",
        applied_on=date(2025, 4, 20),
    )

    partner = Partner.objects.active().get(name="浜見平まちづくりの会")
    assert added.partner == partner and partner.kind == Partner.Kind.COMMUNITY
    assert added.proposal_summary == "清掃と見守り" and added.applied_on == date(2025, 4, 20)
    assert partner.history.get().history_user == staff


def test_it_refuses_a_candidate_without_a_group(proposal, staff):
    with pytest.raises(DomainError, match="新しい団体の名前を書いてください"):
        services.candidate_add(selection=proposal, by=staff, new_partner={"name": "  "})


def test_it_edits_an_application_with_the_version(proposal, staff):
    entry = candidate(proposal, "団体A")
    services.candidate_update(
        candidate=entry, by=staff, expected_version=entry.version, data={"proposal_summary": "改訂"}
    )

    with pytest.raises(ConflictError):
        services.candidate_update(
            candidate=candidate(proposal, "団体A"),
            by=staff,
            expected_version=1,
            data={"proposal_summary": "古い版から"},
        )
    assert candidate(proposal, "団体A").proposal_summary == "改訂"


# 随意 (one group, with a reason)


def test_it_needs_a_reason_for_a_sole_source_selection(project, staff):
    with pytest.raises(DomainError, match="随意（1者のみ）で選ぶときは、その理由を書いてください"):
        services.selection_save(
            project=project,
            by=staff,
            expected_version=None,
            data={"method": Selection.Method.SOLE, "sole_source_reason": "  "},
        )

    assert not Selection.objects.filter(project=project).exists()


@pytest.fixture
def sole(project, staff):
    return services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={
            "method": Selection.Method.SOLE,
            "sole_source_reason": "この海岸で活動する唯一の団体",
        },
    )


def test_it_allows_only_one_group_in_a_sole_source_selection(sole, staff):
    services.candidate_add(selection=sole, by=staff, partner=PartnerFactory(name="団体A"))

    with pytest.raises(DomainError, match="相手は1団体です"):
        services.candidate_add(selection=sole, by=staff, partner=PartnerFactory(name="団体B"))

    assert sole.candidates.count() == 1
    assert not sole.criteria.exists()  # no scoring sheet for a 随意 selection


def test_it_refuses_to_turn_a_call_with_several_groups_into_a_sole_source(preparing, staff):
    for name in ("団体A", "団体B"):
        services.candidate_add(selection=preparing, by=staff, partner=PartnerFactory(name=name))
    preparing.refresh_from_db()

    with pytest.raises(DomainError, match="相手は1団体です"):
        services.selection_save(
            project=preparing.project,
            by=staff,
            expected_version=preparing.version,
            data={"method": Selection.Method.SOLE, "sole_source_reason": "理由"},
        )

    preparing.refresh_from_db()
    assert preparing.method == Selection.Method.PROPOSAL


def test_it_decides_a_sole_source_selection_without_scores(sole, project, staff):
    only = services.candidate_add(selection=sole, by=staff, partner=PartnerFactory(name="団体A"))

    services.selection_decide(selection=sole, by=staff, candidate=only, decided_on=date(2025, 5, 1))

    sole.refresh_from_db()
    assert sole.is_decided and sole.chosen_partner == only.partner
    assert sole.missing() == []
    assert ProjectPartner.objects.filter(project=project, partner=only.partner).exists()


def test_it_has_nothing_to_decide_on_a_sole_source_without_the_group(sole, staff):
    assert services.decide_gaps(sole) == ["応募団体（随意のときは相手の団体）の登録"]
    assert sole.missing() == ["選定の決定"]


# The decision


def test_it_refuses_to_decide_before_every_reviewer_submitted(weighted, staff):
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})

    with pytest.raises(DomainError, match="まだ採点を提出していない委員がいます"):
        services.selection_decide(
            selection=weighted,
            by=staff,
            candidate=candidate(weighted, "団体A"),
            decided_on=date(2025, 5, 20),
        )

    weighted.refresh_from_db()
    assert weighted.state == Selection.State.REVIEWING


def test_it_decides_before_every_reviewer_submitted_with_a_reason(weighted, staff):
    score(weighted, staff, {"団体A": [5, 3], "団体B": [4, 5], "団体C": [3, 1]})

    services.selection_decide(
        selection=weighted,
        by=staff,
        candidate=candidate(weighted, "団体A"),
        decided_on=date(2025, 5, 20),
        incomplete_reason="  委員が長期の病欠のため  ",
    )

    weighted.refresh_from_db()
    assert weighted.is_decided
    assert weighted.incomplete_reason == "委員が長期の病欠のため"


@pytest.fixture
def scored(weighted, staff, staff2):
    """Both sheets submitted: B 27 points, C 15, A 7."""
    score(weighted, staff, {"団体A": [1, 1], "団体B": [5, 5], "団体C": [3, 0]})
    score(weighted, staff2, {"団体A": [2, 0], "団体B": [4, 4], "団体C": [3, 3]})
    return weighted


def test_it_refuses_a_group_below_the_top_without_a_reason(scored, staff):
    with pytest.raises(DomainError, match="合計点が最も高い団体とは別の団体を選ぶときは"):
        services.selection_decide(
            selection=scored,
            by=staff,
            candidate=candidate(scored, "団体C"),
            decided_on=date(2025, 5, 20),
            not_top_reason="   ",
        )

    scored.refresh_from_db()
    assert not scored.is_decided


def test_it_decides_on_a_group_below_the_top_with_a_reason(scored, project, staff):
    chosen = candidate(scored, "団体C")

    services.selection_decide(
        selection=scored,
        by=staff,
        candidate=chosen,
        decided_on=date(2025, 5, 20),
        not_top_reason="団体Bは同時期に別事業を受託しており体制が不安",
    )

    scored.refresh_from_db()
    assert scored.chosen_partner == chosen.partner
    assert scored.not_top_reason == "団体Bは同時期に別事業を受託しており体制が不安"
    assert ProjectPartner.objects.filter(project=project, partner=chosen.partner).exists()


def test_it_decides_on_the_top_group_and_adds_it_to_the_project(scored, project, staff):
    top = candidate(scored, "団体B")
    assert scored.missing() == ["選定の決定"]
    version = scored.version

    services.selection_decide(
        selection=scored, by=staff, candidate=top, decided_on=date(2025, 5, 20)
    )

    scored.refresh_from_db()
    assert scored.state == Selection.State.DECIDED
    assert scored.chosen_partner == top.partner
    assert scored.decided_on == date(2025, 5, 20) and scored.decided_by == staff
    assert scored.version == version + 1
    assert scored.missing() == []
    link = ProjectPartner.objects.get(project=project, partner=top.partner)
    assert link.role == PartnerRole.AGREEMENT  # 事業協力 → 協定相手
    assert link.history.get().history_user == staff
    last = scored.history.first()
    assert (last.history_user, last.history_change_reason) == (staff, "選定の決定")


def test_it_decides_only_once(scored, staff):
    services.selection_decide(
        selection=scored,
        by=staff,
        candidate=candidate(scored, "団体B"),
        decided_on=date(2025, 5, 20),
    )

    with pytest.raises(DomainError, match="すでに決定済み"):
        services.selection_decide(
            selection=scored,
            by=staff,
            candidate=candidate(scored, "団体C"),
            decided_on=date(2025, 5, 21),
            not_top_reason="気が変わった",
        )
    with pytest.raises(DomainError, match="決定の後は変更できません"):
        services.candidate_add(selection=scored, by=staff, partner=PartnerFactory())


def test_it_keeps_only_the_account_and_disclosure_editable_after_the_decision(
    scored, project, staff
):
    services.selection_decide(
        selection=scored,
        by=staff,
        candidate=candidate(scored, "団体B"),
        decided_on=date(2025, 5, 20),
    )
    scored.refresh_from_db()

    services.selection_save(
        project=project,
        by=staff,
        expected_version=scored.version,
        data={"summary": "市の広報とホームページで周知した", "disclose_result": True},
    )
    scored.refresh_from_db()
    assert scored.summary == "市の広報とホームページで周知した" and scored.disclose_result
    with pytest.raises(DomainError, match="決定の後に変えられるのは"):
        services.selection_save(
            project=project,
            by=staff,
            expected_version=scored.version,
            data={"call_end": date(2025, 5, 31)},
        )


def test_it_refuses_a_candidate_of_another_selection(scored, other_project, staff2):
    elsewhere = services.selection_save(
        project=other_project,
        by=staff2,
        expected_version=None,
        data={"method": Selection.Method.SOLE, "sole_source_reason": "理由"},
    )
    stranger = services.candidate_add(selection=elsewhere, by=staff2, partner=PartnerFactory())

    with pytest.raises(DomainError, match="この選定の応募団体だけです"):
        services.selection_decide(
            selection=scored, by=staff2, candidate=stranger, decided_on=date(2025, 5, 20)
        )


# The call


def test_it_needs_a_call_period_and_criteria_to_open_the_call(preparing, staff):
    preparing.criteria.all().delete()

    with pytest.raises(DomainError, match="募集の期間、審査基準を決めてください"):
        services.selection_open_call(selection=preparing, by=staff)

    preparing.refresh_from_db()
    preparing.call_start, preparing.call_end = date(2025, 4, 1), date(2025, 4, 30)
    preparing.save()
    with pytest.raises(DomainError, match="審査基準を決めてください"):
        services.selection_open_call(selection=preparing, by=staff)
    preparing.refresh_from_db()
    assert preparing.state == Selection.State.PREPARING


def test_it_opens_the_call(preparing, staff):
    preparing.call_start, preparing.call_end = date(2025, 4, 1), date(2025, 4, 30)
    preparing.save()

    services.selection_open_call(selection=preparing, by=staff)

    preparing.refresh_from_db()
    assert preparing.state == Selection.State.OPEN
    assert preparing.history.first().history_change_reason == "募集を開始"


def test_it_needs_candidates_and_reviewers_to_close_the_call(preparing, staff):
    preparing.call_start, preparing.call_end = date(2025, 4, 1), date(2025, 4, 30)
    preparing.save()
    with pytest.raises(DomainError, match="募集中のときだけ"):
        services.selection_close_call(selection=preparing, by=staff)
    services.selection_open_call(selection=preparing, by=staff)

    with pytest.raises(DomainError, match="応募団体が1つもありません"):
        services.selection_close_call(selection=preparing, by=staff)
    services.candidate_add(selection=preparing, by=staff, partner=PartnerFactory())
    with pytest.raises(DomainError, match="審査委員がいません"):
        services.selection_close_call(selection=preparing, by=staff)
    services.reviewer_add(selection=preparing, by=staff, name="海野 太郎", affiliation="大学教授")

    services.selection_close_call(selection=preparing, by=staff)

    preparing.refresh_from_db()
    assert preparing.state == Selection.State.REVIEWING


# The panel


def test_it_removes_a_reviewer_who_has_not_scored(proposal, staff, staff2):
    services.reviewer_remove(reviewer=seat(proposal, staff2), by=staff)

    assert list(proposal.reviewers.values_list("user", flat=True)) == [staff.pk]


def test_it_refuses_to_remove_a_reviewer_who_has_scored(weighted, staff, staff2):
    theirs = seat(weighted, staff2)
    score(
        weighted,
        staff2,
        {"団体A": [1, None], "団体B": [None, None], "団体C": [None, None]},
        submit=False,
    )

    with pytest.raises(DomainError, match="すでに採点しているため、外せません"):
        services.reviewer_remove(reviewer=theirs, by=staff)

    assert Reviewer.objects.filter(pk=theirs.pk).exists()


def test_it_refuses_a_partner_user_or_a_duplicate_on_the_panel(proposal, staff, partner_user):
    with pytest.raises(DomainError, match="市の職員から選んでください"):
        services.reviewer_add(selection=proposal, by=staff, user=partner_user)
    with pytest.raises(DomainError, match="すでに委員です"):
        services.reviewer_add(selection=proposal, by=staff, user=staff)
    outsider = services.reviewer_add(selection=proposal, by=staff, name=" 海野 太郎 ")
    assert outsider.is_external and outsider.display_name == "海野 太郎（外部委員）"


def test_it_counts_a_late_reviewer_as_pending(scored, staff):
    services.reviewer_add(selection=scored, by=staff, user=UserFactory())

    result = ranking(scored)

    assert not result.complete
    assert [row.total for row in result.rows] == [27, 15, 7]


# The printed record


def test_it_builds_the_record_from_the_ranking(scored, staff):
    services.selection_decide(
        selection=scored,
        by=staff,
        candidate=candidate(scored, "団体B"),
        decided_on=date(2025, 5, 20),
    )
    scored.refresh_from_db()

    context = services.record_context(scored)

    assert [row.total for row in context["ranking"].rows] == [27, 15, 7]
    assert [c.partner.name for c in context["candidates"]] == ["団体A", "団体B", "団体C"]
    assert context["project"] == scored.project
