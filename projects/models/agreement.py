"""The agreement (協定書 and its kin): versions agreed item by item by every party (第2-3)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kyodo.fields import MoneyField
from projects.models.project import Project

CITY = "city"


class Agreement(models.Model):
    """The agreement of one project; its content lives in numbered versions."""

    project = models.OneToOneField(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="agreement"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "協定"
        verbose_name_plural = "協定"

    def __str__(self) -> str:
        return f"協定: {self.project}"


class Owner(models.TextChoices):
    CITY = "city", "市（甲）"
    PARTNER = "partner", "パートナー（乙）"
    SHARED = "shared", "共有"


class AgreementVersion(models.Model):
    """One version of the agreement: a draft, then frozen, then agreed when all confirm."""

    agreement = models.ForeignKey(
        Agreement, verbose_name="協定", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("版", help_text="1 が原協定、2 以降が変更協定。")
    change_reason = models.TextField("変更の理由", blank=True)
    # 1. 事業目的の共有
    purpose = models.TextField("事業の目的", blank=True)
    # 3. 責任分担
    responsibility = models.TextField("責任の分担", blank=True)
    insurance = models.TextField(
        "事故への備えと損害保険", blank=True, help_text="だれがどの保険に入り、費用をだれが負うか。"
    )
    # 5. 事業期間及びスケジュール
    period_start = models.DateField("事業期間の開始日", null=True, blank=True)
    period_end = models.DateField("事業期間の終了日", null=True, blank=True)
    # 6. 成果物の仕様と帰属
    deliverables = models.TextField("成果物とその仕様", blank=True)
    deliverables_owner = models.CharField(
        "成果物の帰属", max_length=10, choices=Owner.choices, default=Owner.SHARED
    )
    # 7. 協議機会の確保
    consultation = models.TextField(
        "協議の場", blank=True, help_text="例: 毎月第1水曜日に定例会議。必要に応じて臨時に開く。"
    )
    # 8. 事業の途中での変更及び対処方法
    change_procedure = models.TextField("途中で変更するときの方法", blank=True)
    # 9. その他
    confidentiality = models.TextField("守秘義務", blank=True)
    crisis_management = models.TextField("危機管理", blank=True)
    personal_data = models.TextField("個人情報の取扱い", blank=True)
    other = models.TextField("その他", blank=True)
    # 成果 (第2-3(3))
    results_shared = models.BooleanField("成果を双方で共有し、公益のために使える", default=True)
    results_not_shared_reason = models.TextField("共有しない理由", blank=True)

    open_for_comments = models.BooleanField(
        "パートナーの意見を受け付ける",
        default=False,
        help_text="案の段階で、パートナーがこの版にコメントを書けるようにします。",
    )
    frozen_at = models.DateTimeField("確定日時", null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(
        "kyodo.User",
        verbose_name="確定した人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreed_at = models.DateTimeField("合意日時", null=True, blank=True, editable=False)
    pdf = models.FileField("協定書PDF", upload_to="agreements/%Y/", blank=True, editable=False)
    pdf_sha256 = models.CharField(
        "照合値",
        max_length=64,
        blank=True,
        editable=False,
        help_text="PDFのもとになった文書（HTML）のSHA-256。先頭12桁がPDFの下端に印刷されます。",
    )
    version = models.PositiveIntegerField("編集の版", default=1, editable=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        verbose_name = "協定の版"
        verbose_name_plural = "協定の版"
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="projects_agreementversion_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="projects_agreementversion_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(deliverables_owner__in=["city", "partner", "shared"]),
                name="projects_agreementversion_owner_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.project} {self.label}"

    @property
    def label(self) -> str:
        return "原協定" if self.number == 1 else f"変更協定（第{self.number - 1}号）"

    @property
    def is_draft(self) -> bool:
        return self.frozen_at is None

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None

    @property
    def state_label(self) -> str:
        if self.is_agreed:
            return "合意済"
        return "確認待ち" if self.frozen_at else "案（編集中）"

    @property
    def short_hash(self) -> str:
        return self.pdf_sha256[:12]


class Party(models.TextChoices):
    CITY = "city", "市"
    PARTNER = "partner", "パートナー"
    JOINT = "joint", "共同"


class AgreementRole(models.Model):
    """2. 役割分担: one task and who does it."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="roles", verbose_name="版"
    )
    task = models.CharField("役割（作業）", max_length=200)
    party = models.CharField("担う者", max_length=10, choices=Party.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name="担う団体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        verbose_name = "役割分担"
        verbose_name_plural = "役割分担"
        ordering = ["version", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(party="partner") & Q(partner__isnull=False))
                | (~Q(party="partner") & Q(partner__isnull=True)),
                name="projects_agreementrole_partner_iff_partner_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.party_display}"

    @property
    def party_display(self) -> str:
        return self.partner.name if self.partner_id else self.get_party_display()


class AgreementCost(models.Model):
    """4. 経費負担: one cost line, who pays it and how much."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="costs", verbose_name="版"
    )
    item = models.CharField("経費の項目", max_length=200)
    payer_is_city = models.BooleanField("市が負担する", default=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name="負担する団体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = MoneyField("金額（円）")
    order = models.PositiveSmallIntegerField("順", default=0)

    class Meta:
        verbose_name = "経費負担"
        verbose_name_plural = "経費負担"
        ordering = ["version", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(payer_is_city=True) & Q(partner__isnull=True))
                | (Q(payer_is_city=False) & Q(partner__isnull=False)),
                name="projects_agreementcost_one_payer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.payer_display} {self.amount}"

    @property
    def payer_display(self) -> str:
        return "市" if self.payer_is_city else self.partner.name


class AgreementMilestone(models.Model):
    """5. スケジュール: a dated milestone within the period."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="milestones", verbose_name="版"
    )
    on = models.DateField("日付")
    description = models.CharField("内容", max_length=200)

    class Meta:
        verbose_name = "スケジュール"
        verbose_name_plural = "スケジュール"
        ordering = ["version", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.description}"


