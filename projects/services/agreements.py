"""Writes and reads of agreements: drafting, freezing, confirming, amending, printing.

A version is edited only while it is a draft. Freezing fixes its content; each party (the
city and every partner of the project) then confirms it. When the last party confirms, the
version is agreed: its PDF is rendered once, stored, and from then on served as stored.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kyodo import fiscal
from kyodo.display import display_value, model_field
from kyodo.models import User
from kyodo.pdf import html_to_pdf, render_html
from kyodo.services import DomainError, record_history_author, save_with_version
from partners.models import Partner
from projects.models import (
    Agreement,
    AgreementConfirmation,
    AgreementCost,
    AgreementMilestone,
    AgreementRole,
    AgreementVersion,
    Comment,
    Consultation,
    FollowUp,
    Project,
)
from projects.permissions import (
    agreement_party_key,
    refuse_if_archived,
    why_not_comment,
    why_not_confirm,
    why_not_finish_follow_up,
)
from projects.policy import Need, Step, spec_for

PARTY_MARKS = ["乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
HASH_PLACEHOLDER = "@@KYODO-HASH@@"

ITEM_FIELDS = [
    ("第1 事業目的の共有", ["purpose"]),
    ("第3 責任分担", ["responsibility", "insurance"]),
    ("第5 事業期間", ["period_start", "period_end"]),
    ("第6 成果物の仕様と帰属", ["deliverables", "deliverables_owner"]),
    ("第7 協議機会の確保", ["consultation"]),
    ("第8 途中での変更及び対処方法", ["change_procedure"]),
    ("第9 その他", ["confidentiality", "crisis_management", "personal_data", "other"]),
    ("成果の共有", ["results_shared", "results_not_shared_reason"]),
    ("変更の理由", ["change_reason"]),
]
VERSION_FIELDS = [name for _, names in ITEM_FIELDS for name in names]


@dataclass(frozen=True)
class AgreementParty:
    key: str
    mark: str
    name: str
    partner: Partner | None = None


def parties(project: Project) -> list[AgreementParty]:
    """甲 is the city; 乙, 丙, 丁 … the project's partners in the order they joined."""
    result = [AgreementParty("city", "甲", settings.KYODO_CITY_NAME)]
    for n, link in enumerate(project.project_partners.all()):
        # 乙 to 癸 name nine partners; a larger committee goes on as 当事者11, 当事者12 …
        mark = PARTY_MARKS[n] if n < len(PARTY_MARKS) else f"当事者{n + 2}"
        result.append(
            AgreementParty(f"partner:{link.partner_id}", mark, link.partner.name, link.partner)
        )
    return result


def latest_agreed(agreement: Agreement | None) -> AgreementVersion | None:
    if agreement is None:
        return None
    return agreement.versions.filter(agreed_at__isnull=False).order_by("-number").first()


def _copy_tables(source: AgreementVersion, target: AgreementVersion) -> None:
    AgreementRole.objects.bulk_create(
        AgreementRole(
            version=target, task=r.task, party=r.party, partner_id=r.partner_id, order=r.order
        )
        for r in source.roles.all()
    )
    AgreementCost.objects.bulk_create(
        AgreementCost(
            version=target,
            item=c.item,
            payer_is_city=c.payer_is_city,
            partner_id=c.partner_id,
            amount=c.amount,
            order=c.order,
        )
        for c in source.costs.all()
    )
    AgreementMilestone.objects.bulk_create(
        AgreementMilestone(version=target, on=m.on, description=m.description)
        for m in source.milestones.all()
    )


def _locked(version: AgreementVersion) -> AgreementVersion:
    """Re-read the version under a row lock, refusing if its project has been archived."""
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__project")
        .get(pk=version.pk)
    )
    refuse_if_archived(version.agreement.project)
    return version


