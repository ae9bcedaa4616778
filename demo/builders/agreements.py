"""Conclude agreements (their PDFs stored at agreement), an amendment and consultations."""

from datetime import timedelta

from demo.data import AGREEMENT_CLAUSES
from kyodo.models import User
from partners.models import Partner
from projects.models import AgreementVersion, Project, Status
from projects.policy import Need, Step, spec_for
from projects.services import agreements


def seed_agreements(
    projects: list[Project], partners: list[Partner], users: dict[str, User]
) -> None:
    """Conclude three agreements (one amended) and leave a fourth awaiting its partner."""
    # Only projects whose partners are all demo organisations, so every party can confirm.
    demo_orgs = {partners[0].pk: users["partner"], partners[1].pk: users["partner2"]}
    candidates = []
    for project in projects:
        needs = spec_for(project.implementation_form).steps
        links = list(project.project_partners.all())
        if (
            needs[Step.AGREEMENT] == Need.REQUIRED
            and project.status in (Status.ACTIVE, Status.EVALUATING, Status.COMPLETED)
            and links
            and all(link.partner_id in demo_orgs for link in links)
        ):
            candidates.append(project)
    first_org0 = next(p for p in candidates if p.project_partners.filter(partner=partners[0]))
    first_org1 = next(p for p in candidates if p.project_partners.filter(partner=partners[1]))
    rest = [p for p in candidates if p not in (first_org0, first_org1)]
    # The version left waiting for the partner belongs to a project still open (not 完了),
    # where the department could otherwise change the parties: the page says why it may not.
    waiting = next((p for p in rest if p.status != Status.COMPLETED), rest[-1])
    agreed = [p for p in rest if p is not waiting][:1]
    for n, project in enumerate([first_org0, first_org1, *agreed, waiting]):
        city = (
            users["staff"]
            if project.department_id == users["staff"].department_id
            else users["admin"]
        )
        version = _draft(project, city)
        agreements.agreement_freeze(version=version, by=city)
        agreements.agreement_confirm(version=version, by=city)
        if project is waiting:
            continue  # waiting for the partner's confirmation
        for link in project.project_partners.all():
            agreements.agreement_confirm(version=version, by=demo_orgs[link.partner_id])
        if n == 0:
            amended = agreements.agreement_amend(
                agreement=version.agreement,
                by=city,
                reason="参加者の増加に合わせて消耗品費を増やすため。",
            )
            amended.costs.filter(order=0).update(amount=60_000)
            agreements.agreement_freeze(version=amended, by=city)
            agreements.agreement_confirm(version=amended, by=city)
            for link in project.project_partners.all():
                agreements.agreement_confirm(version=amended, by=demo_orgs[link.partner_id])
        if n < 2:
            _consultations(project, city, demo_orgs)


def _draft(project: Project, city: User) -> AgreementVersion:
    version = agreements.agreement_start(project=project, by=city)
    links = list(project.project_partners.select_related("partner"))
    roles = [
        {
            "task": "活動の企画と当日の運営",
            "party": "partner",
            "partner_id": links[0].partner_id,
        },
        {"task": "参加者の募集と広報", "party": "city", "partner_id": None},
        {"task": "振り返りの会の開催", "party": "joint", "partner_id": None},
    ]
    costs = [
        {"item": "消耗品費", "payer_is_city": True, "partner_id": None, "amount": 50_000},
        {
            "item": "ボランティアの交通費",
            "payer_is_city": False,
            "partner_id": links[0].partner_id,
            "amount": 30_000,
        },
    ]
    milestones = [
        {"on": project.start_date + timedelta(days=30), "description": "キックオフの会議"},
        {"on": project.end_date - timedelta(days=20), "description": "報告会"},
    ]
    return agreements.agreement_version_save(
        version=version,
        by=city,
        expected_version=version.version,
        data=dict(AGREEMENT_CLAUSES),
        roles=roles,
        costs=costs,
        milestones=milestones,
    )


def _consultations(project: Project, city: User, demo_orgs: dict[int, User]) -> None:
    partner_user = next(iter(demo_orgs[link.partner_id] for link in project.project_partners.all()))
    org = partner_user.partner.name
    agreements.consultation_record(
        project=project,
        by=city,
        data={
            "held_on": project.start_date + timedelta(days=60),
            "place": "市役所 本庁舎 会議室",
            "attendees": f"{city.display_name}（市）\n{partner_user.display_name}（{org}）",
            "discussed": "参加者の集まり具合と、雨の日の対応。",
            "decided": "雨天時は翌週に順延する。連絡はメールで行う。",
        },
        follow_ups=[
            {
                "task": "雨天時の連絡網をつくる",
                "owner": partner_user,
                "due_on": project.start_date + timedelta(days=75),
            },
            {
                "task": "広報紙に次回の案内を載せる",
                "owner": city,
                "due_on": project.start_date + timedelta(days=80),
            },
        ],
    )