class AgreementConfirmation(models.Model):
    """One party's confirmation of a frozen version (the city, or one partner)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="confirmations"
    )
    party_key = models.CharField("当事者", max_length=40, help_text="city または partner:<団体ID>")
    by = models.ForeignKey("kyodo.User", verbose_name="確認した人", on_delete=models.PROTECT)
    at = models.DateTimeField("確認日時", auto_now_add=True)

    class Meta:
        verbose_name = "協定の確認"
        verbose_name_plural = "協定の確認"
        ordering = ["version", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party_key"], name="projects_agreementconfirmation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.party_key}"


class Consultation(models.Model):
    """A meeting of the parties during the work (協議の場)."""

    project = models.ForeignKey(
        Project, verbose_name="事業", on_delete=models.CASCADE, related_name="consultations"
    )
    held_on = models.DateField("開催日")
    place = models.CharField("場所", max_length=200, blank=True)
    attendees = models.TextField("出席者", help_text="市とパートナーの双方。1行に1人。")
    discussed = models.TextField("話し合ったこと")
    decided = models.TextField("決めたこと", blank=True)
    proposes_change = models.BooleanField(
        "協定の変更を提案する",
        default=False,
        help_text="チェックすると、協定の新しい案（変更協定）を作ります。",
    )
    created_by = models.ForeignKey(
        "kyodo.User", on_delete=models.PROTECT, related_name="+", editable=False, null=True
    )
    version = models.PositiveIntegerField("版", default=1, editable=False)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "協議の記録"
        verbose_name_plural = "協議の記録"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"


class FollowUp(models.Model):
    """A task agreed at a consultation, with who does it and by when."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="協議"
    )
    task = models.CharField("宿題", max_length=200)
    owner = models.ForeignKey(
        "kyodo.User",
        verbose_name="担当",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    due_on = models.DateField("期限", null=True, blank=True)
    done = models.BooleanField("済み", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "協議の宿題"
        verbose_name_plural = "協議の宿題"
        ordering = ["done", models.F("due_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.task