@transaction.atomic
def agreement_start(*, project: Project, by: User) -> AgreementVersion:
    """Open the agreement of a project with a first draft filled from the project record."""
    refuse_if_archived(project)
    if spec_for(project.implementation_form).steps[Step.AGREEMENT] == Need.NOT_APPLICABLE:
        raise DomainError(f"{project.get_implementation_form_display()}では協定書は作りません。")
    agreement, created = Agreement.objects.get_or_create(project=project)
    if not created:
        raise DomainError("この事業の協定はすでにあります。")
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        purpose=project.purpose,
        period_start=project.start_date,
        period_end=project.end_date,
    )
    record_history_author(version, by=by, reason="協定の案を作成")
    version.save()
    return version


def _check_tables(version: AgreementVersion, milestones: list[dict[str, Any]]) -> None:
    start, end = version.period_start, version.period_end
    for m in milestones:
        if (start and m["on"] < start) or (end and m["on"] > end):
            raise DomainError(f"スケジュール「{m['description']}」の日付が事業期間の外です。")


@transaction.atomic
def agreement_version_save(
    *,
    version: AgreementVersion,
    by: User,
    expected_version: int | None,
    data: dict[str, Any],
    roles: list[dict[str, Any]],
    costs: list[dict[str, Any]],
    milestones: list[dict[str, Any]],
) -> AgreementVersion:
    """Save a draft's items and tables, unless someone saved it since the user loaded it."""
    version = _locked(version)
    if not version.is_draft:
        raise DomainError("確定した版は変更できません。変更するときは変更協定を作ってください。")
    for name, value in data.items():
        setattr(version, name, value)
    _check_tables(version, milestones)
    save_with_version(version, expected_version=expected_version, by=by)
    version.roles.all().delete()
    version.costs.all().delete()
    version.milestones.all().delete()
    AgreementRole.objects.bulk_create(
        AgreementRole(version=version, order=i, **row) for i, row in enumerate(roles)
    )
    AgreementCost.objects.bulk_create(
        AgreementCost(version=version, order=i, **row) for i, row in enumerate(costs)
    )
    AgreementMilestone.objects.bulk_create(
        AgreementMilestone(version=version, **row) for row in milestones
    )
    return version


def freeze_gaps(version: AgreementVersion) -> list[str]:
    """What a draft still lacks before both sides can be asked to confirm it."""
    gaps = []
    if not version.agreement.project.project_partners.exists():
        gaps.append("パートナー（協定の相手方。事業のページで追加）")
    if not version.purpose.strip():
        gaps.append("事業の目的（第1）")
    if not version.roles.exists():
        gaps.append("役割分担（第2）を1行以上")
    if not version.responsibility.strip():
        gaps.append("責任の分担（第3）")
    if not (version.period_start and version.period_end):
        gaps.append("事業期間（第5）")
    if not version.consultation.strip():
        gaps.append("協議の場（第7）")
    if not version.change_procedure.strip():
        gaps.append("途中で変更するときの方法（第8）")
    if not version.results_shared and not version.results_not_shared_reason.strip():
        gaps.append("成果を共有しない理由")
    if version.number > 1 and not version.change_reason.strip():
        gaps.append("変更の理由")
    return gaps


@transaction.atomic
def agreement_freeze(*, version: AgreementVersion, by: User) -> AgreementVersion:
    """Fix a draft's content and ask every party to confirm it."""
    version = _locked(version)
    if not version.is_draft:
        raise DomainError("この版はすでに確定しています。")
    gaps = freeze_gaps(version)
    if gaps:
        raise DomainError("確定する前に、次の項目を入力してください: " + "、".join(gaps))
    version.frozen_at = timezone.now()
    version.frozen_by = by
    version.version += 1
    record_history_author(version, by=by, reason="案を確定し、確認を依頼")
    version.save(update_fields=["frozen_at", "frozen_by", "version", "updated_at"])
    return version


@transaction.atomic
def agreement_unfreeze(*, version: AgreementVersion, by: User) -> AgreementVersion:
    """Take a frozen, not yet agreed version back to drafting; confirmations are dropped."""
    version = _locked(version)
    if version.is_agreed or version.is_draft:
        raise DomainError("確認待ちの版だけを編集に戻せます。")
    version.confirmations.all().delete()
    version.frozen_at = None
    version.frozen_by = None
    version.version += 1
    record_history_author(version, by=by, reason="確認待ちから編集に戻す")
    version.save(update_fields=["frozen_at", "frozen_by", "version", "updated_at"])
    return version


