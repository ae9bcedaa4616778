"""Partners: the directory of groups, and how a project's partner is chosen."""

from partners.models.directory import ActivityField, Partner, PartnerQuerySet
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
    "Criterion",
    "Partner",
    "PartnerQuerySet",
    "ProposalFile",
    "Reviewer",
    "Score",
    "Selection",
]
