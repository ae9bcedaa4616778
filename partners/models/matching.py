"""Matching (第3-1(3)): issues departments want to solve with partners, and partners' interest.

Which partners fit an issue is computed when asked (partners/matching.py), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kyodo.rules import is_city_staff, is_partner_user
from partners.models.directory import ActivityField, Partner


def _open_q() -> Q:
    """Not closed, not archived, and the deadline (if any) not past."""
    return Q(closed_at__isnull=True, archived_at__isnull=True) & (
        Q(open_until__isnull=True) | Q(open_until__gte=timezone.localdate())
    )


class CityIssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CityIssueQuerySet":
        """City staff see every issue; a partner user those not archived; anyone else none."""
        if is_city_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(archived_at__isnull=True)
        return self.none()

    def open(self) -> "CityIssueQuerySet":
        """Issues that still take partners' interest."""
        return self.filter(_open_q())

    def not_open(self) -> "CityIssueQuerySet":
        """Closed by the department, or past their deadline (archived ones excluded)."""
        return self.filter(archived_at__isnull=True).exclude(_open_q())

    def for_list(self) -> "CityIssueQuerySet":
        return (
            self.select_related("department")
            .prefetch_related("activity_fields")
            .annotate(interest_count=models.Count("interests", distinct=True))
            .order_by("-created_at", "-pk")  # Meta.ordering does not apply with GROUP BY
        )


class CityIssue(models.Model):
    """An issue (課題) a department wants to work on with partners, shared to find them."""

    title = models.CharField("課題の名前", max_length=200)
    description = models.TextField(
        "課題の説明",
        help_text="いま困っていること、目指す姿、団体に期待することを具体的に。"
        "ここに書いた言葉を団体の活動テーマやミッションと照らし合わせます。",
    )
    activity_fields = models.ManyToManyField(
        ActivityField,
        verbose_name="関係する活動分野",
        blank=True,
        related_name="city_issues",
        help_text="分野が同じ団体を最も合う候補として示します。",
    )
    department = models.ForeignKey(
        "kyodo.Department",
        verbose_name="所管課",
        on_delete=models.PROTECT,
        related_name="city_issues",
    )
    open_until = models.DateField(
        "受付の期限",
        null=True,
        blank=True,
        help_text="この日まで団体からの関心を受け付けます。空欄なら終了するまで受け付けます。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登録した人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    closed_at = models.DateTimeField(
        "受付を終了した日時",
        null=True,
        blank=True,
        editable=False,
        help_text="空欄のあいだは受付中です。",
    )
    archived_at = models.DateTimeField("アーカイブ日時", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[activity_fields])

    objects = CityIssueQuerySet.as_manager()

    class Meta:
        verbose_name = "市の課題"
        verbose_name_plural = "市の課題"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("created_at")),
                name="partners_cityissue_closed_after_created",
            ),
        ]
        indexes = [
            models.Index(fields=["archived_at", "closed_at"], name="partners_cityissue_open"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:issue_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_past_deadline(self) -> bool:
        return self.open_until is not None and self.open_until < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and not self.is_archived and not self.is_past_deadline

    @property
    def state_label(self) -> str:
        if self.is_archived:
            return "アーカイブ済"
        if self.closed_at is not None:
            return "受付終了"
        if self.is_past_deadline:
            return "期限切れ"
        return "受付中"


class Interest(models.Model):
    """A partner's word that it would like to work on a city issue (関心の表明)."""

    issue = models.ForeignKey(
        CityIssue, verbose_name="課題", on_delete=models.PROTECT, related_name="interests"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="団体", on_delete=models.PROTECT, related_name="interests"
    )
    note = models.TextField(
        "ひとこと",
        blank=True,
        help_text="できそうなこと、これまでの経験、連絡の希望など（任意）。所管課に届きます。",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="表明した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("表明した日時", auto_now_add=True)

    class Meta:
        verbose_name = "関心の表明"
        verbose_name_plural = "関心の表明"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "partner"], name="partners_interest_one_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}→{self.issue}"
