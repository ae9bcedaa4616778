"""Who may see and write the evaluation of a project.

The department, 市民自治推進課 and the project's partners take part; nobody else sees any of
it (404). Each side sees the other's process evaluation only once both have submitted theirs.
"""

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from evaluations.models import ProcessEvaluation
from kyodo.models import User
from kyodo.rules import is_admin, is_coordinator, is_partner_user
from projects.models import Project, Status
from projects.permissions import (
    get_project_for,
    is_city_owner,
    is_not_archived,
    is_owning_department,
    is_project_partner,
)


@rules.predicate
def is_open_for_evaluation(user: User | AnonymousUser, project: Project) -> bool:
    return project.status in (Status.ACTIVE, Status.EVALUATING)


can_take_part = is_owning_department | is_coordinator | is_admin | is_project_partner

rules.add_perm("evaluations.view_evaluation", can_take_part)
rules.add_perm(
    "evaluations.manage_evaluation", is_city_owner & is_not_archived & is_open_for_evaluation
)
rules.add_perm(
    "evaluations.write_partner_evaluation",
    is_project_partner & is_not_archived & is_open_for_evaluation,
)
rules.add_perm("evaluations.view_report", is_coordinator | is_admin)


def get_evaluated_project_for(
    user: User, pk: int, *, perm: str = "evaluations.view_evaluation"
) -> Project:
    """The project pk for its evaluation pages: 404 for outsiders, 403 if perm is refused."""
    project = get_project_for(user, pk)
    if not user.has_perm("evaluations.view_evaluation", project):
        raise Http404
    if perm != "evaluations.view_evaluation" and not user.has_perm(perm, project):
        raise PermissionDenied
    return project


def both_submitted(city: ProcessEvaluation | None, partner: ProcessEvaluation | None) -> bool:
    """The city's and this partner's evaluations are both in: each may read the other's."""
    return bool(city and partner and city.is_submitted and partner.is_submitted)


def readable(
    user: User,
    evaluation: ProcessEvaluation | None,
    city: ProcessEvaluation | None,
    project: Project,
) -> bool:
    """May user read this evaluation now? The other side's only once both are submitted.

    The public page and the yearly report go further: ProcessEvaluation.objects.released()
    shows nothing of a project until every side has submitted.
    """
    if evaluation is None:
        return False
    if is_partner_user(user):
        assert user.partner_id is not None  # is_partner_user checks it
        if evaluation.partner_id == user.partner_id:
            return True
        if evaluation.side == ProcessEvaluation.Side.CITY:
            own = ProcessEvaluation.objects.filter(
                project=project, partner_id=user.partner_id, submitted_at__isnull=False
            ).exists()
            return evaluation.is_submitted and own
        return False
    if not user.has_perm("evaluations.view_evaluation", project):
        return False
    if evaluation.side == ProcessEvaluation.Side.CITY or evaluation.on_behalf:
        return True
    return both_submitted(city, evaluation)
