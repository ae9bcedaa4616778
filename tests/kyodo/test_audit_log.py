"""The audit log: who read an agreement or a file, who archived what, and the admin's view."""

import hashlib
import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from kyodo.models import AuditEvent
from kyodo.services import ConflictError, DomainError
from partners import services as partner_services
from partners.models import Partner
from projects.models import Agreement, AgreementVersion, Project
from projects.services import project as project_services
from selection import services as selection_services
from selection.models import Candidate, Criterion, ProposalFile, Reviewer, Selection

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
LOGIN = 302
CITIZEN = "203.0.113.7"


@pytest.fixture
def versions(project):
    """An agreed original with its stored PDF and a draft amendment, made directly."""
    agreement = Agreement.objects.create(project=project)
    agreed = AgreementVersion(
        agreement=agreement, number=1, purpose="目的", agreed_at=timezone.now(), pdf_sha256="0" * 64
    )
    agreed.frozen_at = agreed.agreed_at
    agreed.pdf.save("agreement.pdf", ContentFile(b"%PDF-1.4 stored"), save=False)
    agreed.save()
    draft = AgreementVersion.objects.create(agreement=agreement, number=2, purpose="新しい目的")
    return agreed, draft


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    """Drafts and the 審査結果表 are printed on demand: a stand-in keeps these tests fast."""
    monkeypatch.setattr("projects.services.agreements.draft_pdf", lambda version: b"%PDF-1.4 draft")
    monkeypatch.setattr("selection.views.render_pdf", lambda template, context: b"%PDF-1.4 record")


@pytest.fixture
def selection(project, staff2):
    """A selection in 審査中 with one file; staff2 sits on the panel and has not scored yet."""
    selection = Selection.objects.create(
        project=project,
        method=Selection.Method.PROPOSAL,
        state=Selection.State.REVIEWING,
        call_start=date(2025, 4, 1),
        call_end=date(2025, 4, 30),
    )
    Criterion.objects.create(selection=selection, viewpoint=Criterion.Viewpoint.FEASIBILITY)
    Reviewer.objects.create(selection=selection, user=staff2)
    return selection


@pytest.fixture
def proposal_file(selection, partner_org, staff):
    candidate = Candidate.objects.create(selection=selection, partner=partner_org)
    content = b"%PDF-1.4 proposal"
    stored = ProposalFile(
        candidate=candidate,
        original_name="提案書.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=staff,
    )
    stored.file.save("proposal.pdf", ContentFile(content), save=False)
    stored.save()
    return stored


def get(client, path: str, **extra):
    response = client.get(path, **extra)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the stored file
    return response


def agreement_url(name: str, project: Project, *args) -> str:
    return reverse(f"projects:{name}", args=[project.pk, *args])


# Reading an agreement


READS = [
    ("agreement", (), "協定の画面（第2版・案）", 2),
    ("agreement_pdf", (), "協定書PDF（第1版）", 1),
    ("agreement_version_pdf", (1,), "協定書PDF（第1版）", 1),
    ("agreement_version_pdf", (2,), "協定書PDF（第2版・案）", 2),
    ("agreement_compare", (), "第1版と比べた協定（第2版・案）", 2),
]
READ_IDS = [f"{name}-{len(args) and args[0]}" for name, args, _, _ in READS]


@pytest.mark.parametrize(("name", "args", "detail", "number"), READS, ids=READ_IDS)
def test_it_logs_each_read_of_an_agreement_once_with_the_reader_and_the_version(
    client, project, versions, partner_user, name, args, detail, number
):
    client.force_login(partner_user)

    assert get(client, agreement_url(name, project, *args)).status_code == 200

    event = AuditEvent.objects.get()
    assert event.action == Action.READ_AGREEMENT
    assert (event.user, event.username) == (partner_user, "partner")
    assert event.address == "127.0.0.1"
    version = versions[number - 1]
    assert (event.object_type, event.object_id) == ("projects.agreementversion", str(version.pk))
    assert event.object_label == str(version)
    assert event.detail == detail


def test_it_logs_the_version_chosen_on_the_agreement_page(client, project, versions, staff):
    client.force_login(staff)

    assert client.get(agreement_url("agreement", project), {"v": 1}).status_code == 200

    event = AuditEvent.objects.get()
    assert event.object_id == str(versions[0].pk)
    assert event.detail == "協定の画面（第1版）"


