"""Writes and transitions of a partner selection (第2-2).

準備中 → 募集中 → 審査中 → 選定済 for 公募・プロポーザル; a 随意 or その他 selection goes from
準備中 straight to 選定済. The criteria and the candidates are fixed once scoring begins,
so that every reviewer scores the same sheet; nothing changes after the decision.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kyodo import audit
from kyodo.models import AuditEvent, User
from kyodo.rules import is_city_staff
from kyodo.services import (
    DomainError,
    record_history_author,
    save_record,
    save_with_version,
)
from kyodo.uploads import check_upload
from partners.models import Partner
from partners.services import partner_create
from projects.models import Project
from projects.permissions import refuse_if_archived, why_not_change_parties
from projects.policy import spec_for
from projects.services.project import project_add_partner
from selection.models import Candidate, Criterion, ProposalFile, Reviewer, Score, Selection
from selection.scoring import ranking

HEADER_FIELDS = [
    "method",
    "sole_source_reason",
    "call_start",
    "call_end",
    "summary",
    "disclose_result",
]

# What may still be written once the partner is chosen: the account, and whether to publish.
AFTER_DECISION_FIELDS = ["summary", "disclose_result"]

DEFAULT_CRITERIA = [
    (Criterion.Viewpoint.FEASIBILITY, ""),
    (Criterion.Viewpoint.TRACK_RECORD, ""),
    (Criterion.Viewpoint.ORGANISATION, ""),
    (Criterion.Viewpoint.SHARED_PURPOSE, ""),
    (Criterion.Viewpoint.MISSION, ""),
    (Criterion.Viewpoint.OTHER, "この事業に固有の基準"),
]


def _locked(selection: Selection) -> Selection:
    """Re-read the selection under a row lock, refusing if its project has been archived."""
    selection = Selection.objects.select_for_update().select_related("project").get(pk=selection.pk)
    refuse_if_archived(selection.project)
    return selection



def _bump(selection: Selection, *, by: User, reason: str) -> None:
    """Mark the selection as changed, so that an open edit form of it becomes stale."""
    selection.version += 1
    record_history_author(selection, by=by, reason=reason)
    selection.save(update_fields=["version", "updated_at"])


def _refuse_if_decided(selection: Selection) -> None:
    if selection.is_decided:
        raise DomainError("選定はすでに決まっています。決定の後は変更できません。")


def scoring_started(selection: Selection) -> bool:
    return Score.objects.filter(reviewer__selection=selection).exists()


def _refuse_if_scoring_started(selection: Selection, what: str) -> None:
    if scoring_started(selection):
        raise DomainError(
            f"採点が始まっているため、{what}は変えられません。"
            "すべての委員が同じ条件で採点するためです。"
        )


@transaction.atomic
def selection_save(
    *, project: Project, by: User, expected_version: int | None, data: dict[str, Any]
) -> Selection:
    """Create or edit the header of the selection: method, call period, notes."""
    refuse_if_archived(project)
    selection = Selection.objects.select_for_update().filter(project=project).first() or Selection(
        project=project
    )
    if selection.is_decided and set(data) - set(AFTER_DECISION_FIELDS):
        raise DomainError(
            "選定はすでに決まっています。決定の後に変えられるのは、経過の記録と公開の判断だけです。"
        )
    method = data.get("method", selection.method)
    if method == Selection.Method.SOLE and not data.get("sole_source_reason", "").strip():
        raise DomainError("随意（1者のみ）で選ぶときは、その理由を書いてください。")
    if not selection._state.adding and method != selection.method:
        if selection.state != Selection.State.PREPARING:
            raise DomainError("募集を始めた後は、選定の方法を変えられません。")
        if method == Selection.Method.SOLE and selection.candidates.count() > 1:
            raise DomainError(
                "随意（1者のみ）の選定では、相手は1団体です。応募団体が複数あるため変えられません。"
            )
    creating = selection._state.adding
    for name, value in data.items():
        setattr(selection, name, value)
    save_record(selection, expected_version=expected_version, by=by)
    if creating and selection.is_competitive:
        Criterion.objects.bulk_create(
            Criterion(selection=selection, viewpoint=viewpoint, title=title, sort_order=n)
            for n, (viewpoint, title) in enumerate(DEFAULT_CRITERIA)
        )
    return selection


@transaction.atomic
def criteria_save(
    *, selection: Selection, by: User, expected_version: int | None, rows: list[dict[str, Any]]
) -> None:
    """Replace the scoring criteria; rows are dicts with id (or None), the fields, delete."""
    selection = _locked(selection)
    _refuse_if_decided(selection)
    _refuse_if_scoring_started(selection, "審査基準")
    kept = [row for row in rows if not row.get("delete")]
    if not kept:
        raise DomainError("審査基準を1つ以上決めてください。")
    if all(row["weight"] == 0 for row in kept):
        raise DomainError("すべての基準の重みが0です。少なくとも1つは1以上にしてください。")
    save_with_version(selection, expected_version=expected_version, by=by, reason="審査基準")
    existing: dict[int | None, Criterion] = {c.pk: c for c in selection.criteria.all()}
    for n, row in enumerate(rows):
        criterion = existing.get(row.get("id"))
        if row.get("delete"):
            if criterion is not None:
                record_history_author(criterion, by=by, reason="削除")
                criterion.delete()
            continue
        if criterion is None:
            criterion = Criterion(selection=selection)
        for name in ("viewpoint", "title", "weight", "max_score"):
            setattr(criterion, name, row[name])
        criterion.sort_order = n
        record_history_author(criterion, by=by)
        criterion.save()


@transaction.atomic
def reviewer_add(
    *,
    selection: Selection,
    by: User,
    user: User | None = None,
    name: str = "",
    affiliation: str = "",
) -> Reviewer:
    """Add a member to the panel: a city user, or an outside member by name."""
    selection = _locked(selection)
    _refuse_if_decided(selection)
    if not selection.is_competitive:
        raise DomainError("審査委員は、公募・プロポーザルのときに置きます。")
    if user is not None:
        if not is_city_staff(user) or not user.is_active:
            raise DomainError("ログインして採点する委員は、市の職員から選んでください。")
        if selection.reviewers.filter(user=user).exists():
            raise DomainError(f"{user.get_full_name() or user}さんはすでに委員です。")
        reviewer = Reviewer(selection=selection, user=user, affiliation=affiliation)
    else:
        if not name.strip():
            raise DomainError("市の職員を選ぶか、外部委員の氏名を書いてください。")
        reviewer = Reviewer(selection=selection, name=name.strip(), affiliation=affiliation)
    record_history_author(reviewer, by=by, reason="委員に加える")
    reviewer.save()
    _bump(selection, by=by, reason="審査委員を加える")
    return reviewer


@transaction.atomic
def reviewer_remove(*, reviewer: Reviewer, by: User) -> None:
    """Take a member off the panel, only while they have not scored anything."""
    selection = _locked(reviewer.selection)
    _refuse_if_decided(selection)
    if reviewer.scores.exists():
        raise DomainError(
            "この委員はすでに採点しているため、外せません。採点は記録として残します。"
        )
    record_history_author(reviewer, by=by, reason="委員から外す")
    reviewer.delete()
    _bump(selection, by=by, reason="審査委員を外す")


@transaction.atomic
def candidate_add(
    *,
    selection: Selection,
    by: User,
    partner: Partner | None = None,
    new_partner: dict[str, Any] | None = None,
    proposal_summary: str = "",
    applied_on: date | None = None,
) -> Candidate:
    """Enter an application; a group not yet in the directory is registered on the way."""
    selection = _locked(selection)
    _refuse_if_decided(selection)
    _refuse_if_scoring_started(selection, "応募団体")
    if partner is None:
        if not new_partner or not new_partner.get("name", "").strip():
            raise DomainError("名簿から団体を選ぶか、新しい団体の名前を書いてください。")
        partner = partner_create(by=by, data=new_partner, activity_fields=[])
    elif partner.is_archived:
        raise DomainError("アーカイブされた団体は応募団体にできません。")
    if selection.candidates.filter(partner=partner).exists():
        raise DomainError(f"「{partner.name}」はすでに応募団体に入っています。")
    if selection.method == Selection.Method.SOLE and selection.candidates.exists():
        raise DomainError("随意（1者のみ）の選定では、相手は1団体です。")
    candidate = Candidate(
        selection=selection,
        partner=partner,
        proposal_summary=proposal_summary,
        applied_on=applied_on,
    )
    record_history_author(candidate, by=by, reason="応募の受付")
    candidate.save()
    _bump(selection, by=by, reason="応募団体を加える")
    return candidate


@transaction.atomic
def candidate_update(
    *, candidate: Candidate, by: User, expected_version: int | None, data: dict[str, Any]
) -> Candidate:
    """Edit what was recorded of an application (its summary, the date)."""
    _refuse_if_decided(_locked(candidate.selection))
    for name, value in data.items():
        setattr(candidate, name, value)
    save_with_version(candidate, expected_version=expected_version, by=by)
    return candidate


@transaction.atomic
def proposal_file_add(*, candidate: Candidate, by: User, upload: UploadedFile) -> ProposalFile:
    """Attach a file to an application, after checking its size and its real type."""
    _refuse_if_decided(_locked(candidate.selection))
    checked = check_upload(upload)  # a ValidationError here carries the user's message
    stored = ProposalFile(
        candidate=candidate,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    stored.file.save(checked.name, upload, save=False)
    record_history_author(stored, by=by, reason="添付")
    stored.save()
    return stored


@transaction.atomic
def proposal_file_archive(*, stored: ProposalFile, by: User) -> None:
    """Take a file out of the list (a wrong upload); it stays on record."""
    _refuse_if_decided(_locked(stored.candidate.selection))
    if stored.archived_at is not None:
        raise DomainError("このファイルはすでに外しています。")
    stored.archived_at = timezone.now()
    record_history_author(stored, by=by, reason="一覧から外す")
    stored.save(update_fields=["archived_at"])
    audit.record(
        AuditEvent.Action.ARCHIVE, user=by, obj=stored, detail="提案書ファイルを一覧から外す"
    )


def _transition(selection: Selection, *, by: User, to: str, reason: str) -> Selection:
    selection.state = to
    record_history_author(selection, by=by, reason=reason)
    selection.version += 1
    selection.save(update_fields=["state", "version", "updated_at"])
    return selection


def start_gaps(selection: Selection) -> list[str]:
    """What a 公募・プロポーザル needs before the call opens."""
    gaps = []
    if not selection.call_start or not selection.call_end:
        gaps.append("募集の期間")
    if not selection.criteria.exists():
        gaps.append("審査基準")
    return gaps


@transaction.atomic
def selection_open_call(*, selection: Selection, by: User) -> Selection:
    """準備中 → 募集中: the call is published."""
    selection = _locked(selection)
    if not selection.is_competitive:
        raise DomainError("募集は、公募・プロポーザルのときに行います。")
    if selection.state != Selection.State.PREPARING:
        raise DomainError("募集を始められるのは準備中のときだけです。")
    if gaps := start_gaps(selection):
        raise DomainError(f"募集を始める前に、{'、'.join(gaps)}を決めてください。")
    return _transition(selection, by=by, to=Selection.State.OPEN, reason="募集を開始")


@transaction.atomic
def selection_close_call(*, selection: Selection, by: User) -> Selection:
    """募集中 → 審査中: applications are closed and the reviewers may score."""
    selection = _locked(selection)
    if selection.state != Selection.State.OPEN:
        raise DomainError("審査に進めるのは募集中のときだけです。")
    if not selection.candidates.exists():
        raise DomainError("応募団体が1つもありません。応募を登録してから審査に進んでください。")
    if not selection.reviewers.exists():
        raise DomainError("審査委員がいません。委員を加えてから審査に進んでください。")
    return _transition(
        selection, by=by, to=Selection.State.REVIEWING, reason="募集を締め切り審査へ"
    )


@transaction.atomic
def score_sheet_save(
    *,
    reviewer: Reviewer,
    by: User,
    expected_version: int | None,
    cells: dict[tuple[int, int], tuple[int | None, str]],
    submit: bool,
) -> Reviewer:
    """Save one reviewer's sheet in one go; submitting needs every cell filled.

    cells maps (candidate id, criterion id) to (points or None, comment).
    """
    reviewer = Reviewer.objects.select_for_update().get(pk=reviewer.pk)
    selection = _locked(reviewer.selection)
    if selection.is_decided:
        raise DomainError("選定が決まった後は、採点を変えられません。")
    if selection.state != Selection.State.REVIEWING:
        raise DomainError("採点できるのは審査中のときだけです。")
    criteria = {c.pk: c for c in selection.criteria.all()}
    candidate_ids = set(selection.candidates.values_list("pk", flat=True))
    for (candidate_id, criterion_id), (value, _comment) in cells.items():
        if candidate_id not in candidate_ids or criterion_id not in criteria:
            raise DomainError("採点表が古くなっています。ページを開き直してください。")
        limit = criteria[criterion_id].max_score
        if value is not None and not 0 <= value <= limit:
            raise DomainError(f"「{criteria[criterion_id].label}」は0〜{limit}点でつけてください。")
    if submit or reviewer.has_submitted:
        # A submitted sheet counts in the totals, so even a draft save must keep it whole.
        blanks = [
            key for key in _all_cells(candidate_ids, criteria) if cells.get(key, (None,))[0] is None
        ]
        if blanks:
            raise DomainError(
                f"点数が入っていない欄が{len(blanks)}か所あります。すべて入れてから提出してください。"
            )
    save_with_version(
        reviewer,
        expected_version=expected_version,
        by=by,
        reason="採点を提出" if submit and not reviewer.has_submitted else "採点",
    )
    existing = {(s.candidate_id, s.criterion_id): s for s in reviewer.scores.all()}
    to_create: list[Score] = []
    to_update: list[Score] = []
    for key, (value, comment) in cells.items():
        score = existing.get(key)
        if value is None:
            # An emptied cell of a draft sheet: the score is withdrawn, its history remains.
            if score is not None:
                record_history_author(score, by=by, reason="点数を消す")
                score.delete()
            continue
        if score is None:
            to_create.append(
                Score(
                    reviewer=reviewer,
                    candidate_id=key[0],
                    criterion_id=key[1],
                    value=value,
                    comment=comment,
                )
            )
        elif (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            to_update.append(score)
    if to_create:
        bulk_create_with_history(to_create, Score, default_user=by)
    if to_update:
        now = timezone.now()
        for score in to_update:
            score.updated_at = now
        bulk_update_with_history(
            to_update, Score, ["value", "comment", "updated_at"], default_user=by
        )
    if submit and not reviewer.has_submitted:
        reviewer.submitted_at = timezone.now()
        reviewer.save(update_fields=["submitted_at"])
    return reviewer


def _all_cells(candidate_ids: Iterable[int], criteria: Iterable[int]) -> list[tuple[int, int]]:
    return [(cand, crit) for cand in sorted(candidate_ids) for crit in criteria]


def decide_gaps(selection: Selection) -> list[str]:
    """What keeps the department from recording the decision now."""
    if selection.is_decided:
        return ["すでに決定済み"]
    if selection.is_competitive and selection.state != Selection.State.REVIEWING:
        return ["募集を締め切って審査に進むこと"]
    if not selection.candidates.exists():
        return ["応募団体（随意のときは相手の団体）の登録"]
    if selection.method == Selection.Method.SOLE and not selection.sole_source_reason.strip():
        return ["1者に決めた理由"]
    return []


@transaction.atomic
def selection_decide(
    *,
    selection: Selection,
    by: User,
    candidate: Candidate,
    decided_on: date,
    not_top_reason: str = "",
    incomplete_reason: str = "",
) -> Selection:
    """Record the chosen partner; it joins the project with the role its form gives."""
    selection = _locked(selection)
    if gaps := decide_gaps(selection):
        raise DomainError(f"まだ決定できません（必要なこと: {'、'.join(gaps)}）。")
    if candidate.selection_id != selection.pk:
        raise DomainError("選べるのは、この選定の応募団体だけです。")
    project = selection.project
    joins = not project.project_partners.filter(partner=candidate.partner).exists()
    if joins and (reason := why_not_change_parties(project)):
        raise DomainError(f"いまは決定できません。{reason}")
    not_top_reason, incomplete_reason = not_top_reason.strip(), incomplete_reason.strip()
    if selection.is_competitive:
        result = ranking(selection)
        if not result.complete and not incomplete_reason:
            raise DomainError(
                "まだ採点を提出していない委員がいます。待たずに決めるときは、その理由を書いてください。"
            )
        if result.submitted and candidate not in result.top and not not_top_reason:
            raise DomainError(
                "合計点が最も高い団体とは別の団体を選ぶときは、その理由を書いてください。"
            )
    selection.chosen_partner = candidate.partner
    selection.decided_on = decided_on
    selection.decided_by = by
    selection.not_top_reason = not_top_reason
    selection.incomplete_reason = incomplete_reason
    selection.state = Selection.State.DECIDED
    selection.version += 1
    record_history_author(selection, by=by, reason="選定の決定")
    selection.save()
    if joins:
        project_add_partner(
            project=project,
            by=by,
            partner=candidate.partner,
            role=spec_for(project.implementation_form).partner_role,
            reason="パートナー選定で選ばれた",
        )
    return selection


def record_context(selection: Selection) -> dict[str, Any]:
    """What the printed 審査結果表 shows: the call, the criteria, the totals, the decision."""
    reviewers = list(selection.reviewers.select_related("user"))
    return {
        "selection": selection,
        "project": selection.project,
        "ranking": ranking(selection, reviewers=reviewers) if selection.is_competitive else None,
        "candidates": list(selection.candidates.select_related("partner")),
        "city": settings.KYODO_CITY_NAME,
        "printed_on": timezone.localdate(),
    }