@transaction.atomic
def agreement_confirm(*, version: AgreementVersion, by: User) -> AgreementVersion:
    """Record one party's confirmation; the last one makes the version agreed."""
    version = _locked(version)
    project = version.agreement.project
    if reason := why_not_confirm(by, version):
        raise DomainError(reason)
    key = agreement_party_key(by, project)
    assert key is not None  # why_not_confirm refuses whoever is no party of it
    AgreementConfirmation.objects.create(version=version, party_key=key, by=by)
    confirmed = set(version.confirmations.values_list("party_key", flat=True))
    if {p.key for p in parties(project)} <= confirmed:
        _agree(version, by=by)
    return version


def _agree(version: AgreementVersion, *, by: User) -> None:
    version.agreed_at = timezone.now()  # before rendering: the document carries the date
    html = render_html("pdf/agreement.html", agreement_pdf_context(version, draft=False))
    digest = hashlib.sha256(html.encode()).hexdigest()
    pdf = html_to_pdf(html.replace(HASH_PLACEHOLDER, digest[:12]))
    version.pdf_sha256 = digest
    version.pdf.save(
        f"agreement-{version.agreement.project_id}-v{version.number}.pdf",
        ContentFile(pdf),
        save=False,
    )
    record_history_author(version, by=by, reason="全当事者が確認し合意")
    version.save(update_fields=["agreed_at", "pdf_sha256", "pdf", "updated_at"])


@transaction.atomic
def agreement_amend(*, agreement: Agreement, by: User, reason: str = "") -> AgreementVersion:
    """Start a 変更協定: a new draft copied from the latest agreed version."""
    agreement = Agreement.objects.select_for_update().select_related("project").get(pk=agreement.pk)
    refuse_if_archived(agreement.project)
    if agreement.versions.filter(agreed_at__isnull=True).exists():
        raise DomainError("編集中または確認待ちの版があります。先にそれを仕上げてください。")
    source = latest_agreed(agreement)
    if source is None:
        raise DomainError("合意済みの版がまだありません。")
    version = AgreementVersion(
        agreement=agreement,
        number=source.number + 1,
        change_reason=reason,
        **{name: getattr(source, name) for name in VERSION_FIELDS if name != "change_reason"},
    )
    record_history_author(version, by=by, reason="変更協定の案を作成")
    version.save()
    _copy_tables(source, version)
    return version


def agreement_pdf_context(version: AgreementVersion, *, draft: bool) -> dict[str, Any]:
    """Everything the printed agreement shows, in the order of its articles."""
    project = version.agreement.project
    party_list = parties(project)
    marks: dict[int | None, str] = {
        p.partner.pk: p.mark for p in party_list if p.partner is not None
    }
    roles = [
        (
            r.task,
            "甲乙共同"
            if r.party == "joint"
            else ("甲" if r.party == "city" else marks.get(r.partner_id, "")),
            r.party_display,
        )
        for r in version.roles.select_related("partner")
    ]
    costs = list(version.costs.select_related("partner"))
    totals: dict[str, int] = {}
    for c in costs:
        if c.payer_is_city:
            payer = "甲（市）"
        else:
            assert c.partner is not None  # projects_agreementcost_one_payer
            payer = f"{marks.get(c.partner_id, '')}（{c.partner.name}）"
        totals[payer] = totals.get(payer, 0) + c.amount
    return {
        "version": version,
        "project": project,
        "document": spec_for(project.implementation_form).document,
        "parties": party_list,
        "roles": roles,
        "costs": costs,
        "cost_totals": list(totals.items()),
        "cost_total": sum(totals.values()),
        "marks": marks,
        "milestones": list(version.milestones.all()),
        "owner": version.get_deliverables_owner_display(),
        "draft": draft,
        "hash_placeholder": HASH_PLACEHOLDER,
        "agreed_on": timezone.localtime(version.agreed_at).date() if version.agreed_at else None,
    }