@pytest.mark.parametrize(("name", "args"), [row[:2] for row in READS], ids=READ_IDS)
def test_it_logs_nothing_when_the_agreement_is_refused(
    client, project, versions, partner2_user, name, args
):
    path = agreement_url(name, project, *args)

    assert get(client, path).status_code == LOGIN
    client.force_login(partner2_user)  # a partner of another project: must not know it exists
    assert get(client, path).status_code == 404

    assert not AuditEvent.objects.exists()


def test_it_logs_nothing_for_a_page_without_an_agreement(client, project, staff):
    client.force_login(staff)

    assert client.get(agreement_url("agreement", project)).status_code == 200
    assert client.get(agreement_url("agreement_pdf", project)).status_code == 404

    assert not AuditEvent.objects.exists()


def test_it_logs_the_address_of_a_citizen_reading_the_public_agreement_pdf(
    client, project, versions
):
    Project.objects.filter(pk=project.pk).update(
        disclosure="public", publish_agreement_pdf=True, status="active"
    )
    path = reverse("public:agreement_pdf", args=[project.pk])

    assert get(client, path, REMOTE_ADDR=CITIZEN).status_code == 200

    event = AuditEvent.objects.get()
    assert event.action == Action.READ_AGREEMENT
    assert (event.user, event.username, event.address) == (None, "", CITIZEN)
    assert event.object_id == str(versions[0].pk)
    assert event.detail == "公開ページの協定書PDF（第1版）"


def test_it_logs_nothing_when_the_public_pdf_is_not_published(client, project, versions):
    Project.objects.filter(pk=project.pk).update(
        disclosure="public", publish_agreement_pdf=False, status="active"
    )

    assert get(client, reverse("public:agreement_pdf", args=[project.pk])).status_code == 404

    assert not AuditEvent.objects.exists()


# Files of a partner selection


def test_it_logs_a_proposal_file_download_with_the_file_and_the_applicant(
    client, selection, proposal_file, staff, partner_user
):
    path = reverse("selection:file", args=[selection.project_id, proposal_file.pk])
    client.force_login(partner_user)
    assert get(client, path).status_code == 404
    assert not AuditEvent.objects.exists()

    client.force_login(staff)
    assert get(client, path).status_code == 200

    event = AuditEvent.objects.get()
    assert event.action == Action.DOWNLOAD_FILE
    assert event.user == staff
    assert (event.object_type, event.object_id) == ("selection.proposalfile", str(proposal_file.pk))
    assert event.object_label == "提案書.pdf"
    assert event.detail == "提案書ファイル（NPO法人 湘南なぎさネット）"


def test_it_logs_the_selection_record_pdf_only_for_those_who_may_read_it(
    client, selection, staff, staff2, partner_user
):
    path = reverse("selection:pdf", args=[selection.project_id])
    client.force_login(partner_user)
    assert client.get(path).status_code == 404
    client.force_login(staff2)  # on the panel, own sheet not submitted yet
    assert client.get(path).status_code == 403
    assert not AuditEvent.objects.exists()

    client.force_login(staff)
    assert client.get(path).status_code == 200

    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.detail) == (
        Action.DOWNLOAD_FILE,
        staff,
        "審査結果表PDF",
    )
    assert (event.object_type, event.object_id) == ("selection.selection", str(selection.pk))


# Archive and restore


def test_it_logs_archive_and_restore_of_a_project_with_the_reason(project, coordinator):
    project_services.project_archive(project=project, by=coordinator, reason=" 事業の終了 ")
    project_services.project_restore(project=project, by=coordinator)

    archived, restored = AuditEvent.objects.order_by("pk")
    assert (archived.action, archived.user, archived.detail) == (
        Action.ARCHIVE,
        coordinator,
        "事業の終了",
    )
    assert (restored.action, restored.user, restored.detail) == (
        Action.RESTORE,
        coordinator,
        "アーカイブしていた理由: 事業の終了",
    )
    for event in (archived, restored):
        assert (event.object_type, event.object_id) == ("projects.project", str(project.pk))
        assert event.object_label == "海岸の里親活動"
        assert event.address is None


def test_it_logs_archive_and_restore_of_a_partner(partner_org, coordinator):
    partner_services.partner_archive(partner=partner_org, by=coordinator)
    partner_services.partner_restore(partner=partner_org, by=coordinator)

    assert [
        (e.action, e.user, e.object_type, e.object_id) for e in AuditEvent.objects.order_by("pk")
    ] == [
        (Action.ARCHIVE, coordinator, "partners.partner", str(partner_org.pk)),
        (Action.RESTORE, coordinator, "partners.partner", str(partner_org.pk)),
    ]


