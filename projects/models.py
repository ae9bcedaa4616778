"""The 協働事業 record, its partners, and the facts special to each 実施形態."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kyodo.fields import MoneyField


class ImplementationForm(models.TextChoices):
    """The seven 実施形態, from most to least city involvement."""

    ITAKU = "itaku", "委託"
    SHITEI = "shitei", "指定管理者"
    JIGYO_KYORYOKU = "jigyo_kyoryoku", "事業協力"
    JIKKO_IINKAI = "jikko_iinkai", "実行委員会"
    KYOSAI = "kyosai", "共催"
    HOJO = "hojo", "補助"
    KOEN = "koen", "後援"


class Status(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "審査中"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認"
    ACTIVE = "active", "実施中"
    EVALUATING = "evaluating", "評価中"
    COMPLETED = "completed", "完了"


class PartnerRole(models.TextChoices):
    CONTRACTOR = "contractor", "受託者"
    DESIGNATED = "designated", "指定管理者"
    AGREEMENT = "agreement", "協定相手"
    MEMBER = "member", "実行委員会委員"
    COHOST = "cohost", "共催者"
    GRANTEE = "grantee", "補助事業者"
    ENDORSED = "endorsed", "後援対象"


class Fund(models.Model):
    """A source of subsidy money, e.g. 市民活動げんき基金."""

    name = models.CharField("基金・財源名", max_length=100, unique=True)
    description = models.TextField("説明", blank=True)
    is_active = models.BooleanField("使用中", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "補助の財源"
        verbose_name_plural = "補助の財源"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        """The projects this user may know of (the one place that decides it)."""
        from kyodo.rules import is_city_staff, is_partner_user

        if is_city_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(
                Exists(
                    ProjectPartner.objects.filter(project=OuterRef("pk"), partner=user.partner_id)
                )
            )
        return self.none()

    def active(self) -> "ProjectQuerySet":
        return self.filter(archived_at__isnull=True)

    def for_list(self) -> "ProjectQuerySet":
        """Everything a list row shows, fetched in a fixed number of queries."""
        return self.select_related("department").prefetch_related(
            models.Prefetch(
                "project_partners",
                queryset=ProjectPartner.objects.select_related("partner").order_by("pk"),
            )
        )


class Project(models.Model):
    """A 協働事業 owned by one department."""

    title = models.CharField("事業名", max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", help_text="年度が始まる年（西暦）。例: 令和7年度なら 2025。"
    )
    department = models.ForeignKey(
        "kyodo.Department", verbose_name="所管課", on_delete=models.PROTECT, related_name="projects"
    )
    implementation_form = models.CharField(
        "実施形態", max_length=20, choices=ImplementationForm.choices
    )
    purpose = models.TextField("事業の目的", help_text="市とパートナーが共有する目的。")
    content = models.TextField("事業の内容", blank=True)
    beneficiaries = models.TextField("受益者・対象者", blank=True)
    expected_effect = models.TextField("期待される効果", blank=True)
    start_date = models.DateField("事業開始日", null=True, blank=True)
    end_date = models.DateField("事業終了日", null=True, blank=True)
    budget = MoneyField("事業費（円）", null=True, blank=True, help_text="市の予算額。円単位。")
    origin = models.ForeignKey(
        "self",
        verbose_name="前身の事業",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        help_text="この事業が発展してできた元の事業（例: 補助から事業協力へ）。",
    )
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.DRAFT)
    archived_at = models.DateTimeField("アーカイブ日時", null=True, blank=True, editable=False)
    archive_reason = models.CharField(
        "アーカイブの理由", max_length=300, blank=True, editable=False
    )
    version = models.PositiveIntegerField("版", default=1, editable=False)
    created_by = models.ForeignKey(
        "kyodo.User",
        verbose_name="登録者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    search_index = models.TextField(editable=False, blank=True, default="")
    history = HistoricalRecords(excluded_fields=["search_index"])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "協働事業"
        verbose_name_plural = "協働事業"
        ordering = ["-fiscal_year", "department__sort_order", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(implementation_form__in=ImplementationForm.values),
                name="projects_project_implementation_form_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="projects_project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1989, fiscal_year__lte=2200),
                name="projects_project_fiscal_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="projects_project_end_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "implementation_form"], name="projects_year_form"),
            models.Index(fields=["department", "fiscal_year"], name="projects_dept_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def partners_display(self) -> str:
        return "、".join(pp.partner.name for pp in self.project_partners.all())


class ProjectPartner(models.Model):
    """A partner taking part in a project, with its role."""

    project = models.ForeignKey(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="project_partners"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name="パートナー",
        on_delete=models.PROTECT,
        related_name="project_links",
    )
    role = models.CharField("役割", max_length=20, choices=PartnerRole.choices)
    note = models.CharField("備考", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "事業のパートナー"
        verbose_name_plural = "事業のパートナー"
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "partner"], name="projects_projectpartner_once_per_project"
            ),
            models.CheckConstraint(
                condition=Q(role__in=PartnerRole.values), name="projects_projectpartner_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}（{self.get_role_display()}）"


class FormDetail(models.Model):
    """Facts special to one 実施形態, one row per project (kept if the form changes)."""

    project = models.OneToOneField(
        Project, verbose_name="事業", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}: {self.project}"


class ItakuDetail(FormDetail):
    contract_method = models.CharField(
        "契約の方法", max_length=100, blank=True, help_text="例: プロポーザル方式による随意契約"
    )
    specification = models.TextField(
        "仕様書の要点", blank=True, help_text="委託する業務の範囲と水準。"
    )
    proposal_in_spec = models.BooleanField(
        "パートナーの提案を仕様書に反映した",
        default=False,
        help_text="協働委託では、パートナーの提案を仕様に取り入れることが求められます。",
    )
    proposal_summary = models.TextField("反映した提案の内容", blank=True)
    consultation_plan = models.TextField(
        "実施中の協議の予定", blank=True, help_text="例: 毎月1回の定例会議、四半期ごとの振り返り"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "委託の詳細"
        verbose_name_plural = "委託の詳細"


class ShiteiDetail(FormDetail):
    facility_name = models.CharField("施設名", max_length=200, blank=True)
    designation_start = models.DateField("指定期間の開始日", null=True, blank=True)
    designation_end = models.DateField("指定期間の終了日", null=True, blank=True)
    management_standard = models.TextField(
        "管理運営の基準", blank=True, help_text="開館時間、サービスの水準、利用料金など。"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指定管理者の詳細"
        verbose_name_plural = "指定管理者の詳細"
        constraints = [
            models.CheckConstraint(
                condition=Q(designation_start__isnull=True)
                | Q(designation_end__isnull=True)
                | Q(designation_end__gte=models.F("designation_start")),
                name="projects_shiteidetail_end_not_before_start",
            )
        ]


class JigyoKyoryokuDetail(FormDetail):
    class AdoptPlace(models.TextChoices):
        ROAD = "road", "道路"
        RIVER = "river", "河川"
        PARK = "park", "公園"
        OTHER = "other", "その他"

    is_adopt_program = models.BooleanField("アダプト・プログラム（里親制度）である", default=False)
    adopt_place_kind = models.CharField(
        "里親の対象", max_length=10, choices=AdoptPlace.choices, blank=True
    )
    adopt_place = models.CharField("対象の場所", max_length=200, blank=True)
    city_lends_goods = models.BooleanField("市が物品を貸し出す", default=False)
    city_pays_insurance = models.BooleanField("市が損害保険を負担する", default=False)
    city_publicises = models.BooleanField("市が活動を広報する", default=False)
    city_provides = models.TextField(
        "そのほか市が提供するもの", blank=True, help_text="情報、場所の提供など。"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "事業協力の詳細"
        verbose_name_plural = "事業協力の詳細"
        constraints = [
            models.CheckConstraint(
                condition=Q(adopt_place_kind__in=["", "road", "river", "park", "other"]),
                name="projects_jigyokyoryokudetail_adopt_place_kind_valid",
            )
        ]


class JikkoIinkaiDetail(FormDetail):
    committee_name = models.CharField("実行委員会の名称", max_length=200, blank=True)
    members = models.TextField(
        "委員と所属", blank=True, help_text="1行に1人（または1団体）。例: 委員長 ○○自治会"
    )
    cost_sharing = models.TextField("経費の分担", blank=True)
    role_sharing = models.TextField("役割の分担", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "実行委員会の詳細"
        verbose_name_plural = "実行委員会の詳細"


class KyosaiDetail(FormDetail):
    event_name = models.CharField("催しの名称", max_length=200, blank=True)
    event_date = models.DateField("開催日", null=True, blank=True)
    venue = models.CharField("会場", max_length=200, blank=True)
    co_organisers = models.TextField("共催者", blank=True, help_text="1行に1団体。")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "共催の詳細"
        verbose_name_plural = "共催の詳細"


class HojoDetail(FormDetail):
    amount = MoneyField("補助金額（円）", null=True, blank=True)
    fund = models.ForeignKey(
        Fund, verbose_name="財源", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_date = models.DateField("交付決定日", null=True, blank=True)
    decision_number = models.CharField("交付決定の番号", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "補助の詳細"
        verbose_name_plural = "補助の詳細"


class KoenDetail(FormDetail):
    event_name = models.CharField("催しの名称", max_length=200, blank=True)
    event_date = models.DateField("開催日", null=True, blank=True)
    venue = models.CharField("会場", max_length=200, blank=True)
    approval_date = models.DateField("後援の承認日", null=True, blank=True)
    approval_number = models.CharField("承認の番号", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "後援の詳細"
        verbose_name_plural = "後援の詳細"


class Comment(models.Model):
    """A remark on a project by city staff (e.g. 市民自治推進課's advice); never edited."""

    project = models.ForeignKey(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        "kyodo.User", verbose_name="記入者", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("コメント")
    created_at = models.DateTimeField("記入日時", auto_now_add=True)

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:20]}"
