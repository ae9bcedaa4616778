"""Evaluation (第2-4): how the collaboration went, what it achieved, what beneficiaries say,
and what happens next year."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from simple_history.models import HistoricalRecords

from projects.models import ProjectPartner


class Rating(models.IntegerChoices):
    DONE = 4, "できた"
    MOSTLY = 3, "おおむねできた"
    HARDLY = 2, "あまりできなかった"
    NOT_DONE = 1, "できなかった"


# The six items of the process evaluation: (key, label, the question both sides answer).
ITEMS = [
    ("purpose", "目的の共有", "事業の目的を、共通の理解のもとで進められましたか。"),
    ("roles", "役割分担", "それぞれの特性を生かした役割分担ができましたか。"),
    (
        "understanding",
        "相互理解",
        "対等な立場で互いを尊重し、十分に意思を通わせられましたか。",
    ),
    ("autonomy", "自主性・自立性", "パートナーの自主性や自立性は保たれましたか。"),
    (
        "transparency",
        "透明性・公開性",
        "募集、選定、結果などの情報を、きちんと公開できましたか。",
    ),
    (
        "synergy",
        "相乗効果",
        "どちらか一方だけで行うより、よい成果や市民の目線に立ったサービスになりましたか。",
    ),
]
ITEM_KEYS = [key for key, _label, _question in ITEMS]


def _rating(label: str, key: str) -> models.PositiveSmallIntegerField:
    question = next(q for k, _label, q in ITEMS if k == key)
    return models.PositiveSmallIntegerField(
        label, choices=Rating.choices, null=True, blank=True, help_text=question
    )


class ProcessEvaluationBase(models.Model):
    """The six ratings and comments as columns, so that one query can count them all."""

    purpose_rating = _rating("目的の共有", "purpose")
    purpose_comment = models.TextField("目的の共有のコメント", blank=True)
    roles_rating = _rating("役割分担", "roles")
    roles_comment = models.TextField("役割分担のコメント", blank=True)
    understanding_rating = _rating("相互理解", "understanding")
    understanding_comment = models.TextField("相互理解のコメント", blank=True)
    autonomy_rating = _rating("自主性・自立性", "autonomy")
    autonomy_comment = models.TextField("自主性・自立性のコメント", blank=True)
    transparency_rating = _rating("透明性・公開性", "transparency")
    transparency_comment = models.TextField("透明性・公開性のコメント", blank=True)
    synergy_rating = _rating("相乗効果", "synergy")
    synergy_comment = models.TextField("相乗効果のコメント", blank=True)

    class Meta:
        abstract = True


class ProcessEvaluationQuerySet(models.QuerySet):
    def submitted(self) -> "ProcessEvaluationQuerySet":
        return self.filter(submitted_at__isnull=False)

    def released(self) -> "ProcessEvaluationQuerySet":
        """Submitted evaluations of projects where every side has submitted (the blind is off).

        Until then no side may learn the others' ratings, not even as an average on a public
        page or in a yearly report: a side that has not written its own could read them there.
        """
        side_submitted = ProcessEvaluation.objects.filter(
            project=OuterRef("project"), submitted_at__isnull=False
        )
        partner_pending = ProjectPartner.objects.filter(project=OuterRef("project")).exclude(
            Exists(side_submitted.filter(partner=OuterRef("partner")))
        )
        return self.submitted().filter(
            Exists(side_submitted.filter(side=ProcessEvaluation.Side.CITY)),
            ~Exists(partner_pending),
        )


class ProcessEvaluation(ProcessEvaluationBase):
    """One side's 協働プロセスの評価: the department's, or one partner's."""

    class Side(models.TextChoices):
        CITY = "city", "市（所管課）"
        PARTNER = "partner", "パートナー"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="事業",
        on_delete=models.CASCADE,
        related_name="process_evaluations",
    )
    side = models.CharField("評価する側", max_length=10, choices=Side.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name="パートナー",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="process_evaluations",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf = models.BooleanField(
        "所管課が代わりに入力",
        default=False,
        help_text="パートナーから聞き取った評価を、所管課が代わりに入力したとき。",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    objects = ProcessEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "協働プロセスの評価"
        verbose_name_plural = "協働プロセスの評価"
        ordering = ["project", "side", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(side__in=["city", "partner"]),
                name="evaluations_processevaluation_side_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(side="city") & models.Q(partner__isnull=True))
                | (models.Q(side="partner") & models.Q(partner__isnull=False)),
                name="evaluations_processevaluation_partner_iff_partner_side",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(side="city"),
                name="evaluations_processevaluation_one_city",
            ),
            models.UniqueConstraint(
                fields=["project", "partner"],
                condition=models.Q(side="partner"),
                name="evaluations_processevaluation_one_per_partner",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{key}_rating__isnull": True})
                    | models.Q(**{f"{key}_rating__gte": 1, f"{key}_rating__lte": 4}),
                    name=f"evaluations_processevaluation_{key}_rating_valid",
                )
                for key in ITEM_KEYS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.side_label}の評価"

    @property
    def side_label(self) -> str:
        return self.partner.name if self.partner_id else "市（所管課）"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def missing_items(self) -> list[str]:
        return [label for key, label, _q in ITEMS if getattr(self, f"{key}_rating") is None]

    def rows(self) -> list[tuple[str, str, int | None, str, str]]:
        """(key, label, rating, rating label, comment) per item."""
        rows = []
        for key, label, _q in ITEMS:
            value = getattr(self, f"{key}_rating")
            rows.append(
                (
                    key,
                    label,
                    value,
                    Rating(value).label if value else "",
                    getattr(self, f"{key}_comment"),
                )
            )
        return rows


class ResultEvaluation(models.Model):
    """What the project achieved against its purpose and expected effect."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="事業",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="result_evaluation",
    )
    achieved = models.TextField(
        "目的に対して達成できたこと", help_text="事業の目的に照らして、何ができ、何が残ったか。"
    )
    effect = models.TextField(
        "期待した効果に対する結果", blank=True, help_text="企画で書いた「期待される効果」と比べて。"
    )
    participants = models.PositiveIntegerField("参加者数（人）", null=True, blank=True)
    events = models.PositiveIntegerField("実施回数（回）", null=True, blank=True)
    other_figures = models.TextField(
        "そのほかの数値", blank=True, help_text="例: 清掃した海岸の延長 2.5km、配布した冊子 1,200部"
    )
    beneficiary_survey_agreed = models.BooleanField(
        "受益者による評価を行う",
        default=False,
        help_text="市とパートナーで、参加者などに評価してもらうことにしたとき。",
    )
    version = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "成果の評価"
        verbose_name_plural = "成果の評価"

    def __str__(self) -> str:
        return f"成果の評価: {self.project}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class BeneficiarySurvey(models.Model):
    """The beneficiaries' voice: an anonymous questionnaire, paper totals, or both."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="事業",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="beneficiary_survey",
    )
    token = models.CharField(
        "回答用のURLの鍵", max_length=64, unique=True, default=_new_token, editable=False
    )
    is_open = models.BooleanField("回答を受け付ける", default=False)
    paper_respondents = models.PositiveIntegerField("紙の調査の回答者数", default=0)
    paper_done = models.PositiveIntegerField("紙: とてもよかった", default=0)
    paper_mostly = models.PositiveIntegerField("紙: まあよかった", default=0)
    paper_hardly = models.PositiveIntegerField("紙: あまりよくなかった", default=0)
    paper_not_done = models.PositiveIntegerField("紙: よくなかった", default=0)
    paper_note = models.TextField("紙の調査の主な意見", blank=True)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "受益者による評価"
        verbose_name_plural = "受益者による評価"

    def __str__(self) -> str:
        return f"受益者による評価: {self.project}"


