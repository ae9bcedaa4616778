"""People: departments (所管課) and users with one role each."""

from typing import ClassVar

import rules
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from simple_history.models import HistoricalRecords


class Department(models.Model):
    """A city department (所管課) and the bureau (部局) it belongs to."""

    name = models.CharField("課名", max_length=100, unique=True)
    bureau = models.CharField("部局", max_length=100, help_text="例: 環境部、市民自治推進部")
    sort_order = models.PositiveSmallIntegerField(
        "並び順", default=100, help_text="一覧やプルダウンでの表示順。小さいほど上に出ます。"
    )
    is_active = models.BooleanField(
        "使用中", default=True, help_text="組織改編で無くなった課は外します（記録は残ります）。"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "所管課"
        verbose_name_plural = "所管課"
        ordering = ["sort_order", "bureau", "name"]

    def __str__(self) -> str:
        return self.name


class KyodoUserManager(UserManager):
    """createsuperuser makes an administrator (a superuser has no 所管課 to belong to)."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", "admin")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in, with exactly one role."""

    class Role(models.TextChoices):
        DEPARTMENT = "department", "各課職員"
        COORDINATOR = "coordinator", "市民自治推進課"
        PARTNER = "partner", "パートナー"
        ADMIN = "admin", "管理者"

    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.DEPARTMENT)
    department = models.ForeignKey(
        Department,
        verbose_name="所属課",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="各課職員は必須。市民自治推進課の職員も所属課を設定できます。",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name="所属団体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="パートナーの利用者だけが設定します。",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[KyodoUserManager] = KyodoUserManager()

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["department", "coordinator", "partner", "admin"]),
                name="kyodo_user_role_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="department") | models.Q(department__isnull=False),
                name="kyodo_user_department_staff_has_department",
            ),
            models.CheckConstraint(
                condition=(
                    (models.Q(role="partner") & models.Q(partner__isnull=False))
                    | (~models.Q(role="partner") & models.Q(partner__isnull=True))
                ),
                name="kyodo_user_partner_iff_partner_role",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """kyodo's rules about an object decide for everyone, the administrator included.

        Django lets a superuser past every permission; the guideline's rules bind the
        administrator too (nothing is done to an archived project, a version is confirmed
        only by its parties). It also spares the model backend's queries for these rules.
        """
        if obj is not None and rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class AuditEvent(models.Model):
    """One line of the audit log: who read, downloaded, archived or tried to log in, and when.

    The city's information-security policy asks who read an agreement or a file; the same
    log keeps archive/restore and log-in events, so the admin looks in one place.
    Rows are only ever added (no edit, no delete through the site).
    """

    class Action(models.TextChoices):
        READ_AGREEMENT = "read_agreement", "協定書の閲覧"
        DOWNLOAD_FILE = "download_file", "ファイルのダウンロード"
        ARCHIVE = "archive", "アーカイブ"
        RESTORE = "restore", "アーカイブから戻す"
        LOGIN_FAILED = "login_failed", "ログイン失敗"
        LOGIN_LOCKED = "login_locked", "ログイン拒否（試行回数超過）"
        LOGIN_SUCCEEDED = "login_succeeded", "ログイン"
        UNLOCK = "unlock", "ログイン制限の解除"

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=30, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name="利用者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        "ユーザー名", max_length=150, blank=True, db_index=True, help_text="入力されたままの名前"
    )
    address = models.GenericIPAddressField("接続元アドレス", null=True, blank=True, db_index=True)
    object_type = models.CharField("対象の種類", max_length=100, blank=True)
    object_id = models.CharField("対象のID", max_length=50, blank=True)
    object_label = models.CharField("対象", max_length=300, blank=True)
    detail = models.CharField("詳細", max_length=300, blank=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="kyodo_auditevent_object")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.username}"
