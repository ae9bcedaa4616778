"""Writes to projects: every change goes through one of these functions."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kyodo import audit
from kyodo.models import AuditEvent, User
from kyodo.services import (
    DomainError,
    claim_archive_change,
    record_history_author,
    save_record,
    save_with_version,
)
from kyodo.text import search_index
from partners.models import Partner
from projects.models import (
    AgreementCost,
    AgreementRole,
    Comment,
    Eligibility,
    FormDetail,
    Project,
    ProjectPartner,
)
from projects.permissions import refuse_if_archived, why_not_change_parties
from projects.policy import spec_for


def project_detail(project: Project) -> FormDetail | None:
    """The facts special to the project's current 実施形態, if entered."""
    model = spec_for(project.implementation_form).detail_model
    return model._default_manager.filter(project=project).first()


def _index(project: Project) -> str:
    return search_index(
        project.title,
        project.purpose,
        project.content,
        project.beneficiaries,
        project.expected_effect,
    )


def _save_detail(project: Project, detail_data: dict[str, Any], *, by: User) -> None:
    model = spec_for(project.implementation_form).detail_model
    detail = model._default_manager.filter(project=project).first() or model(project=project)
    changed = detail._state.adding or any(
        getattr(detail, name) != value for name, value in detail_data.items()
    )
    if not changed:
        return
    for name, value in detail_data.items():
        setattr(detail, name, value)
    record_history_author(detail, by=by)
    detail.save()


@transaction.atomic
def project_create(
    *, by: User, data: dict[str, Any], detail_data: dict[str, Any], reason: str = "登録"
) -> Project:
    """Record a new project (a draft of the user's department unless data says otherwise)."""
    project = Project(**data, created_by=by)
    if project.department_id is None:
        project.department_id = by.department_id
    if project.department_id is None:
        raise DomainError("所管課を選んでください。")
    project.search_index = _index(project)
    record_history_author(project, by=by, reason=reason)
    project.save()
    _save_detail(project, detail_data, by=by)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    by: User,
    expected_version: int | None,
    data: dict[str, Any],
    detail_data: dict[str, Any],
) -> Project:
    """Save an edit unless someone else saved the project since the user loaded it."""
    refuse_if_archived(project)
    for name, value in data.items():
        setattr(project, name, value)
    spec = spec_for(project.implementation_form)
    for link in project.project_partners.select_related("partner"):
        if refusal := spec.refuses_partner(link.partner):
            raise DomainError(f"実施形態を変えられません。{refusal}")
    project.search_index = _index(project)
    save_with_version(project, expected_version=expected_version, by=by)
    _save_detail(project, detail_data, by=by)
    return project


@transaction.atomic
def project_archive(*, project: Project, by: User, reason: str) -> Project:
    """Take a project out of the lists without deleting anything."""
    already = "この事業はすでにアーカイブされています。"
    if project.is_archived:
        raise DomainError(already)
    if not reason.strip():
        raise DomainError("アーカイブする理由を書いてください。")
    if not claim_archive_change(project, archived=False):
        raise DomainError(already)
    project.archived_at = timezone.now()
    project.archive_reason = reason.strip()
    record_history_author(project, by=by, reason=f"アーカイブ: {reason.strip()}")
    project.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    audit.record(AuditEvent.Action.ARCHIVE, user=by, obj=project, detail=project.archive_reason)
    return project


@transaction.atomic
def project_restore(*, project: Project, by: User) -> Project:
    """Bring an archived project back into the lists."""
    if not project.is_archived or not claim_archive_change(project, archived=True):
        raise DomainError("この事業はアーカイブされていません。")
    reason = project.archive_reason
    project.archived_at = None
    project.archive_reason = ""
    record_history_author(project, by=by, reason="アーカイブから戻す")
    project.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    audit.record(
        AuditEvent.Action.RESTORE,
        user=by,
        obj=project,
        detail=f"アーカイブしていた理由: {reason}" if reason else "",
    )
    return project


@transaction.atomic
def project_add_partner(
    *, project: Project, by: User, partner: Partner, role: str, note: str = "", reason: str = ""
) -> ProjectPartner:
    """Add a partner to a project with its role (refused while its parties are fixed)."""
    if partner.is_archived:
        raise DomainError("アーカイブされた団体は追加できません。")
    if refusal := spec_for(project.implementation_form).refuses_partner(partner):
        raise DomainError(refusal)
    if refusal := why_not_change_parties(project):
        raise DomainError(refusal)
    link = ProjectPartner(project=project, partner=partner, role=role, note=note)
    record_history_author(link, by=by, reason=reason)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise DomainError(f"{partner.name} はすでにこの事業のパートナーです。") from exc
    return link


@transaction.atomic
def project_remove_partner(*, link: ProjectPartner, by: User) -> None:
    """Remove a partner from a project (the history keeps that it was there)."""
    if reason := why_not_change_parties(link.project):
        raise DomainError(reason)
    named = {
        "version__agreement__project": link.project,
        "version__agreed_at__isnull": True,
        "partner": link.partner,
    }
    if (
        AgreementRole.objects.filter(**named).exists()
        or AgreementCost.objects.filter(**named).exists()
    ):
        raise DomainError(
            f"協定の案の役割分担か経費負担に {link.partner.name} が入っています。"
            "先に案から外してください。"
        )
    record_history_author(link, by=by)
    link.delete()


def comment_add(
    *, project: Project, by: User, body: str, shared_with_partner: bool = False
) -> Comment:
    """Leave a remark on a project (shared with its partners only when asked)."""
    refuse_if_archived(project)
    if not body.strip():
        raise DomainError("コメントを入力してください。")
    return Comment.objects.create(
        project=project, author=by, body=body.strip(), shared_with_partner=shared_with_partner
    )


@transaction.atomic
def eligibility_save(
    *, project: Project, by: User, expected_version: int | None, data: dict[str, Any]
) -> Eligibility:
    """Record (or revise) the 対象確認 answers."""
    answers = Eligibility.objects.filter(project=project).first() or Eligibility(project=project)
    for name, value in data.items():
        setattr(answers, name, value)
    save_record(answers, expected_version=expected_version, by=by)
    return answers


@transaction.atomic
def disclosure_save(
    *,
    project: Project,
    by: User,
    expected_version: int | None,
    disclosure: str,
    disclosure_reason: str,
    publish_agreement_pdf: bool = False,
) -> Project:
    """Record whether the project's content, process and results are made public (原則4)."""
    if disclosure != "public" and not disclosure_reason.strip():
        raise DomainError("公開しない部分と、その理由を書いてください。")
    project.disclosure = disclosure
    project.disclosure_reason = disclosure_reason.strip() if disclosure != "public" else ""
    project.publish_agreement_pdf = publish_agreement_pdf and disclosure == "public"
    save_with_version(project, expected_version=expected_version, by=by, reason="公開の判断")
    return project
