"""Partner selection (第2-2): the call, the candidates, the reviewers' scores, the decision.

Totals and rankings are derived from the scores (selection/scoring.py), never stored.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partners.models import Partner


class Selection(models.Model):
    """How a project's partner was chosen: openly by 公募/プロポーザル, or with a reason."""

    class Method(models.TextChoices):
        PROPOSAL = "proposal", "プロポーザル"
        OPEN_CALL = "open_call", "公募"
        SOLE = "sole", "随意（1者のみ）"
        OTHER = "other", "その他"

    class State(models.TextChoices):
        PREPARING = "preparing", "準備中"
        OPEN = "open", "募集中"
        REVIEWING = "reviewing", "審査中"
        DECIDED = "decided", "選定済"

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="事業",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="selection",
    )
    method = models.CharField("選定の方法", max_length=20, choices=Method.choices)
    state = models.CharField(
        "状態", max_length=20, choices=State.choices, default=State.PREPARING, editable=False
    )
    sole_source_reason = models.TextField(
        "1者に決めた理由",
        blank=True,
        help_text="随意（1者のみ）のときは必須。その団体にしかできない理由を具体的に。",
    )
    call_start = models.DateField("募集の開始日", null=True, blank=True)
    call_end = models.DateField("募集の締切日", null=True, blank=True)
    summary = models.TextField(
        "選定の経過", blank=True, help_text="募集の周知のしかた、審査の進め方、結果の要旨など。"
    )
    disclose_result = models.BooleanField(
        "結果を公開する",
        default=False,
        help_text="選定の方法、応募数、選んだ団体、各団体の合計点（審査した人の名前は出しません）を公開します。",
    )
    chosen_partner = models.ForeignKey(
        Partner,
        verbose_name="選んだパートナー",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_on = models.DateField("選定した日", null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決定を記録した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    not_top_reason = models.TextField("最高点でない団体を選んだ理由", blank=True, editable=False)
    incomplete_reason = models.TextField("採点がそろう前に決めた理由", blank=True, editable=False)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "パートナー選定"
        verbose_name_plural = "パートナー選定"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=["proposal", "open_call", "sole", "other"]),
                name="selection_selection_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["preparing", "open", "reviewing", "decided"]),
                name="selection_selection_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(call_start__isnull=True)
                | models.Q(call_end__isnull=True)
                | models.Q(call_end__gte=models.F("call_start")),
                name="selection_selection_call_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="decided") | models.Q(chosen_partner__isnull=False),
                name="selection_selection_decided_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"パートナー選定: {self.project}"

    @property
    def is_competitive(self) -> bool:
        """公募・プロポーザル: candidates are scored by reviewers before the decision."""
        return self.method in (self.Method.PROPOSAL, self.Method.OPEN_CALL)

    @property
    def is_decided(self) -> bool:
        return self.state == self.State.DECIDED

    def missing(self) -> list[str]:
        """What the record still lacks before the selection step counts as done."""
        gaps = []
        if self.method == self.Method.SOLE and not self.sole_source_reason.strip():
            gaps.append("1者に決めた理由")
        if not self.is_decided:
            gaps.append("選定の決定")
        return gaps


class Criterion(models.Model):
    """One line of the scoring sheet: a viewpoint of 第2-2 with its weight and maximum."""

    class Viewpoint(models.TextChoices):
        FEASIBILITY = "feasibility", "事業の遂行可能性"
        TRACK_RECORD = "track_record", "活動実績"
        ORGANISATION = "organisation", "組織体制"
        SHARED_PURPOSE = "shared_purpose", "目的の共有・協力体制"
        MISSION = "mission", "ミッションの適合"
        OTHER = "other", "その他の基準"

    selection = models.ForeignKey(
        Selection, verbose_name="選定", on_delete=models.CASCADE, related_name="criteria"
    )
    viewpoint = models.CharField("観点", max_length=20, choices=Viewpoint.choices)
    title = models.CharField(
        "基準の名前",
        max_length=80,
        blank=True,
        help_text="「その他の基準」では必須（例: 市内での活動歴）。ほかの観点では空欄で可。",
    )
    weight = models.PositiveSmallIntegerField(
        "重み", default=1, help_text="点数にかける倍率。0にすると合計に入りません。"
    )
    max_score = models.PositiveSmallIntegerField("満点", default=5)
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "審査基準"
        verbose_name_plural = "審査基準"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    viewpoint__in=[
                        "feasibility",
                        "track_record",
                        "organisation",
                        "shared_purpose",
                        "mission",
                        "other",
                    ]
                ),
                name="selection_criterion_viewpoint_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gte=1, max_score__lte=100, weight__lte=10),
                name="selection_criterion_scale_sane",
            ),
            models.CheckConstraint(
                condition=~models.Q(viewpoint="other") | ~models.Q(title=""),
                name="selection_criterion_other_has_title",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_viewpoint_display()

    @property
    def weighted_max(self) -> int:
        return self.weight * self.max_score


class Reviewer(models.Model):
    """A member of the review panel: city staff with a log-in, or a named outside member."""

    selection = models.ForeignKey(
        Selection, verbose_name="選定", on_delete=models.CASCADE, related_name="reviewers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="市の職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewer_seats",
    )
    name = models.CharField(
        "外部委員の氏名",
        max_length=60,
        blank=True,
        help_text="ログインしない外部の委員。採点は所管課が代わりに入力します。",
    )
    affiliation = models.CharField("所属・肩書", max_length=100, blank=True)
    submitted_at = models.DateTimeField("採点の提出日時", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "審査委員"
        verbose_name_plural = "審査委員"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(name=""))
                | (models.Q(user__isnull=True) & ~models.Q(name="")),
                name="selection_reviewer_user_or_name",
            ),
            models.UniqueConstraint(
                fields=["selection", "user"],
                condition=models.Q(user__isnull=False),
                name="selection_reviewer_once_per_selection",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_external(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is None:
            return f"{self.name}（外部委員）"
        return self.user.display_name

    @property
    def has_submitted(self) -> bool:
        return self.submitted_at is not None


class Candidate(models.Model):
    """A group that applied (or, in a 随意 selection, the one group asked)."""

    selection = models.ForeignKey(
        Selection, verbose_name="選定", on_delete=models.CASCADE, related_name="candidates"
    )
    partner = models.ForeignKey(
        Partner, verbose_name="団体", on_delete=models.PROTECT, related_name="candidacies"
    )
    applied_on = models.DateField("応募日", null=True, blank=True)
    proposal_summary = models.TextField(
        "提案の要旨", blank=True, help_text="提案書の要点。審査する人が最初に読む部分です。"
    )
    version = models.PositiveIntegerField("版", default=1, editable=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "応募団体"
        verbose_name_plural = "応募団体"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "partner"], name="selection_candidate_once_per_selection"
            ),
        ]

    def __str__(self) -> str:
        return self.partner.name


