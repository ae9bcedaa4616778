"""Partners: the directory of groups (団体) and the city's issues they can be matched with."""

from partners.models.directory import (
    INDIVIDUAL_PUBLIC_NAME,
    ActivityField,
    Partner,
    PartnerQuerySet,
    public_name_of,
)
from partners.models.matching import CityIssue, CityIssueQuerySet, Interest

__all__ = [
    "INDIVIDUAL_PUBLIC_NAME",
    "ActivityField",
    "CityIssue",
    "CityIssueQuerySet",
    "Interest",
    "Partner",
    "PartnerQuerySet",
    "public_name_of",
]
