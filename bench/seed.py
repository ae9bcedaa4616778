"""The benchmark's data set: 10 年度, 6,000 projects across the seven forms, 2,000 partners,
500 users, agreements with versions, evaluations.

Rows go in with bulk_create (no history rows): the pages read the same tables either way,
and seeding through the services would take most of the ten minutes the benchmark may use.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from evaluations.models import ITEM_KEYS, ProcessEvaluation, ResultEvaluation
from kyodo.models import Department, User
from partners.models import Partner
from projects.models import (
    Agreement,
    AgreementRole,
    AgreementVersion,
    ImplementationForm,
    Project,
    ProjectPartner,
    Status,
    StatusChange,
)
from projects.policy import POLICY

FIRST_YEAR, YEARS = 2017, 10
PASSWORD = "bench-pass-123"
FORMS = ImplementationForm.values
ROLE_OF_FORM = {
    "itaku": "contractor",
    "shitei": "designated",
    "jigyo_kyoryoku": "agreement",
    "jikko_iinkai": "member",
    "kyosai": "cohost",
    "hojo": "grantee",
    "koen": "endorsed",
}
BUREAUS = ["市民自治推進部", "環境部", "こども育成部", "福祉部", "経済部", "文化生涯学習部"]
WORDS = ["海岸", "里山", "子育て", "見守り", "商店街", "防災", "図書", "スポーツ", "文化祭", "農業"]


def _status_for(year: int, rng: random.Random) -> str:
    """Past years are mostly finished; the current year is spread over the workflow."""
    if year < FIRST_YEAR + YEARS - 1:
        return rng.choices(
            [Status.COMPLETED, Status.EVALUATING, Status.ACTIVE], weights=[85, 10, 5]
        )[0]
    return rng.choice(
        [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.ACTIVE]
    )


def seed(*, projects: int, partners: int, users: int, tag: str = "") -> dict:
    """Add a batch of rows (call again with another tag to grow the same database); returns
    the users and the project the measurements start from."""
    rng = random.Random(8 + len(tag))
    now = timezone.now()
    departments = Department.objects.bulk_create(
        Department(name=f"ベンチ{tag}{n:02d}課", bureau=BUREAUS[n % len(BUREAUS)], sort_order=n)
        for n in range(40)
    )
    orgs = Partner.objects.bulk_create(
        (
            Partner(
                name=f"{WORDS[n % 10]}の会{tag}{n:04d}",
                mission=f"{WORDS[n % 10]}を通じて地域を元気にする活動。",
                themes=WORDS[(n * 3) % 10],
                search_index=f"{WORDS[n % 10]}の会{tag}{n:04d}",
            )
            for n in range(partners)
        ),
        batch_size=1000,
    )
    password = make_password(PASSWORD)
    people = []
    for n in range(users):
        share = n / users  # 84% department staff, 4% coordinators, 11% partners, 1% admins
        if n == users - 1:
            role, dept, org = "admin", None, None
        elif share < 0.84:
            role, dept, org = "department", departments[n % len(departments)], None
        elif share < 0.88:
            role, dept, org = "coordinator", departments[0], None
        elif share < 0.99:
            role, dept, org = "partner", None, orgs[n % len(orgs)]
        else:
            role, dept, org = "admin", None, None
        people.append(
            User(
                username=f"{role}{tag}{n:03d}",
                password=password,
                role=role,
                department=dept,
                partner=org,
                is_staff=role == "admin",
                is_superuser=role == "admin",
                last_name="ベンチ",
                first_name=f"{n:03d}",
            )
        )
    people = User.objects.bulk_create(people, batch_size=500)
    staff_by_dept = {d.pk: u for u in people if u.role == "department" for d in [u.department]}

    rows = []
    for n in range(projects):
        year = FIRST_YEAR + n % YEARS
        form = FORMS[n % len(FORMS)]
        dept = departments[(n * 7) % len(departments)]
        rows.append(
            Project(
                title=f"{WORDS[n % 10]}の協働事業{n:05d}",
                fiscal_year=year,
                department=dept,
                implementation_form=form,
                purpose="市民と市がいっしょに地域の課題に取り組み、暮らしやすいまちをつくる。",
                content="年間を通じた活動と、年に一度の報告会。",
                start_date=date(year, 4, 1),
                end_date=date(year + 1, 3, 31),
                budget=rng.randrange(0, 5_000_000, 1000),
                status=_status_for(year, rng),
                disclosure=rng.choice(["public", "public", "partial", "private", ""]),
                created_by=staff_by_dept.get(dept.pk, people[0]),
                search_index=f"{WORDS[n % 10]}の協働事業{n:05d}",
            )
        )
    created = Project.objects.bulk_create(rows, batch_size=1000)

    links, details, changes = [], {}, []
    for n, project in enumerate(created):
        role = ROLE_OF_FORM[project.implementation_form]
        first = orgs[(n * 13) % len(orgs)]
        links.append(ProjectPartner(project=project, partner=first, role=role))
        if n % 3 == 0:
            links.append(
                ProjectPartner(project=project, partner=orgs[(n * 13 + 1) % len(orgs)], role=role)
            )
        model = POLICY[project.implementation_form].detail_model
        details.setdefault(model, []).append(model(project=project))
        if project.status != Status.DRAFT:
            changes.append(
                StatusChange(
                    project=project,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    by=project.created_by,
                )
            )
    ProjectPartner.objects.bulk_create(links, batch_size=2000)
    for model, objs in details.items():
        model.objects.bulk_create(objs, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=2000)

    agreed = [
        p
        for p in created
        if p.status in (Status.ACTIVE, Status.EVALUATING, Status.COMPLETED)
        and p.implementation_form in ("itaku", "shitei", "jigyo_kyoryoku", "jikko_iinkai")
    ]
    agreements = Agreement.objects.bulk_create(
        (Agreement(project=p) for p in agreed), batch_size=1000
    )
    versions = []
    for n, (agreement, project) in enumerate(zip(agreements, agreed, strict=True)):
        for number in (1, 2) if n % 4 == 0 else (1,):
            versions.append(
                AgreementVersion(
                    agreement=agreement,
                    number=number,
                    change_reason="" if number == 1 else "活動日の追加",
                    purpose=project.purpose,
                    responsibility="それぞれの役割に応じて責任を負う。",
                    period_start=project.start_date,
                    period_end=project.end_date,
                    frozen_at=now - timedelta(days=30),
                    agreed_at=now - timedelta(days=20),
                )
            )
    versions = AgreementVersion.objects.bulk_create(versions, batch_size=1000)
    AgreementRole.objects.bulk_create(
        (
            AgreementRole(version=v, task=f"役割{k}", party="city" if k % 2 else "joint", order=k)
            for v in versions
            for k in range(3)
        ),
        batch_size=2000,
    )

    evaluations, results = [], []
    ratings = {f"{key}_rating": 3 for key in ITEM_KEYS}
    for project in created:
        if project.status != Status.COMPLETED:
            continue
        evaluations.append(
            ProcessEvaluation(
                project=project,
                side="city",
                entered_by=project.created_by,
                submitted_at=now,
                **ratings,
            )
        )
        results.append(ResultEvaluation(project=project, achieved="目標をおおむね達成した。"))
    ProcessEvaluation.objects.bulk_create(evaluations, batch_size=1000)
    ResultEvaluation.objects.bulk_create(results, batch_size=1000)

    staff = next(u for u in people if u.role == "department")
    showcase = next(p for p in agreed if p.department_id == staff.department_id)
    return {
        "staff": staff,
        "coordinator": next(u for u in people if u.role == "coordinator"),
        "admin": next(u for u in people if u.role == "admin"),
        "project": showcase,
    }


def counts() -> dict:
    """What the database holds, for the report."""
    return {
        "fiscal_years": Project.objects.values("fiscal_year").distinct().count(),
        "projects": Project.objects.count(),
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "agreements": Agreement.objects.count(),
        "agreement_versions": AgreementVersion.objects.count(),
        "process_evaluations": ProcessEvaluation.objects.count(),
        "submitted_for_review": Project.objects.filter(status=Status.SUBMITTED).count(),
    }
