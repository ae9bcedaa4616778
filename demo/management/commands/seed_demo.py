"""Create demonstration data: departments, one user per role, partners and projects.

Idempotent: a second run adds nothing. Refuses to run with DEBUG off, so that the demo
passwords can never reach a production database.
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from evaluations import services as evaluation_services
from evaluations.models import ITEM_KEYS, ClosingDecision, ProcessEvaluation, ResultEvaluation
from kyodo import audit, fiscal
from kyodo.models import AuditEvent, Department, User
from partners import services as partner_services
from partners.models import ActivityField, Partner
from partners.services import partner_create
from projects.models import (
    AgreementVersion,
    Disclosure,
    Eligibility,
    Fund,
    ImplementationForm,
    Project,
    Status,
    StatusChange,
)
from projects.policy import Need, Step, spec_for
from projects.services import agreements
from projects.services import project as project_services
from selection import services as selection_services
from selection.models import Candidate, Reviewer, Selection

DEMO_PASSWORD = "kyodo-demo"
SURNAMES = ["青木", "石井", "上田", "江口", "岡本"]
TOWNS = ["東海岸北", "南湖", "柳島", "浜見平", "本村"]

DEPARTMENTS = [
    ("環境政策課", "環境部", 10),
    ("市民自治推進課", "企画部", 20),
    ("福祉政策課", "福祉部", 30),
    ("子育て支援課", "こども育成部", 40),
    ("文化生涯学習課", "文化生涯学習部", 50),
    ("景観みどり課", "都市部", 60),
    ("道路管理課", "建設部", 70),
    ("防災対策課", "防災危機管理室", 80),
    ("観光振興課", "経済部", 90),
]

USERS = [
    # username, role, department, partner index, last name, first name
    ("staff", User.Role.DEPARTMENT, "環境政策課", None, "浜田", "みどり"),
    ("staff2", User.Role.DEPARTMENT, "福祉政策課", None, "松林", "健一"),
    ("coordinator", User.Role.COORDINATOR, "市民自治推進課", None, "柳島", "さくら"),
    ("partner", User.Role.PARTNER, None, 0, "南湖", "海斗"),
    ("partner2", User.Role.PARTNER, None, 1, "香川", "由美"),
    ("admin", User.Role.ADMIN, None, None, "管理", "担当"),
]

PARTNERS = [
    (
        "NPO法人 湘南なぎさネット",
        "しょうなんなぎさねっと",
        Partner.Kind.NPO,
        ["環境の保全", "まちづくり"],
        "海岸の清掃と海辺の生き物観察会",
        "きれいな海岸を次の世代に手渡す。",
        45,
    ),
    (
        "茅ヶ崎子ども食堂ネットワーク",
        "ちがさきこどもしょくどうねっとわーく",
        Partner.Kind.CIVIC,
        ["子どもの健全育成", "保健・医療・福祉"],
        "子ども食堂の運営と学習支援",
        "地域のどの子も、ひとりで食べなくていいまちに。",
        30,
    ),
    (
        "柳島地区自治会連合会",
        "やなぎしまちくじちかいれんごうかい",
        Partner.Kind.COMMUNITY,
        ["地域安全", "災害救援"],
        "防災訓練、見守り活動",
        "住み慣れた地域で安心して暮らす。",
        1200,
    ),
    (
        "株式会社 湘南グリーンワークス",
        "しょうなんぐりーんわーくす",
        Partner.Kind.BUSINESS,
        ["環境の保全", "経済活動の活性化"],
        "公園の植栽管理、緑化の技術支援",
        "技術で地域の緑を守る。",
        25,
    ),
    (
        "NPO法人 ちがさき福祉サポート",
        "ちがさきふくしさぽーと",
        Partner.Kind.NPO,
        ["保健・医療・福祉"],
        "高齢者の居場所づくり、移動支援",
        "だれもが出かけられるまちへ。",
        60,
    ),
    (
        "えぼし岩ウォーキングクラブ",
        "えぼしいわうぉーきんぐくらぶ",
        Partner.Kind.CIVIC,
        ["学術・文化・芸術・スポーツ", "保健・医療・福祉"],
        "健康づくりのウォーキング",
        "歩いて元気に、歩いてまちを知る。",
        80,
    ),
    (
        "茅ヶ崎国際交流の会",
        "ちがさきこくさいこうりゅうのかい",
        Partner.Kind.CIVIC,
        ["国際協力", "社会教育"],
        "外国人住民の日本語学習支援",
        "ことばの壁をなくす。",
        40,
    ),
    (
        "NPO法人 湘南まちづくり工房",
        "しょうなんまちづくりこうぼう",
        Partner.Kind.NPO,
        ["まちづくり", "観光"],
        "商店街の活性化、まち歩きマップ",
        "歩いて楽しいまちをつくる。",
        20,
    ),
    (
        "浜見平地区まちづくり協議会",
        "はまみだいらちくまちづくりきょうぎかい",
        Partner.Kind.COMMUNITY,
        ["まちづくり", "地域安全"],
        "団地の再生と地域の見守り",
        "世代をこえて支え合う団地。",
        300,
    ),
    (
        "茅ヶ崎ジャズ文化の会",
        "ちがさきじゃずぶんかのかい",
        Partner.Kind.CIVIC,
        ["学術・文化・芸術・スポーツ", "観光"],
        "音楽イベントの企画",
        "音楽でまちをつなぐ。",
        35,
    ),
    (
        "ちがさき子育てひろばの会",
        "ちがさきこそだてひろばのかい",
        Partner.Kind.CIVIC,
        ["子どもの健全育成", "男女共同参画"],
        "親子の居場所、子育て相談",
        "子育てを地域みんなで。",
        25,
    ),
    (
        "NPO法人 湘南防災ボランティア",
        "しょうなんぼうさいぼらんてぃあ",
        Partner.Kind.NPO,
        ["災害救援", "地域安全"],
        "防災講座、避難所運営の訓練",
        "災害に強い地域をつくる。",
        50,
    ),
    (
        "里山を守る会",
        "さとやまをまもるかい",
        Partner.Kind.CIVIC,
        ["環境の保全", "社会教育"],
        "里山の保全、自然観察会",
        "身近な自然を残す。",
        40,
    ),
    (
        "湘南ITサポーターズ",
        "しょうなんあいてぃーさぽーたーず",
        Partner.Kind.CIVIC,
        ["情報化社会", "市民活動の支援"],
        "高齢者向けスマホ教室、団体のIT支援",
        "だれも取り残さないデジタル化。",
        15,
    ),
    (
        "茅ヶ崎商工会議所青年部",
        "ちがさきしょうこうかいぎしょせいねんぶ",
        Partner.Kind.BUSINESS,
        ["経済活動の活性化", "観光"],
        "地域のお祭り、産業まつりの運営",
        "地域の商いを元気に。",
        90,
    ),
    (
        "鶴嶺地区社会福祉協議会",
        "つるみねちくしゃかいふくしきょうぎかい",
        Partner.Kind.COMMUNITY,
        ["保健・医療・福祉"],
        "地域の支え合い活動、サロン運営",
        "となり近所で支え合う。",
        150,
    ),
    (
        "NPO法人 海辺の学校",
        "うみべのがっこう",
        Partner.Kind.NPO,
        ["社会教育", "子どもの健全育成", "環境の保全"],
        "子どもの海の体験学習",
        "海から学ぶ子どもを育てる。",
        28,
    ),
    (
        "ちがさき読み聞かせの会",
        "ちがさきよみきかせのかい",
        Partner.Kind.CIVIC,
        ["社会教育", "子どもの健全育成"],
        "図書館や学校での読み聞かせ",
        "本と出会う楽しさを。",
        22,
    ),
    (
        "湘南サイクルまちづくり",
        "しょうなんさいくるまちづくり",
        Partner.Kind.CIVIC,
        ["まちづくり", "地域安全"],
        "自転車の安全教室、サイクルマップ",
        "自転車で暮らしやすいまち。",
        18,
    ),
    (
        "小出川の自然を愛する会",
        "こいでがわのしぜんをあいするかい",
        Partner.Kind.CIVIC,
        ["環境の保全"],
        "河川の清掃、彼岸花の保全",
        "川辺の景観を守る。",
        55,
    ),
]

THEMES = {
    ImplementationForm.ITAKU: [
        "海岸清掃ボランティアの受付・調整業務",
        "高齢者の居場所運営業務",
        "日本語学習支援教室の運営",
        "子育てひろばの運営",
        "スマホ相談会の実施業務",
        "環境学習講座の企画運営",
    ],
    ImplementationForm.SHITEI: [
        "市民活動サポートセンターの管理運営",
        "浜見平地区集会所の管理運営",
        "里山公園休憩棟の管理運営",
    ],
    ImplementationForm.JIGYO_KYORYOKU: [
        "海岸の里親（アダプト）活動",
        "小出川の河川美化",
        "公園の花壇づくり",
        "通学路の見守り活動",
        "地域防災マップの作成",
        "まち歩きマップの作成",
        "子ども食堂への食材提供の仕組みづくり",
    ],
    ImplementationForm.JIKKO_IINKAI: [
        "茅ヶ崎海岸グリーンフェスタ",
        "市民活動フェスティバル",
        "ジャズの日コンサート",
    ],
    ImplementationForm.KYOSAI: [
        "防災講演会",
        "環境フォーラム",
        "子育て応援フェア",
        "国際交流の集い",
    ],
    ImplementationForm.HOJO: [
        "地域の見守りサロン",
        "親子の読み聞かせ会",
        "自然観察会",
        "自転車安全教室",
        "外国人住民のための生活相談会",
    ],
    ImplementationForm.KOEN: [
        "海辺のクリーンアップ大会",
        "ウォーキング大会",
        "市民音楽祭",
        "子ども将棋大会",
    ],
}

FORM_DEPARTMENTS = {
    ImplementationForm.ITAKU: ["環境政策課", "福祉政策課", "子育て支援課", "文化生涯学習課"],
    ImplementationForm.SHITEI: ["市民自治推進課", "景観みどり課", "文化生涯学習課"],
    ImplementationForm.JIGYO_KYORYOKU: ["環境政策課", "景観みどり課", "道路管理課", "防災対策課"],
    ImplementationForm.JIKKO_IINKAI: ["環境政策課", "市民自治推進課", "観光振興課"],
    ImplementationForm.KYOSAI: ["防災対策課", "環境政策課", "子育て支援課", "福祉政策課"],
    ImplementationForm.HOJO: ["市民自治推進課", "福祉政策課", "環境政策課"],
    ImplementationForm.KOEN: ["観光振興課", "文化生涯学習課", "環境政策課", "福祉政策課"],
}


class Command(BaseCommand):
    help = "デモ用のデータ（所管課、各役割の利用者、パートナー、協働事業）を作ります。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG が無効なため中止しました。デモ用のパスワードを本番に入れないためです。"
            )
        with transaction.atomic():
            departments = self._departments()
            partners = self._partners()
            users = self._users(departments, partners)
            created = self._projects(departments, partners, users)
            self._audit_trail(users)
        self.stdout.write(self.style.SUCCESS(f"デモデータ: 協働事業を{created}件追加しました。"))
        self.stdout.write("ログインできるデモ用の利用者（パスワードはすべて kyodo-demo）:")
        for username, role, dept, partner_index, *_ in USERS:
            where = dept or (PARTNERS[partner_index][0] if partner_index is not None else "")
            where = "" if where == role.label else f"・{where}"
            self.stdout.write(f"  {username:<12} {role.label}{where}")
        self.stdout.write("http://127.0.0.1:8000/ を開いてログインしてください。")

    def _audit_trail(self, users) -> None:
        """A few lines of the audit log as the admin would find them: who opened agreed
        agreements, and a mistyped password (the archive above is logged by its service)."""
        agreed = AgreementVersion.objects.filter(agreed_at__isnull=False).select_related(
            "agreement__project"
        )
        for version in agreed.order_by("pk")[:3]:
            label = f"協定書PDF（第{version.number}版）"
            for who, address in (
                (users["staff"], "192.0.2.10"),
                (users["partner"], "198.51.100.7"),
            ):
                audit.record(
                    AuditEvent.Action.READ_AGREEMENT,
                    user=who,
                    address=address,
                    obj=version,
                    detail=label,
                )
        audit.record(AuditEvent.Action.LOGIN_FAILED, user=users["staff2"], address="192.0.2.11")

    def _departments(self) -> dict[str, Department]:
        result = {}
        for name, bureau, order in DEPARTMENTS:
            result[name], _ = Department.objects.get_or_create(
                name=name, defaults={"bureau": bureau, "sort_order": order}
            )
        return result

    def _partners(self) -> list[Partner]:
        fields = {f.name: f for f in ActivityField.objects.all()}
        result = []
        for index, (name, kana, kind, field_names, themes, mission, members) in enumerate(PARTNERS):
            partner = Partner.objects.filter(name=name).first()
            if partner is None:
                partner = partner_create(
                    by=None,
                    data={
                        "name": name,
                        "name_kana": kana,
                        "kind": kind,
                        "representative": f"代表 {SURNAMES[index % 5]}",
                        "postal_code": f"253-00{10 + index}",
                        "address": f"茅ヶ崎市{TOWNS[index % 5]}{index + 1}-{index + 2}",
                        "phone": f"0467-{80 + index:02d}-{1000 + index * 37:04d}",
                        "email": f"info{index + 1}@example.jp",
                        "mission": mission,
                        "themes": themes,
                        "track_record": (
                            f"{2010 + index % 10}年から活動。{themes}に取り組んできました。"
                        ),
                        "member_count": members,
                        "founded_year": 2000 + index,
                    },
                    activity_fields=[fields[n] for n in field_names if n in fields],
                )
            result.append(partner)
        return result

    def _users(self, departments, partners) -> dict[str, User]:
        result = {}
        for username, role, dept, partner_index, last, first in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    role=role,
                    department=departments.get(dept) if dept else None,
                    partner=partners[partner_index] if partner_index is not None else None,
                    last_name=last,
                    first_name=first,
                    email=f"{username}@example.jp",
                    is_staff=role == User.Role.ADMIN,
                    is_superuser=role == User.Role.ADMIN,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
            result[username] = user
        return result

    def _projects(self, departments, partners, users) -> int:
        if Project.objects.exists():
            return 0  # projects are seeded once, into an empty database only
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
                detail_data=self._detail(form, title, year, fund, rng),
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
        showcases = self._selection_showcases(created, users)
        self._steps_and_workflow(created, users, {p.pk for p in showcases.values()})
        self._growth_and_comments(created, users)
        self._review_threads(created, users)
        self._agreements(created, partners, users)
        self._selections(showcases, partners, users)
        self._evaluations(created, partners, users)
        self._disclosure(created)
        self._city_issues(departments, partners, users)
        return len(created)

    def _detail(self, form, title, year, fund, rng) -> dict:
        start, _ = fiscal.fiscal_year_bounds(year)
        event_day = start + timedelta(days=rng.randrange(30, 300))
        return {
            ImplementationForm.ITAKU: {
                "contract_method": "プロポーザル方式による随意契約",
                "specification": f"{title}の企画、運営、報告書の作成。",
                "proposal_in_spec": True,
                "proposal_summary": "団体が提案した参加者の集め方と振り返りの会を仕様に入れた。",
                "consultation_plan": "毎月1回の定例会議と、半年ごとの振り返り。",
            },
            ImplementationForm.SHITEI: {
                "facility_name": title.replace("の管理運営", ""),
                "designation_start": start,
                "designation_end": date(year + 4, 3, 31),
                "management_standard": "開館は9時から21時。利用者アンケートを年1回行う。",
            },
            ImplementationForm.JIGYO_KYORYOKU: {
                "is_adopt_program": "里親" in title or "美化" in title,
                "adopt_place_kind": "river"
                if "河川" in title
                else ("park" if "公園" in title else ""),
                "adopt_place": "小出川沿い" if "河川" in title else "",
                "city_lends_goods": True,
                "city_pays_insurance": True,
                "city_publicises": True,
                "city_provides": "活動場所の情報と、ごみ袋・軍手の提供。",
            },
            ImplementationForm.JIKKO_IINKAI: {
                "committee_name": f"{title}実行委員会",
                "members": "委員長 市民活動団体代表\n副委員長 自治会連合会\n委員 市担当課長",
                "cost_sharing": "会場費は市、出演者への謝礼は実行委員会の協賛金でまかなう。",
                "role_sharing": "企画は委員会全体、広報は市、当日運営は団体。",
            },
            ImplementationForm.KYOSAI: {
                "event_name": title,
                "event_date": event_day,
                "venue": "茅ヶ崎市役所 分庁舎 コミュニティホール",
                "co_organisers": "茅ヶ崎市\n共催団体",
            },
            ImplementationForm.HOJO: {
                "amount": rng.randrange(5, 30) * 10_000,
                "fund": fund,
                "decision_date": start + timedelta(days=45),
                "decision_number": f"茅市自第{rng.randrange(100, 999)}号",
            },
            ImplementationForm.KOEN: {
                "event_name": title,
                "event_date": event_day,
                "venue": "サザンビーチちがさき",
                "approval_date": event_day - timedelta(days=40),
                "approval_number": f"茅観第{rng.randrange(100, 999)}号",
            },
        }[form]

    def _steps_and_workflow(self, projects: list[Project], users, showcase_ids=()) -> None:
        """Record the steps and the status trail each project's status implies."""
        path = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.ACTIVE]
        path += [Status.EVALUATING, Status.COMPLETED]
        for n, project in enumerate(projects):
            by = project.created_by or users["admin"]
            if project.status != Status.DRAFT or n % 3:
                Eligibility.objects.create(
                    project=project,
                    widens_service=True,
                    widens_service_reason="団体の持つ地域とのつながりで、市だけでは届かない人に届く。",
                    touches_lives=True,
                    touches_lives_reason="参加する市民の日々の暮らしに直接かかわる。",
                    expertise=f"{project.partners_display or '団体'}の現場での経験と信頼関係。",
                    cost_only=False,
                    cost_only_reason="費用の削減ではなく、サービスの質を高めることが目的。",
                )
            needs = spec_for(project.implementation_form).steps
            link = project.project_partners.select_related("partner").first()
            if (
                needs[Step.SELECTION] != Need.NOT_APPLICABLE
                and project.status != Status.DRAFT
                and project.pk not in showcase_ids
            ):
                self._simple_selection(project, link, sole=n % 5 == 0)
            if project.status in (Status.EVALUATING, Status.COMPLETED):
                Project.objects.filter(pk=project.pk).update(disclosure="public")
            reached = path[: path.index(project.status) + 1] if project.status in path else []
            for before, after in zip(reached, reached[1:], strict=False):
                reviewer = after in (Status.APPROVED,)
                StatusChange.objects.create(
                    project=project,
                    from_status=before,
                    to_status=after,
                    by=users["coordinator"] if reviewer else by,
                    comment="内容を確認しました。" if reviewer else "",
                )

    def _simple_selection(self, project: Project, link, *, sole: bool) -> None:
        """A selection decided before the call and scoring were kept in kyodo: the header."""
        selection = Selection.objects.create(
            project=project,
            method=Selection.Method.SOLE if sole else Selection.Method.PROPOSAL,
            sole_source_reason=(
                "この地区で同じ活動を続けている団体がほかになく、地域の合意もあるため。"
                if sole
                else ""
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

    def _selection_showcases(self, projects: list[Project], users) -> dict[str, Project]:
        """The demo department's projects whose selections are shown in full."""
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

    def _selections(self, showcases: dict[str, Project], partners, users) -> None:
        """A finished プロポーザル with three reviewers, a 随意 with its reason, and one in 審査中
        where the demo "staff" has still to score (the coordinator has submitted)."""
        coordinator = users["coordinator"]
        for key, project in showcases.items():
            chosen = project.project_partners.select_related("partner").first().partner
            staff = project.created_by or users["admin"]
            if key == "sole":
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
            criteria = list(selection.criteria.all())
            candidates = list(selection.candidates.all())
            panel = [(coordinator, coordinator), (outside, staff)]
            if key == "proposal":
                panel.append((staff, staff))  # in "reviewing", staff's own sheet is pending
            for r_index, (seat_of, by) in enumerate(panel):
                reviewer = (
                    seat_of
                    if isinstance(seat_of, Reviewer)
                    else selection.reviewers.get(user=seat_of)
                )
                cells = {}
                for c_index, candidate in enumerate(candidates):
                    for k_index, criterion in enumerate(criteria):
                        # The partner already on the project comes out on top.
                        points = max(
                            1, criterion.max_score - c_index - (k_index + c_index + r_index) % 2
                        )
                        comment = (
                            "具体的で実行できる計画。" if c_index == 0 and k_index == 0 else ""
                        )
                        cells[(candidate.pk, criterion.pk)] = (points, comment)
                selection_services.score_sheet_save(
                    reviewer=reviewer,
                    by=by,
                    expected_version=reviewer.version,
                    cells=cells,
                    submit=True,
                )
            if key == "proposal":
                selection_services.selection_decide(
                    selection=selection,
                    by=staff,
                    candidate=candidates[0],
                    decided_on=start + timedelta(days=50),
                )

    def _city_issues(self, departments, partners, users) -> None:
        """Issues departments want to solve with partners (第3-1(3)); the demo partner has
        shown interest in one, and one has had no answer yet."""
        fields = {f.name: f for f in ActivityField.objects.all()}
        today = date.today()
        posted = []
        for dept, by, title, description, field_names, days in [
            (
                "環境政策課",
                users["staff"],
                "海岸のマイクロプラスチックを減らしたい",
                "海岸清掃の参加者を増やし、ごみの種類を調べて発生源を減らす取り組みを、"
                "一緒に考えてくれる団体を探しています。",
                ["環境の保全"],
                90,
            ),
            (
                "福祉政策課",
                users["staff2"],
                "ひとり暮らしの高齢者の見守りを広げたい",
                "地域の見守り活動や居場所づくりの経験がある団体と、訪問の仕組みを考えたい。",
                ["保健・医療・福祉", "まちづくり"],
                60,
            ),
            (
                "子育て支援課",
                users["admin"],
                "放課後の子どもの居場所を増やしたい",
                "子ども食堂や学習支援の活動と、公共施設の空き時間を組み合わせたい。",
                ["子どもの健全育成"],
                120,
            ),
        ]:
            issue = partner_services.issue_create(
                by=by,
                department=departments[dept],
                data={
                    "title": title,
                    "description": description,
                    "open_until": today + timedelta(days=days),
                },
                activity_fields=[fields[name] for name in field_names if name in fields],
            )
            posted.append(issue)
        partner_services.interest_record(
            issue=posted[0],
            partner=partners[0],
            by=users["partner"],
            note="毎月の海岸清掃で集めたごみの記録があります。調べ方を一緒に考えられます。",
        )

    def _disclosure(self, projects: list[Project]) -> None:
        """Published agreements with their PDFs; a few projects kept private or partly so."""
        agreed = Project.objects.filter(agreement__versions__agreed_at__isnull=False).values_list(
            "pk", flat=True
        )
        Project.objects.filter(pk__in=list(agreed)).update(
            disclosure=Disclosure.PUBLIC, publish_agreement_pdf=True
        )
        closed = [p for p in projects if p.status == Status.COMPLETED and p.pk not in set(agreed)]
        for project in closed[1:4]:
            Project.objects.filter(pk=project.pk).update(
                disclosure=Disclosure.PRIVATE,
                disclosure_reason="相談に来た市民の個人的な事情を扱う事業のため、公開しない。",
            )
        for project in closed[4:6]:
            Project.objects.filter(pk=project.pk).update(
                disclosure=Disclosure.PARTIAL,
                disclosure_reason="参加者の名簿と写真は、個人情報のため公開しない。",
            )

    def _evaluations(self, projects: list[Project], partners, users) -> None:
        """Closed projects evaluated by both sides with their decisions; one project whose
        evaluation is complete with a beneficiary survey and a change of form for next year;
        one waiting for the demo partner's evaluation."""
        rng = random.Random(7)
        for project in projects:
            if project.status != Status.COMPLETED or project.archived_at:
                continue
            if spec_for(project.implementation_form).steps[Step.EVALUATION] == Need.NOT_APPLICABLE:
                continue
            by = project.created_by or users["admin"]
            links = list(project.project_partners.all())
            self._process_evaluation(project, by, None, rng)
            for link in links:
                self._process_evaluation(project, by, link.partner, rng, on_behalf=True)
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
            self._process_evaluation(waiting, staff, None, rng)
        if finished is None:
            return
        self._process_evaluation(finished, staff, None, rng)
        for link in finished.project_partners.select_related("partner"):
            user = users["partner"] if link.partner_id == partners[0].pk else None
            self._process_evaluation(
                finished, user or staff, link.partner, rng, on_behalf=user is None
            )
        evaluation_services.result_evaluation_save(
            project=finished,
            by=staff,
            expected_version=None,
            data={
                "achieved": (
                    "年間12回の観察会を開き、親子の参加が定着した。"
                    "記録は市のホームページで公開した。"
                ),
                "effect": "参加者は前年の1.4倍。新しく5人が運営を手伝うようになった。",
                "participants": 386,
                "events": 12,
                "other_figures": "観察した生き物 84種、配布した観察ノート 600部",
                "beneficiary_survey_agreed": True,
            },
        )
        survey = evaluation_services.survey_save(
            project=finished,
            by=staff,
            expected_version=None,
            data={
                "is_open": True,
                "paper_respondents": 52,
                "paper_done": 31,
                "paper_mostly": 17,
                "paper_hardly": 3,
                "paper_not_done": 1,
                "paper_note": "毎月続けてほしい。雨の日の代わりの日がほしい。",
            },
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
            choice=ClosingDecision.Choice.CHANGE_FORM
            if change
            else ClosingDecision.Choice.CONTINUE,
            next_form=ImplementationForm.JIGYO_KYORYOKU if change else "",
            reason="両者の評価がそろって高く、役割を分け合って続ける力が団体についたため、"
            "協定にもとづく事業協力に移して続ける。",
        )

    def _process_evaluation(self, project, by, partner, rng, *, on_behalf=False) -> None:
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

    def _review_threads(self, projects: list[Project], users) -> None:
        """A returned-then-resubmitted project and a cost-only draft, for the review demo."""
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
            Eligibility.objects.update_or_create(
                project=draft,
                defaults={
                    "widens_service": False,
                    "widens_service_reason": "サービスの内容は今と同じ。",
                    "touches_lives": False,
                    "touches_lives_reason": "市の内部の作業が中心。",
                    "expertise": "",
                    "cost_only": True,
                    "cost_only_reason": "職員の作業時間を減らしたい。",
                },
            )

    def _agreements(self, projects: list[Project], partners, users) -> None:
        """Agreed agreements (PDFs stored), an amendment, one waiting for a partner, and
        consultations with open follow-ups; both demo partners share some of them."""
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
        for n, project in enumerate([first_org0, first_org1, *rest[:2]]):
            city = (
                users["staff"]
                if project.department_id == users["staff"].department_id
                else users["admin"]
            )
            version = self._draft(project, city)
            agreements.agreement_freeze(version=version, by=city)
            agreements.agreement_confirm(version=version, by=city)
            if n == 3:
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
                self._consultations(project, city, demo_orgs)

    def _draft(self, project: Project, city):
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
            data={
                "responsibility": "活動中の事故は各自が対応し、重大なものは当事者で協議する。",
                "insurance": "市が市民活動保険に加入し、保険料を負担する。",
                "deliverables": "活動報告書（年1回）と、活動の写真記録。",
                "consultation": "毎月第1水曜日に定例会議を開く。",
                "change_procedure": "協議の場で話し合い、変更協定を書面で結ぶ。",
                "confidentiality": "活動で知った個人の情報を外にもらさない。",
                "personal_data": "参加者名簿は市の規程にそって管理し、事業終了後に廃棄する。",
            },
            roles=roles,
            costs=costs,
            milestones=milestones,
        )

    def _consultations(self, project: Project, city, demo_orgs) -> None:
        partner_user = next(
            iter(demo_orgs[link.partner_id] for link in project.project_partners.all())
        )
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

    def _growth_and_comments(self, projects: list[Project], users) -> None:
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
