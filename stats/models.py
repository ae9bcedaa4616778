"""Yearly totals of 協働の実績 for the years before kyodo kept the records."""

from django.db import models
from simple_history.models import HistoricalRecords

from kyodo.fiscal import nendo_label
from projects.models import ImplementationForm


class YearlyTotal(models.Model):
    """One 年度's counts per 実施形態, as published before the records were kept here.

    One column per ImplementationForm value, named as the value.
    """

    fiscal_year = models.PositiveSmallIntegerField(
        "年度", unique=True, help_text="年度が始まる西暦年（2016 = 平成28年度）。"
    )
    itaku = models.PositiveIntegerField("委託", default=0)
    shitei = models.PositiveIntegerField("指定管理者", default=0)
    jigyo_kyoryoku = models.PositiveIntegerField("事業協力", default=0)
    jikko_iinkai = models.PositiveIntegerField("実行委員会", default=0)
    kyosai = models.PositiveIntegerField("共催", default=0)
    hojo = models.PositiveIntegerField("補助", default=0)
    koen = models.PositiveIntegerField("後援", default=0)
    source = models.CharField(
        "出典", max_length=200, help_text="この数字の出どころ（例: 協働のガイドライン 第1-7）。"
    )
    note = models.TextField("注記", blank=True)
    use_records = models.BooleanField(
        "記録から数える",
        default=False,
        help_text="この年度の件数を、公表値ではなくこのシステムの事業の記録から数えます。"
        "その年度の事業がすべて登録されてから選んでください。選ばないかぎり公表値を出し、"
        "記録にある件数は並べて示します。",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度ごとの実績（集計値）"
        verbose_name_plural = "年度ごとの実績（集計値）"
        ordering = ["fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=1989, fiscal_year__lte=2200),
                name="stats_yearlytotal_fiscal_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return nendo_label(self.fiscal_year)

    def counts(self) -> dict[str, int]:
        return {code: getattr(self, code) for code in ImplementationForm.values}