def test_it_logs_taking_a_proposal_file_out_of_the_list(proposal_file, staff):
    selection_services.proposal_file_archive(stored=proposal_file, by=staff)

    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.object_id) == (
        Action.ARCHIVE,
        staff,
        str(proposal_file.pk),
    )
    assert event.detail == "提案書ファイルを一覧から外す"


def test_it_refuses_an_edit_of_a_project_started_before_an_archive(project, staff, coordinator):
    opened = Project.objects.get(pk=project.pk)  # the edit form, loaded before the archive
    project_services.project_archive(project=project, by=coordinator, reason="重複登録")

    with pytest.raises(ConflictError):
        project_services.project_update(
            project=opened,
            by=staff,
            expected_version=opened.version,
            data={"title": "書き換えた名前"},
            detail_data={},
        )

    project.refresh_from_db()
    assert project.is_archived and project.title == "海岸の里親活動"


def test_it_refuses_an_edit_started_before_an_archive_and_a_restore(project, staff, coordinator):
    opened_at_version = project.version
    project_services.project_archive(project=project, by=coordinator, reason="誤って登録")
    project_services.project_restore(project=project, by=coordinator)

    fresh = Project.objects.get(pk=project.pk)
    assert fresh.version == opened_at_version + 2
    with pytest.raises(ConflictError):
        project_services.project_update(
            project=fresh,
            by=staff,
            expected_version=opened_at_version,
            data={"title": "書き換えた名前"},
            detail_data={},
        )


def test_it_refuses_an_edit_of_a_partner_started_before_an_archive(partner_org, coordinator):
    opened = Partner.objects.get(pk=partner_org.pk)
    partner_services.partner_archive(partner=partner_org, by=coordinator)

    with pytest.raises(ConflictError):
        partner_services.partner_update(
            partner=opened,
            by=coordinator,
            expected_version=opened.version,
            data={"name": "書き換えた名前"},
            activity_fields=[],
        )

    partner_org.refresh_from_db()
    assert partner_org.is_archived


def test_it_lets_only_one_of_two_racing_archives_through(project, coordinator, admin_user):
    first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
    project_services.project_archive(project=first, by=coordinator, reason="終了")

    with pytest.raises(DomainError, match="すでにアーカイブ"):
        project_services.project_archive(project=second, by=admin_user, reason="終了")

    assert AuditEvent.objects.get().user == coordinator


# The admin


def test_it_shows_the_audit_log_to_the_admin_and_refuses_changes(
    client, project, versions, admin_user, partner_user
):
    client.force_login(partner_user)
    get(client, agreement_url("agreement_pdf", project))
    event = AuditEvent.objects.get()
    client.force_login(admin_user)

    changelist = client.get(reverse("admin:kyodo_auditevent_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "partner" in html and "協定書PDF（第1版）" in html

    change = reverse("admin:kyodo_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:kyodo_auditevent_add")).status_code == 403
    assert client.post(change, {"detail": "書き換え"}).status_code == 403
    assert client.post(reverse("admin:kyodo_auditevent_delete", args=[event.pk])).status_code == 403
    event.refresh_from_db()
    assert event.detail == "協定書PDF（第1版）"


def test_it_filters_archived_projects_and_links_the_admin_to_their_audit_log(
    client, project, other_project, versions, coordinator, partner_user, admin_user
):
    client.force_login(partner_user)
    get(client, agreement_url("agreement_pdf", project))
    project_services.project_archive(project=project, by=coordinator, reason="事業の終了")
    client.force_login(admin_user)
    changelist = reverse("admin:projects_project_changelist")

    archived = client.get(changelist, {"archived": "yes"}).content.decode()
    in_use = client.get(changelist, {"archived": "no"}).content.decode()
    assert project.title in archived and other_project.title not in archived
    assert other_project.title in in_use and project.title not in in_use

    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    links = dict(
        (text, href.replace("&amp;", "&"))
        for href, text in re.findall(
            r'<a href="([^"]*auditevent[^"]*)">([^<]+)</a>', page.content.decode()
        )
    )
    archive_log = client.get(links["アーカイブ・元に戻す"]).content.decode()
    assert "事業の終了" in archive_log and "協定書PDF" not in archive_log
    read_log = client.get(links["協定の閲覧"]).content.decode()
    assert "協定書PDF（第1版）" in read_log and "事業の終了" not in read_log


def test_it_filters_archived_partners_in_the_admin(
    client, partner_org, other_partner_org, admin_user
):
    partner_services.partner_archive(partner=partner_org, by=admin_user)
    client.force_login(admin_user)

    html = client.get(reverse("admin:partners_partner_changelist"), {"archived": "yes"})
    assert partner_org.name in html.content.decode()
    assert other_partner_org.name not in html.content.decode()
