"""The 協働事業 record, its partners, and the facts special to each 実施形態."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kyodo.fields import MoneyField
from kyodo.fiscal import fiscal_year_of
from kyodo.rules import is_city_staff, is_partner_user


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


# The statuses 協働の実績 counts: a project under way or done (第1-7).
COUNTED_STATUSES = (Status.ACTIVE, Status.EVALUATING, Status.COMPLETED)
# A project may be published once 市民自治推進課 has approved it: a draft, one under review or
# one sent back may still turn out not to be 協働 at all.
PUBLISHABLE_STATUSES = (Status.APPROVED, *COUNTED_STATUSES)


class PartnerRole(models.TextChoices):
    CONTRACTOR = "contractor", "受託者"
    DESIGNATED = "designated", "指定管理者"
    AGREEMENT = "agreement", "協定相手"
    MEMBER = "member", "実行委員会委員"
    COHOST = "cohost", "共催者"
    GRANTEE = "grantee", "補助事業者"
    ENDORSED = "endorsed", "後援対象"


class Disclosure(models.TextChoices):
    PUBLIC = "public", "公開する"
    PARTIAL = "partial", "一部を公開する"
    PRIVATE = "private", "公開しない"


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

    def disclosed(self) -> "ProjectQuerySet":
        """What citizens may see: approved, and published by its department (in full or part)."""
        return self.active().filter(
            status__in=PUBLISHABLE_STATUSES,
            disclosure__in=(Disclosure.PUBLIC, Disclosure.PARTIAL),
        )

    def counted(self) -> "ProjectQuerySet":
        """What 協働の実績 counts: projects under way or done, not archived."""
        return self.active().filter(status__in=COUNTED_STATUSES)

    def review_queue(self) -> "ProjectQuerySet":
        """Submitted projects waiting for 市民自治推進課, oldest submission first.

        Each carries when it was (last) submitted and how often it came back before.
        """
        submitted_at = (
            StatusChange.objects.filter(project=OuterRef("pk"), to_status=Status.SUBMITTED)
            .order_by("-at")
            .values("at")[:1]
        )
        returns = (
            StatusChange.objects.filter(project=OuterRef("pk"), to_status=Status.RETURNED)
            .order_by()
            .values("project")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.active()
            .filter(status=Status.SUBMITTED)
            .annotate(
                submitted_at=models.Subquery(submitted_at),
                times_returned=models.Subquery(returns),
            )
            .order_by("submitted_at", "pk")
        )

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
    disclosure = models.CharField(
        "公開の判断",
        max_length=10,
        choices=Disclosure.choices,
        blank=True,
        help_text="事業の内容・過程・結果を市民に公開するか（原則4）。",
    )
    publish_agreement_pdf = models.BooleanField(
        "合意した協定書のPDFも公開する",
        default=False,
        help_text="公開する場合に、合意済みの協定書（PDF）を公開ページからダウンロードできるようにします。",
    )
    disclosure_reason = models.TextField(
        "公開しない部分とその理由",
        blank=True,
        help_text="一部公開・非公開のときに必須。個人情報や契約上の秘密など。",
    )
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
                condition=Q(disclosure__in=["", *Disclosure.values]),
                name="projects_project_disclosure_valid",
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
    def starts_outside_its_year(self) -> bool:
        """The project begins outside its 年度, so it would be counted in another year."""
        if self.start_date is None:
            return False
        return fiscal_year_of(self.start_date) != self.fiscal_year

    @property
    def public_budget(self) -> int | None:
        """The budget as citizens may see it: only when the whole project is published."""
        return self.budget if self.disclosure == Disclosure.PUBLIC else None

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


class Comment(models.Model):
    """A remark on a project by city staff (e.g. 市民自治推進課's advice); never edited."""

    project = models.ForeignKey(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        "kyodo.User", verbose_name="記入者", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("コメント")
    agreement_version = models.ForeignKey(
        "projects.AgreementVersion",
        verbose_name="協定の版",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        help_text="協定の案への意見のとき、その版。",
    )
    shared_with_partner = models.BooleanField(
        "パートナーにも見せる",
        default=False,
        help_text="チェックすると、この事業のパートナー団体もこのコメントを読めます。",
    )
    created_at = models.DateTimeField("記入日時", auto_now_add=True)

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:20]}"


class Eligibility(models.Model):
    """The answers of 対象確認 (第2-1): is this project really 協働?"""

    project = models.OneToOneField(
        Project,
        verbose_name="事業",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="eligibility",
    )
    widens_service = models.BooleanField(
        "パートナーが加わることで、通常の方法よりサービスが広がる・よくなる"
    )
    widens_service_reason = models.TextField("そう考える理由")
    touches_lives = models.BooleanField("市民の生活に直接かかわる事業である")
    touches_lives_reason = models.TextField("そう考える理由（生活へのかかわり）")
    expertise = models.TextField(
        "生かすパートナーの専門性・当事者性",
        help_text="例: 地域の子育て世帯とのつながり、海岸清掃の長年の経験",
    )
    cost_only = models.BooleanField("経費の削減だけが目的である")
    cost_only_reason = models.TextField("そう考える理由（経費）")
    version = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "対象確認"
        verbose_name_plural = "対象確認"

    def __str__(self) -> str:
        return f"対象確認: {self.project}"

    @property
    def is_kyodo(self) -> bool:
        """協働 only if not cost-driven, and it widens the service or touches lives."""
        return (
            not self.cost_only
            and (self.widens_service or self.touches_lives)
            and bool(self.expertise.strip())
        )


class StatusChange(models.Model):
    """One workflow transition of a project: who moved it, when, from where to where, why."""

    project = models.ForeignKey(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("変更前", max_length=20, choices=Status.choices)
    to_status = models.CharField("変更後", max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        "kyodo.User", verbose_name="操作した人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("日時", auto_now_add=True)
    comment = models.TextField("コメント", blank=True)

    class Meta:
        verbose_name = "状態の変更"
        verbose_name_plural = "状態の変更"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["to_status", "at"], name="projects_statuschange_to_at"),
            # The review queue's "submitted when" looks up one project's latest change.
            models.Index(
                fields=["project", "to_status", "at"], name="projects_statuschange_proj_to"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_from_status_display()} → {self.get_to_status_display()}"
