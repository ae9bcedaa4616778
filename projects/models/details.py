"""Facts special to each 実施形態: one model per form, one row per project."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kyodo.fields import MoneyField
from projects.models.project import Fund, Project


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
