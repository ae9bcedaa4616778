"""The 協働事業 record: re-exported so that `from projects.models import X` keeps working."""

from projects.models.details import (
    FormDetail,
    HojoDetail,
    ItakuDetail,
    JigyoKyoryokuDetail,
    JikkoIinkaiDetail,
    KoenDetail,
    KyosaiDetail,
    ShiteiDetail,
)
from projects.models.project import (
    Comment,
    Disclosure,
    Eligibility,
    Fund,
    ImplementationForm,
    PartnerRole,
    Project,
    ProjectPartner,
    ProjectQuerySet,
    Status,
    StatusChange,
)

__all__ = [
    "Comment",
    "Disclosure",
    "Eligibility",
    "FormDetail",
    "Fund",
    "HojoDetail",
    "ImplementationForm",
    "ItakuDetail",
    "JigyoKyoryokuDetail",
    "JikkoIinkaiDetail",
    "KoenDetail",
    "KyosaiDetail",
    "PartnerRole",
    "Project",
    "ProjectPartner",
    "ProjectQuerySet",
    "ShiteiDetail",
    "Status",
    "StatusChange",
]