class SurveyAnswer(models.Model):
    """One anonymous answer to the questionnaire. No personal data is asked or kept."""

    survey = models.ForeignKey(
        BeneficiarySurvey, verbose_name="調査", on_delete=models.CASCADE, related_name="answers"
    )
    satisfaction = models.PositiveSmallIntegerField(
        "満足度",
        choices=[
            (4, "とてもよかった"),
            (3, "まあよかった"),
            (2, "あまりよくなかった"),
            (1, "よくなかった"),
        ],
    )
    comment = models.TextField("ご意見", blank=True)
    answered_at = models.DateTimeField("回答日時", auto_now_add=True)

    class Meta:
        verbose_name = "受益者の回答"
        verbose_name_plural = "受益者の回答"
        ordering = ["answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=4),
                name="evaluations_surveyanswer_satisfaction_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.project}: {self.get_satisfaction_display()}"


class ClosingDecision(models.Model):
    """次年度の方針: what the evaluation leads to."""

    class Choice(models.TextChoices):
        CONTINUE = "continue", "このまま続ける"
        CHANGE_FORM = "change_form", "実施形態を変えて続ける"
        REVISE = "revise", "見直して続ける"
        END = "end", "終える"

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="事業",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="closing_decision",
    )
    choice = models.CharField("次年度の方針", max_length=20, choices=Choice.choices)
    next_form = models.CharField(
        "次年度の実施形態",
        max_length=20,
        blank=True,
        help_text="「実施形態を変えて続ける」ときに選びます。",
    )
    reason = models.TextField("理由", help_text="評価のどこから、この方針にしたのか。")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決めた人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField("決めた日時", auto_now_add=True)
    next_project = models.ForeignKey(
        "projects.Project",
        verbose_name="次年度の事業",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "次年度の方針"
        verbose_name_plural = "次年度の方針"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__in=["continue", "change_form", "revise", "end"]),
                name="evaluations_closingdecision_choice_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(choice="change_form") | ~models.Q(next_form=""),
                name="evaluations_closingdecision_change_names_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_choice_display()}"

    @property
    def continues(self) -> bool:
        return self.choice != self.Choice.END
