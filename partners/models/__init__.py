"""Partners: the directory of groups, and how a project's partner is chosen."""

from partners.models.directory import ActivityField, Partner, PartnerQuerySet
from partners.models.matching import CityIssue, CityIssueQuerySet, Interest
from partners.models.selection import (
    Candidate,
    Criterion,
    ProposalFile,
    Reviewer,
    Score,
    Selection,
)

__all__ = [
    "ActivityField",
    "Candidate",
    "CityIssue",
    "CityIssueQuerySet",
    "Criterion",
    "Interest",
    "Partner",
    "PartnerQuerySet",
    "ProposalFile",
    "Reviewer",
    "Score",
    "Selection",
]
