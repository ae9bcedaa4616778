"""The partner directory: 市民活動団体等 and their activity fields."""

from django.db import models
from django.db.models import Exists, OuterRef
from simple_history.models import HistoricalRecords

from kyodo.rules import is_city_staff, is_partner_user


class ActivityField(models.Model):
    """An activity field (分野) that partners are classified by; the admin extends the list."""

    name = models.CharField("分野", max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField("並び順", default=100)
    is_active = models.BooleanField("使用中", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活動分野"
        verbose_name_plural = "活動分野"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


INDIVIDUAL_PUBLIC_NAME = "個人"


def public_name_of(name: str, kind: str) -> str:
    """The name citizens may read: an individual (個人) is never named in public."""
    return INDIVIDUAL_PUBLIC_NAME if kind == Partner.Kind.INDIVIDUAL else name


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnerQuerySet":
        """The partners this user may know of: city staff all, a partner user its own."""
        if is_city_staff(user):
            return self
        if is_partner_user(user):
            return self.filter(pk=user.partner_id)
        return self.none()

    def active(self) -> "PartnerQuerySet":
        return self.filter(archived_at__isnull=True)

    def for_list(self) -> "PartnerQuerySet":
        # Through the reverse relation: the link model belongs to projects, above partners.
        linked = self.model.objects.filter(pk=OuterRef("pk"), project_links__isnull=False)
        return self.prefetch_related("activity_fields").annotate(has_projects=Exists(linked))


class Partner(models.Model):
    """A 市民活動団体等: an organised group, NPO法人, business, 地域組織 or an individual."""

    class Kind(models.TextChoices):
        CIVIC = "civic", "市民活動団体"
        NPO = "npo", "NPO法人"
        BUSINESS = "business", "事業者"
        COMMUNITY = "community", "地域組織（自治会・地区まちづくり団体等）"
        INDIVIDUAL = "individual", "個人"

    name = models.CharField("団体名", max_length=200)
    name_kana = models.CharField(
        "団体名（ふりがな）", max_length=200, blank=True, help_text="五十音順の並べ替えに使います。"
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices, default=Kind.CIVIC)
    representative = models.CharField("代表者", max_length=100, blank=True)
    postal_code = models.CharField("郵便番号", max_length=10, blank=True)
    address = models.CharField("所在地", max_length=300, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    website = models.URLField("ウェブサイト", blank=True)
    mission = models.TextField(
        "ミッション", blank=True, help_text="団体が目指していること、活動の目的。"
    )
    activity_fields = models.ManyToManyField(
        ActivityField, verbose_name="活動分野", blank=True, related_name="partners"
    )
    themes = models.TextField(
        "活動テーマ",
        blank=True,
        help_text="具体的に取り組んでいるテーマ。市の課題とのマッチングに使います。",
    )
    track_record = models.TextField("活動実績", blank=True)
    member_count = models.PositiveIntegerField("構成員数", null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField("設立年（西暦）", null=True, blank=True)
    archived_at = models.DateTimeField("アーカイブ日時", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    search_index = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords(m2m_fields=[activity_fields], excluded_fields=["search_index"])

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "パートナー"
        verbose_name_plural = "パートナー"
        ordering = ["name_kana", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["civic", "npo", "business", "community", "individual"]
                ),
                name="partners_partner_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(founded_year__isnull=True)
                | models.Q(founded_year__gte=1800, founded_year__lte=2200),
                name="partners_partner_founded_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["archived_at", "name_kana"], name="partners_partner_list")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def public_name(self) -> str:
        return public_name_of(self.name, self.kind)
