"""What citizens see of a disclosed project: content, process and results (原則4).

Only organisations are named. Nothing here reads a person: no user names, no partner
representatives or contacts, no reviewers, no free-text comments of evaluations.
"""

from django.db.models import Prefetch

from evaluations.models import ITEMS, ClosingDecision, ProcessEvaluation, ResultEvaluation
from partners.models import Partner
from projects.models import Agreement, AgreementVersion, Disclosure, Project, ProjectPartner
from projects.services.agreements import latest_agreed
from selection.models import Selection
from selection.scoring import ranking


def disclosed_projects():
    """Projects whose department decided to publish them (fully or in part)."""
    return (
        Project.objects.disclosed()
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "project_partners",
                queryset=ProjectPartner.objects.select_related("partner").order_by("pk"),
            )
        )
    )


def selection_summary(project: Project) -> dict | None:
    """Method, number of applicants, the chosen organisation and totals, if published."""
    selection = (
        Selection.objects.filter(project=project, disclose_result=True)
        .select_related("chosen_partner")
        .first()
    )
    if selection is None:
        return None
    candidates = list(selection.candidates.select_related("partner"))
    summary = {"selection": selection, "applicants": len(candidates), "totals": []}
    if selection.is_competitive and selection.is_decided:
        result = ranking(selection, candidates=candidates)
        summary["totals"] = [
            {"name": row.candidate.partner.public_name, "total": row.total, "rank": row.rank}
            for row in result.rows
            if row.total is not None
        ]
        summary["max_total"] = result.max_total
    return summary


def agreement_summary(project: Project) -> dict | None:
    agreement = Agreement.objects.filter(project=project).first()
    version = latest_agreed(agreement)
    if version is None:
        return None
    roles = list(version.roles.select_related("partner"))
    return {
        "version": version,
        "roles": roles,
        "pdf": bool(version.pdf) and may_publish_agreement_pdf(project, version),
    }


def may_publish_agreement_pdf(project: Project, version: AgreementVersion) -> bool:
    """The signed document goes out only with a full disclosure and no individual named in it.

    The parties are those who confirmed the version: the partners of that day, not of today.
    """
    if not (project.publish_agreement_pdf and project.disclosure == Disclosure.PUBLIC):
        return False
    keys = version.confirmations.values_list("party_key", flat=True)
    partner_ids = [int(key.split(":")[1]) for key in keys if key.startswith("partner:")]
    return not Partner.objects.filter(pk__in=partner_ids, kind=Partner.Kind.INDIVIDUAL).exists()


def evaluation_summary(project: Project) -> dict:
    """Averages per item once every side has submitted (none before); no comments."""
    evaluations = list(ProcessEvaluation.objects.filter(project=project).released())
    items = []
    for key, label, _q in ITEMS:
        values = [getattr(e, f"{key}_rating") for e in evaluations if getattr(e, f"{key}_rating")]
        items.append(
            {"label": label, "average": round(sum(values) / len(values), 1) if values else None}
        )
    return {
        "count": len(evaluations),
        "items": items,
        "result": ResultEvaluation.objects.filter(project=project).first(),
        "decision": ClosingDecision.objects.filter(project=project).first(),
    }
