"""Create the projects with their partners, eligibility, status trail and review threads."""

import random
from collections.abc import Collection
from datetime import date, timedelta

from demo.builders.selection import record_simple_selection
from demo.data import (
    COST_ONLY_ELIGIBILITY,
    ELIGIBILITY,
    FORM_DEPARTMENTS,
    FORM_DETAILS,
    THEMES,
)
from kyodo import fiscal
from kyodo.models import Department, User
from partners.models import Partner
from projects.models import Eligibility, Fund, ImplementationForm, Project, Status, StatusChange
from projects.policy import Need, Step, spec_for
from projects.services import project as project_services

# The path a project takes; a seeded project gets the changes up to its status.
PATH = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.ACTIVE,
    Status.EVALUATING,
    Status.COMPLETED,
]


def seed_projects(
    departments: dict[str, Department], partners: list[Partner], users: dict[str, User]
) -> list[Project]:
    """Create two years of each theme, in every status, with their partners."""
    rng = random.Random(20251)
    this_year = fiscal.current_fiscal_year()
    years = list(range(this_year - 5, this_year + 1))
    statuses = [Status.COMPLETED, Status.COMPLETED, Status.EVALUATING, Status.ACTIVE]
    fund = Fund.objects.order_by("pk").first()
    creators = {d.pk: None for d in departments.values()}
    creators[departments["環境政策課"].pk] = users["staff"]
    creators[departments["福祉政策課"].pk] = users["staff2"]
    created = []
    plan = []
    for form, titles in THEMES.items():
        for i, title in enumerate(titles):
            for year in rng.sample(years, k=2):
                plan.append((form, title, year, i))
    # Make sure both demo partners and the demo department share several projects.
    for n, (form, title, year, i) in enumerate(sorted(plan, key=lambda p: (p[2], p[0], p[1]))):
        dept_name = FORM_DEPARTMENTS[form][(i + n) % len(FORM_DEPARTMENTS[form])]
        if year == this_year and "環境政策課" in FORM_DEPARTMENTS[form] and n % 2:
            dept_name = "環境政策課"  # the demo "staff" has work in the current 年度
        department = departments[dept_name]
        start, end = fiscal.fiscal_year_bounds(year)
        if year < this_year:
            status = statuses[n % len(statuses)] if year < this_year - 1 else Status.ACTIVE
        else:
            status = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.ACTIVE][n % 4]
        project = project_services.project_create(
            by=creators[department.pk] or users["admin"],
            data={
                "title": title,
                "fiscal_year": year,
                "department": department,
                "implementation_form": form,
                "purpose": f"{title}を通じて、市民と市がいっしょに地域の課題に取り組む。",
                "content": f"{title}を年間を通じて行う。準備会議、実施、振り返りの会を持つ。",
                "beneficiaries": "市民、とくに地域の子どもと高齢者",
                "expected_effect": "参加者の増加と、地域のつながりの強まり。",
                "start_date": start,
                "end_date": end if form != ImplementationForm.SHITEI else date(year + 4, 3, 31),
                "budget": None
                if form == ImplementationForm.KOEN
                else rng.randrange(10, 500) * 10_000,
                "status": status,
            },
            detail_data=_detail(form, title, year, fund, rng),
        )
        role = spec_for(form).partner_role
        count = 2 if form in (ImplementationForm.JIKKO_IINKAI, ImplementationForm.KYOSAI) else 1
        chosen = [partners[(n * 3 + k) % len(partners)] for k in range(count)]
        if dept_name == "環境政策課" and n % 2 == 0:
            chosen[0] = partners[0]  # the demo "partner" works with the demo "staff"
        if n % 7 == 3 and partners[1] not in chosen:
            chosen.append(partners[1])
        for partner in dict.fromkeys(chosen):
            project_services.project_add_partner(
                project=project, by=project.created_by, partner=partner, role=role
            )
        created.append(project)
    return created


def _detail(form: str, title: str, year: int, fund: Fund | None, rng: random.Random) -> dict:
    start, _ = fiscal.fiscal_year_bounds(year)
    event_day = start + timedelta(days=rng.randrange(30, 300))
    # Drawn for every form, not only the one that uses them, so that the same seed keeps
    # giving the same demo data.
    amount = rng.randrange(5, 30) * 10_000
    decision_number = f"茅市自第{rng.randrange(100, 999)}号"
    approval_number = f"茅観第{rng.randrange(100, 999)}号"
    varying = {
        ImplementationForm.ITAKU: {
            "specification": f"{title}の企画、運営、報告書の作成。",
        },
        ImplementationForm.SHITEI: {
            "facility_name": title.replace("の管理運営", ""),
            "designation_start": start,
            "designation_end": date(year + 4, 3, 31),
        },
        ImplementationForm.JIGYO_KYORYOKU: {
            "is_adopt_program": "里親" in title or "美化" in title,
            "adopt_place_kind": "river" if "河川" in title else ("park" if "公園" in title else ""),
            "adopt_place": "小出川沿い" if "河川" in title else "",
        },
        ImplementationForm.JIKKO_IINKAI: {
            "committee_name": f"{title}実行委員会",
        },
        ImplementationForm.KYOSAI: {
            "event_name": title,
            "event_date": event_day,
        },
        ImplementationForm.HOJO: {
            "amount": amount,
            "fund": fund,
            "decision_date": start + timedelta(days=45),
            "decision_number": decision_number,
        },
        ImplementationForm.KOEN: {
            "event_name": title,
            "event_date": event_day,
            "approval_date": event_day - timedelta(days=40),
            "approval_number": approval_number,
        },
    }
    return {**FORM_DETAILS[form], **varying[form]}


