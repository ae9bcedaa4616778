"""Evaluate the closed projects, and stage the evaluations still in progress."""

import random

from django.utils import timezone

from demo.data import SHOWCASE_RESULT, SHOWCASE_SURVEY
from evaluations import services as evaluation_services
from evaluations.models import ITEM_KEYS, ClosingDecision, ProcessEvaluation, ResultEvaluation
from kyodo.models import User
from partners.models import Partner
from projects.models import ImplementationForm, Project, Status
from projects.policy import Need, Step, spec_for


def seed_evaluations(
    projects: list[Project], partners: list[Partner], users: dict[str, User]
) -> None:
    """Evaluate every closed project on both sides and decide what comes next."""
    rng = random.Random(7)
    for project in projects:
        if project.status != Status.COMPLETED or project.archived_at:
            continue
        if spec_for(project.implementation_form).steps[Step.EVALUATION] == Need.NOT_APPLICABLE:
            continue
        by = project.created_by or users["admin"]
        links = list(project.project_partners.all())
        _process_evaluation(project, by, None, rng)
        for link in links:
            _process_evaluation(project, by, link.partner, rng, on_behalf=True)
        ResultEvaluation.objects.create(
            project=project,
            achieved="計画した活動をすべて行い、目的に近づいた。",
            participants=rng.randrange(40, 400),
            events=rng.randrange(4, 24),
        )
        later = next(
            (
                p
                for p in projects
                if p.title == project.title and p.fiscal_year > project.fiscal_year
            ),
            None,
        )
        ClosingDecision.objects.create(
            project=project,
            choice=ClosingDecision.Choice.CONTINUE if later else ClosingDecision.Choice.END,
            reason="評価がおおむね良好で、参加者からも続けてほしいという声が多かった。"
            if later
            else "所期の目的を達したため、団体の自主事業に引き継いで終える。",
            decided_by=by,
            next_project=later,
        )
        if later and later.origin_id is None:
            Project.objects.filter(pk=later.pk).update(origin=project)
    _in_progress(projects, partners, users, rng)


def _in_progress(
    projects: list[Project], partners: list[Partner], users: dict[str, User], rng: random.Random
) -> None:
    """Leave one evaluation waiting for the demo partner and finish another in full."""
    # The finished one has a beneficiary survey and a change of form for next year.
    staff = users["staff"]
    evaluating = [
        p
        for p in projects
        if p.status == Status.EVALUATING
        and p.department_id == staff.department_id
        and p.project_partners.exists()
    ]
    with_demo_partner = [
        p for p in evaluating if p.project_partners.filter(partner=partners[0]).exists()
    ]
    waiting = with_demo_partner[0] if with_demo_partner else None
    finished = next((p for p in evaluating if p != waiting), None)
    if waiting is not None:
        _process_evaluation(waiting, staff, None, rng)
    if finished is None:
        return
    _process_evaluation(finished, staff, None, rng)
    for link in finished.project_partners.select_related("partner"):
        user = users["partner"] if link.partner_id == partners[0].pk else None
        _process_evaluation(finished, user or staff, link.partner, rng, on_behalf=user is None)
    evaluation_services.result_evaluation_save(
        project=finished, by=staff, expected_version=None, data=dict(SHOWCASE_RESULT)
    )
    survey = evaluation_services.survey_save(
        project=finished, by=staff, expected_version=None, data=dict(SHOWCASE_SURVEY)
    )
    for n in range(14):
        evaluation_services.survey_answer(
            survey=survey,
            satisfaction=[4, 4, 3, 4, 3, 2, 4][n % 7],
            comment=["子どもが楽しみにしています。", "", "説明がわかりやすかった。"][n % 3],
        )
    change = finished.implementation_form != ImplementationForm.JIGYO_KYORYOKU
    evaluation_services.closing_decide(
        project=finished,
        by=staff,
        choice=ClosingDecision.Choice.CHANGE_FORM if change else ClosingDecision.Choice.CONTINUE,
        next_form=ImplementationForm.JIGYO_KYORYOKU if change else "",
        reason="両者の評価がそろって高く、役割を分け合って続ける力が団体についたため、"
        "協定にもとづく事業協力に移して続ける。",
    )


def _process_evaluation(
    project: Project,
    by: User,
    partner: Partner | None,
    rng: random.Random,
    *,
    on_behalf: bool = False,
) -> None:
    good = [4, 4, 3, 4, 3, 3]
    data = {}
    for n, key in enumerate(ITEM_KEYS):
        data[f"{key}_rating"] = max(1, good[n] - (rng.random() < 0.2))
        data[f"{key}_comment"] = (
            "定例の打ち合わせで、目的を確かめ合えた。" if key == "purpose" else ""
        )
    # Written directly: closed projects can no longer take evaluations through the service.
    ProcessEvaluation.objects.create(
        project=project,
        side=ProcessEvaluation.Side.PARTNER if partner else ProcessEvaluation.Side.CITY,
        partner=partner,
        entered_by=by,
        on_behalf=on_behalf,
        submitted_at=timezone.now(),
        **data,
    )