def _proposal_path(instance: "ProposalFile", filename: str) -> str:
    # The stored name is random: what a user called the file never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"proposals/{instance.candidate.selection_id}/{uuid.uuid4().hex}{suffix}"


class ProposalFile(models.Model):
    """A file a candidate handed in: kept in MEDIA_ROOT, served only through a checked view."""

    candidate = models.ForeignKey(
        Candidate, verbose_name="応募団体", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("ファイル", upload_to=_proposal_path, max_length=200)
    original_name = models.CharField("元のファイル名", max_length=200)
    content_type = models.CharField("種類", max_length=100)
    size = models.PositiveIntegerField("大きさ（バイト）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登録した人", on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)
    archived_at = models.DateTimeField("アーカイブ日時", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "提案書ファイル"
        verbose_name_plural = "提案書ファイル"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_inline(self) -> bool:
        """PDF and images open in the browser; anything else is downloaded."""
        return self.content_type == "application/pdf" or self.content_type.startswith("image/")


class Score(models.Model):
    """One reviewer's points for one candidate on one criterion."""

    reviewer = models.ForeignKey(
        Reviewer, verbose_name="審査委員", on_delete=models.CASCADE, related_name="scores"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="応募団体", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="審査基準", on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField("点数")
    comment = models.TextField("コメント", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "採点"
        verbose_name_plural = "採点"
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "candidate", "criterion"], name="selection_score_one_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} / {self.candidate} / {self.criterion}: {self.value}"