def record_steps(
    projects: list[Project], users: dict[str, User], showcase_ids: Collection[int] = ()
) -> None:
    """Record the steps and the status trail each project's status implies."""
    for n, project in enumerate(projects):
        by = project.created_by or users["admin"]
        if project.status != Status.DRAFT or n % 3:
            Eligibility.objects.create(
                project=project,
                **ELIGIBILITY,
                expertise=f"{project.partners_display or '団体'}の現場での経験と信頼関係。",
            )
        needs = spec_for(project.implementation_form).steps
        link = project.project_partners.select_related("partner").first()
        if (
            needs[Step.SELECTION] != Need.NOT_APPLICABLE
            and project.status != Status.DRAFT
            and project.pk not in showcase_ids
        ):
            record_simple_selection(project, link, sole=n % 5 == 0)
        if project.status in (Status.EVALUATING, Status.COMPLETED):
            Project.objects.filter(pk=project.pk).update(disclosure="public")
        reached = PATH[: PATH.index(project.status) + 1] if project.status in PATH else []
        for before, after in zip(reached, reached[1:], strict=False):
            reviewer = after in (Status.APPROVED,)
            StatusChange.objects.create(
                project=project,
                from_status=before,
                to_status=after,
                by=users["coordinator"] if reviewer else by,
                comment="内容を確認しました。" if reviewer else "",
            )


def add_growth_and_comments(projects: list[Project], users: dict[str, User]) -> None:
    """Add a subsidy grown into a 事業協力, comments, an edit and one archived project."""
    # A subsidy that grew into a 事業協力 next year: the path the guideline hopes for.
    hojo = next(p for p in projects if p.implementation_form == ImplementationForm.HOJO)
    grown = project_services.project_create(
        by=users["staff"],
        data={
            "title": "自然観察会の定例化（補助から事業協力へ）",
            "fiscal_year": min(hojo.fiscal_year + 1, fiscal.current_fiscal_year()),
            "department": users["staff"].department,
            "implementation_form": ImplementationForm.JIGYO_KYORYOKU,
            "purpose": "補助で始まった自然観察会を、市と団体の協定にもとづく定例の事業にする。",
            "content": "月1回の観察会と、年1回の報告会。",
            "status": Status.DRAFT,
            "origin": hojo,
        },
        detail_data={"city_publicises": True, "city_pays_insurance": True},
    )
    project_services.project_add_partner(
        project=grown,
        by=users["staff"],
        partner=hojo.project_partners.first().partner,
        role=spec_for(grown.implementation_form).partner_role,
    )
    # One that has already made the move and is under way, so that /stats/ counts a transition.
    done_subsidies = [
        p for p in projects if p.implementation_form == ImplementationForm.HOJO and p.pk != hojo.pk
    ]
    for earlier in done_subsidies:
        moved = next(
            (
                p
                for p in projects
                if p.implementation_form == ImplementationForm.JIGYO_KYORYOKU
                and p.status in (Status.ACTIVE, Status.EVALUATING, Status.COMPLETED)
                and p.origin_id is None
                and p.fiscal_year > earlier.fiscal_year
            ),
            None,
        )
        if moved is not None:
            Project.objects.filter(pk=moved.pk).update(origin=earlier)
            moved.origin = earlier
            break
    project_services.comment_add(
        project=grown,
        by=users["coordinator"],
        body="補助からの発展、よい流れです。協定書の役割分担では、保険の負担を明記してください。",
    )
    staff_project = next(p for p in projects if p.department_id == users["staff"].department_id)
    project_services.comment_add(
        project=staff_project,
        by=users["coordinator"],
        body="協議の場の記録を残しておくと、評価のときに役立ちます。",
    )
    project_services.project_update(
        project=staff_project,
        by=users["staff"],
        expected_version=staff_project.version,
        data={"expected_effect": "参加者を前年より2割増やし、新しい担い手を5人得る。"},
        detail_data={},
    )
    archived = projects[-1]
    project_services.project_archive(
        project=archived, by=users["admin"], reason="重複して登録したため（デモ）"
    )


def add_review_threads(projects: list[Project], users: dict[str, User]) -> None:
    """Add a returned-then-resubmitted project and a cost-only draft for the review demo."""
    staff, coordinator = users["staff"], users["coordinator"]
    mine = [p for p in projects if p.department_id == staff.department_id]
    submitted = next(p for p in mine if p.status == Status.SUBMITTED)
    StatusChange.objects.create(
        project=submitted,
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        by=coordinator,
        comment="期待される効果を、参加者数などの数字で書いてください。",
    )
    project_services.comment_add(
        project=submitted,
        by=staff,
        body="参加者数の目標（年間300人）を書き加えました。ご確認ください。",
    )
    StatusChange.objects.create(
        project=submitted,
        from_status=Status.RETURNED,
        to_status=Status.SUBMITTED,
        by=staff,
        comment="ご指摘の点を直しました。",
    )
    project_services.comment_add(
        project=submitted,
        by=coordinator,
        body="活動日程が決まったら、パートナーにも共有してください。",
        shared_with_partner=True,
    )
    draft = next((p for p in mine if p.status == Status.DRAFT), None)
    if draft is not None:
        Eligibility.objects.update_or_create(project=draft, defaults=COST_ONLY_ELIGIBILITY)
