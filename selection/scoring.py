"""Totals and ranking of a selection, derived from the scores each time they are shown.

A reviewer's total for a candidate is the sum of score × weight over the criteria. Only
submitted score sheets count: a sheet still being filled in is nobody's result yet.
The overall total is the sum of the submitted reviewers' totals; since a sheet can only be
submitted complete, every candidate is summed over the same reviewers.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum

from selection.models import Candidate, Criterion, Reviewer, Score, Selection


@dataclass
class CandidateResult:
    candidate: Candidate
    per_reviewer: list[int | None]
    per_criterion: list[int]
    total: int | None = None
    average: Decimal | None = None
    rank: int | None = None
    tied: bool = False


@dataclass
class Ranking:
    criteria: list[Criterion]
    reviewers: list[Reviewer]
    rows: list[CandidateResult] = field(default_factory=list)

    @property
    def submitted(self) -> list[Reviewer]:
        return [r for r in self.reviewers if r.has_submitted]

    @property
    def complete(self) -> bool:
        return bool(self.reviewers) and all(r.has_submitted for r in self.reviewers)

    @property
    def max_per_reviewer(self) -> int:
        return sum(c.weighted_max for c in self.criteria)

    @property
    def max_total(self) -> int:
        return self.max_per_reviewer * len(self.submitted)

    @property
    def top(self) -> list[Candidate]:
        return [row.candidate for row in self.rows if row.rank == 1]

    @property
    def has_ties(self) -> bool:
        return any(row.tied for row in self.rows)


def reviewer_totals(reviewer_ids) -> dict[tuple[int, int], int]:
    """(reviewer id, candidate id) → weighted total, in one aggregate query."""
    rows = (
        Score.objects.filter(reviewer_id__in=list(reviewer_ids))
        .values("reviewer_id", "candidate_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
        .order_by()
    )
    return {(r["reviewer_id"], r["candidate_id"]): r["total"] for r in rows}


def ranking(
    selection: Selection,
    *,
    candidates: list[Candidate] | None = None,
    reviewers: list[Reviewer] | None = None,
    criteria: list[Criterion] | None = None,
) -> Ranking:
    """Every candidate with its totals per reviewer, overall, rank and ties, best first."""
    if candidates is None:
        candidates = list(selection.candidates.select_related("partner"))
    if reviewers is None:
        reviewers = list(selection.reviewers.select_related("user"))
    if criteria is None:
        criteria = list(selection.criteria.all())
    result = Ranking(criteria=criteria, reviewers=reviewers)
    submitted_ids = [r.pk for r in reviewers if r.has_submitted]
    totals = reviewer_totals(submitted_ids) if submitted_ids else {}
    by_criterion: dict[tuple[int, int], int] = {}
    if submitted_ids:
        for row in (
            Score.objects.filter(reviewer_id__in=submitted_ids)
            .values("candidate_id", "criterion_id")
            .annotate(total=Sum(F("value") * F("criterion__weight")))
            .order_by()
        ):
            by_criterion[(row["candidate_id"], row["criterion_id"])] = row["total"]
    for candidate in candidates:
        per_reviewer = [
            totals.get((r.pk, candidate.pk)) if r.has_submitted else None for r in reviewers
        ]
        row = CandidateResult(
            candidate=candidate,
            per_reviewer=per_reviewer,
            per_criterion=[by_criterion.get((candidate.pk, c.pk), 0) for c in criteria],
        )
        if submitted_ids:
            row.total = sum(totals.get((rid, candidate.pk), 0) for rid in submitted_ids)
            row.average = (Decimal(row.total) / len(submitted_ids)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        result.rows.append(row)
    if submitted_ids:
        result.rows.sort(key=lambda r: (-r.total, r.candidate.pk))
        counts: dict[int, int] = {}
        for row in result.rows:
            counts[row.total] = counts.get(row.total, 0) + 1
        for row in result.rows:
            # Competition ranking: two firsts, then third.
            row.rank = 1 + sum(1 for other in result.rows if other.total > row.total)
            row.tied = counts[row.total] > 1
    return result