def draft_pdf(version: AgreementVersion) -> bytes:
    """A PDF of any version on demand, watermarked 「案」 unless agreed (for review only)."""
    html = render_html("pdf/agreement.html", agreement_pdf_context(version, draft=True))
    return html_to_pdf(html.replace(HASH_PLACEHOLDER, "（案のため照合値なし）"))


def version_diff(old: AgreementVersion, new: AgreementVersion) -> list[dict[str, Any]]:
    """Item by item: the text of both versions and whether it changed."""
    rows = []
    for label, names in ITEM_FIELDS:
        for name in names:
            field = model_field(AgreementVersion, name)
            a = display_value(field, getattr(old, name), empty="")
            b = display_value(field, getattr(new, name), empty="")
            rows.append(
                {"label": f"{label}: {field.verbose_name}", "old": a, "new": b, "changed": a != b}
            )
    shown: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
        ("第2 役割分担", "roles", lambda r: f"{r.task} — {r.party_display}"),
        (
            "第4 経費負担",
            "costs",
            lambda c: f"{c.item} — {c.payer_display} {fiscal.format_yen(c.amount)}",
        ),
        ("第5 スケジュール", "milestones", lambda m: f"{fiscal.wareki_date(m.on)} {m.description}"),
    )
    for label, attr, fmt in shown:
        related = ("partner",) if attr != "milestones" else ()
        a = "\n".join(fmt(x) for x in getattr(old, attr).select_related(*related))
        b = "\n".join(fmt(x) for x in getattr(new, attr).select_related(*related))
        rows.append({"label": label, "old": a, "new": b, "changed": a != b})
    return rows


@transaction.atomic
def consultation_record(
    *, project: Project, by: User, data: dict[str, Any], follow_ups: list[dict[str, Any]]
) -> Consultation:
    """Record a 協議の場 with its follow-ups; a proposed change opens a 変更協定 draft."""
    refuse_if_archived(project)
    consultation = Consultation(project=project, created_by=by, **data)
    record_history_author(consultation, by=by)
    consultation.save()
    for task in follow_ups:
        item = FollowUp(consultation=consultation, **task)
        record_history_author(item, by=by)
        item.save()
    agreement = Agreement.objects.filter(project=project).first()
    if (
        consultation.proposes_change
        and agreement is not None
        and latest_agreed(agreement) is not None
        and not agreement.versions.filter(agreed_at__isnull=True).exists()
    ):
        what = consultation.decided or consultation.discussed
        agreement_amend(
            agreement=agreement,
            by=by,
            reason=f"{fiscal.wareki_date(consultation.held_on)}の協議で提案された変更: {what}",
        )
    return consultation


@transaction.atomic
def agreement_set_comments(*, version: AgreementVersion, by: User, open_: bool) -> AgreementVersion:
    """Invite (or stop) the partners' comments on a draft."""
    refuse_if_archived(version.agreement.project)
    if not version.is_draft:
        raise DomainError("意見を受け付けられるのは案の段階だけです。")
    version.open_for_comments = open_
    record_history_author(version, by=by, reason="意見の受付を" + ("開始" if open_ else "終了"))
    version.save(update_fields=["open_for_comments", "updated_at"])
    return version


def agreement_comment(*, version: AgreementVersion, by: User, body: str) -> Comment:
    """A comment on a version: the city any time, a partner while invited on a draft."""
    # Read it again: the page the comment comes from may be older than an archive.
    version = AgreementVersion.objects.select_related("agreement__project").get(pk=version.pk)
    project = version.agreement.project
    if reason := why_not_comment(by, version):
        raise DomainError(reason)
    if not body.strip():
        raise DomainError("意見を入力してください。")
    return Comment.objects.create(
        project=project,
        author=by,
        body=body.strip(),
        shared_with_partner=True,
        agreement_version=version,
    )


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User) -> None:
    """Mark a follow-up as done (once: marking it again changes nothing)."""
    follow_up = FollowUp.objects.select_related("consultation__project").get(pk=follow_up.pk)
    if reason := why_not_finish_follow_up(by, follow_up):
        raise DomainError(reason)
    if follow_up.done:
        return
    follow_up.done = True
    record_history_author(follow_up, by=by)
    follow_up.save(update_fields=["done"])
