"""Record how partners were chosen: kept headers, and calls shown in full."""

from datetime import timedelta

from kyodo.models import User
from partners.models import Partner
from projects.models import Project, ProjectPartner, Status
from projects.policy import Need, Step, spec_for
from selection import services as selection_services
from selection.models import Candidate, Reviewer, Selection


def pick_showcases(projects: list[Project], users: dict[str, User]) -> dict[str, Project]:
    """Choose the projects whose selections are shown in full, by kind of selection."""
    mine = [
        p
        for p in projects
        if p.department_id == users["staff"].department_id
        and spec_for(p.implementation_form).steps[Step.SELECTION] == Need.REQUIRED
        and p.project_partners.exists()
    ]
    running = [p for p in mine if p.status in (Status.ACTIVE, Status.EVALUATING)]
    # Approved, not started: its partner is still being chosen, by another department
    # that asked the demo "staff" onto its panel.
    approved = [
        p
        for p in projects
        if p.status == Status.APPROVED
        and p.department_id != users["staff"].department_id
        and spec_for(p.implementation_form).steps[Step.SELECTION] == Need.REQUIRED
        and p.project_partners.exists()
    ]
    showcases = {}
    if len(running) >= 2:
        showcases["proposal"], showcases["sole"] = running[-1], running[-2]
    if approved:
        showcases["reviewing"] = approved[-1]
    return showcases


def record_simple_selection(project: Project, link: ProjectPartner | None, *, sole: bool) -> None:
    """Record the header of a selection decided before kyodo kept calls and scores."""
    selection = Selection.objects.create(
        project=project,
        method=Selection.Method.SOLE if sole else Selection.Method.PROPOSAL,
        sole_source_reason=(
            "この地区で同じ活動を続けている団体がほかになく、地域の合意もあるため。" if sole else ""
        ),
        summary="6つの観点で審査し、総合点の最も高い団体を選んだ。" if not sole else "",
        disclose_result=True,
    )
    if link is None:
        return
    Candidate.objects.create(selection=selection, partner=link.partner)
    Selection.objects.filter(pk=selection.pk).update(
        state=Selection.State.DECIDED,
        chosen_partner=link.partner,
        decided_on=project.start_date - timedelta(days=30),
    )


def seed_selections(
    showcases: dict[str, Project], partners: list[Partner], users: dict[str, User]
) -> None:
    """Run a finished プロポーザル, a 随意 with its reason, and one still in 審査中."""
    # In the one in 審査中 the coordinator has submitted and the demo "staff" has still to score.
    coordinator = users["coordinator"]
    for key, project in showcases.items():
        chosen = project.project_partners.select_related("partner").first().partner
        staff = project.created_by or users["admin"]
        if key == "sole":
            _sole_source(project, chosen, staff)
            continue
        start = project.start_date - timedelta(days=120)
        selection = selection_services.selection_save(
            project=project,
            by=staff,
            expected_version=None,
            data={
                "method": Selection.Method.PROPOSAL,
                "call_start": start,
                "call_end": start + timedelta(days=30),
                "summary": (
                    "市の広報紙とホームページで募集し、説明会を1回開いた。"
                    "提案書と面接で、6つの観点から審査した。"
                ),
                "disclose_result": True,
            },
        )
        others = [p for p in partners[2:] if p.pk != chosen.pk][:2]
        applicants = [chosen, *others]
        for n, partner in enumerate(applicants):
            selection_services.candidate_add(
                selection=selection,
                by=staff,
                partner=partner,
                applied_on=start + timedelta(days=10 + n * 5),
                proposal_summary=(
                    f"{partner.name}の提案: これまでの活動の経験を生かし、"
                    f"{project.title}を地域の人たちと進める。"
                ),
            )
        selection_services.reviewer_add(selection=selection, by=staff, user=users["staff"])
        selection_services.reviewer_add(selection=selection, by=staff, user=coordinator)
        outside = selection_services.reviewer_add(
            selection=selection, by=staff, name="辻堂 晴美", affiliation="大学教員（地域福祉）"
        )
        selection_services.selection_open_call(selection=selection, by=staff)
        selection_services.selection_close_call(selection=selection, by=staff)
        candidates = list(selection.candidates.all())
        panel = [(coordinator, coordinator), (outside, staff)]
        if key == "proposal":
            panel.append((staff, staff))  # in "reviewing", staff's own sheet is pending
        _score(selection, candidates, panel)
        if key == "proposal":
            selection_services.selection_decide(
                selection=selection,
                by=staff,
                candidate=candidates[0],
                decided_on=start + timedelta(days=50),
            )


def _sole_source(project: Project, chosen: Partner, staff: User) -> None:
    selection = selection_services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={
            "method": Selection.Method.SOLE,
            "sole_source_reason": (
                f"{chosen.name}は、この地区で同じ活動を10年以上続けてきた唯一の団体で、"
                "自治会との合意もあるため、公募をせずに協議で決めた。"
            ),
            "summary": "地区の自治会連合会の意見を聞いたうえで決めた。",
            "disclose_result": True,
        },
    )
    selection_services.candidate_add(
        selection=selection,
        by=staff,
        partner=chosen,
        proposal_summary="これまでの活動を引き継ぎ、参加者を地区の外にも広げる提案。",
    )
    selection_services.selection_decide(
        selection=selection,
        by=staff,
        candidate=selection.candidates.get(),
        decided_on=project.start_date - timedelta(days=40),
    )


def _score(
    selection: Selection,
    candidates: list[Candidate],
    panel: list[tuple[User | Reviewer, User]],
) -> None:
    """Submit a score sheet for each seat of the panel, entered by the given user."""
    criteria = list(selection.criteria.all())
    for r_index, (seat_of, by) in enumerate(panel):
        reviewer = (
            seat_of if isinstance(seat_of, Reviewer) else selection.reviewers.get(user=seat_of)
        )
        cells = {}
        for c_index, candidate in enumerate(candidates):
            for k_index, criterion in enumerate(criteria):
                # The partner already on the project comes out on top.
                points = max(1, criterion.max_score - c_index - (k_index + c_index + r_index) % 2)
                comment = "具体的で実行できる計画。" if c_index == 0 and k_index == 0 else ""
                cells[(candidate.pk, criterion.pk)] = (points, comment)
        selection_services.score_sheet_save(
            reviewer=reviewer,
            by=by,
            expected_version=reviewer.version,
            cells=cells,
            submit=True,
        )
