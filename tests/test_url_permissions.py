"""Every named URL × every role: the status each must give (STYLE.md's one matrix).

A new URL that is not in MATRIX makes test_it_covers_every_named_url fail, so nothing can be
added without deciding who may reach it. Objects are always someone's: `project` belongs to
staff's department and partner's organisation; partner2 and staff2 belong elsewhere.
"""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from evaluations.models import ITEM_KEYS, BeneficiarySurvey, ProcessEvaluation
from kyodo.models import User
from partners.models import CityIssue
from projects.models import Agreement, AgreementVersion, Consultation, FollowUp
from selection.models import Candidate, Criterion, ProposalFile, Reviewer, Selection
from tests.factories import (
    DepartmentFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    UserFactory,
)

CITY_REMARK = "市の側だけが書いた評価のコメント"
ROLES = ["anonymous", "staff", "staff2", "coordinator", "partner", "partner2", "admin"]


def _statuses(anonymous, staff, staff2, coordinator, partner, partner2, admin):
    values = [anonymous, staff, staff2, coordinator, partner, partner2, admin]
    return dict(zip(ROLES, values, strict=True))


LOGIN = 302
# 市民自治推進課 (coordinator) may start projects of its own: it runs some itself (issue 14).
# (url name, method, how to build args/data from the world, expected status per role)
MATRIX = [
    ("dashboard", "get", None, _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("login", "get", None, _statuses(200, 302, 302, 302, 302, 302, 302)),
    ("logout", "post", None, _statuses(302, 302, 302, 302, 302, 302, 302)),
    ("password_change", "get", None, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("password_change_done", "get", None, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("projects:list", "get", None, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("projects:export", "get", "csv", _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("projects:choose_form", "get", None, _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("projects:create", "get", "form", _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("projects:detail_fields", "get", "fields", _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    (
        "projects:detail_fields",
        "get",
        "fields_of_project",
        _statuses(LOGIN, 200, 403, 403, 403, 404, 200),
    ),
    ("projects:detail", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:edit", "get", "project", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    ("projects:archive", "get", "project", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    ("projects:restore", "post", "archived", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    ("projects:partner_add", "post", "add", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    ("projects:partner_remove", "get", "link", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    ("projects:comment", "post", "comment", _statuses(LOGIN, 302, 403, 302, 403, 404, 302)),
    ("projects:eligibility", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:eligibility", "post", "project", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    ("projects:disclosure", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:disclosure", "post", "project", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    # The draft cannot be submitted yet (steps missing): the owner gets the page with a message.
    ("projects:transition", "post", "submit", _statuses(LOGIN, 400, 403, 403, 403, 404, 400)),
    ("projects:transition", "post", "approve", _statuses(LOGIN, 403, 403, 400, 403, 404, 400)),
    ("review", "get", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    ("projects:agreement", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:agreement_start", "post", "project", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    ("projects:agreement_amend", "post", "project", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    (
        "projects:agreement_compare",
        "get",
        "project",
        _statuses(LOGIN, 200, 200, 200, 200, 404, 200),
    ),
    ("projects:agreement_pdf", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:agreement_edit", "get", "v2", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    ("projects:agreement_freeze", "post", "v2", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    ("projects:agreement_unfreeze", "post", "v2", _statuses(LOGIN, 302, 403, 403, 403, 404, 302)),
    ("projects:agreement_confirm", "post", "v2", _statuses(LOGIN, 302, 403, 403, 302, 404, 302)),
    (
        "projects:agreement_version_pdf",
        "get",
        "v1",
        _statuses(LOGIN, 200, 200, 200, 200, 404, 200),
    ),
    ("projects:agreement_comment", "post", "v2c", _statuses(LOGIN, 302, 403, 403, 302, 404, 302)),
    (
        "projects:agreement_comments_toggle",
        "post",
        "v2",
        _statuses(LOGIN, 302, 403, 403, 403, 404, 302),
    ),
    ("projects:consultations", "get", "project", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:consultations", "post", "project", _statuses(LOGIN, 200, 403, 403, 403, 404, 200)),
    (
        "projects:follow_up_done",
        "post",
        "follow_up",
        _statuses(LOGIN, 302, 403, 403, 403, 404, 302),
    ),
    ("partners:list", "get", None, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("partners:create", "get", None, _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("partners:detail", "get", "partner", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("partners:edit", "get", "partner", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("partners:archive", "get", "partner", _statuses(LOGIN, 403, 403, 200, 403, 404, 200)),
    (
        "partners:restore",
        "post",
        "archived_partner",
        _statuses(LOGIN, 403, 403, 302, 404, 404, 302),
    ),
    # Partner selection of `project`, in 審査中. staff2 is city staff but not on its panel: they
    # may know the selection exists (the overview) and nothing beneath it. The project's
    # partner is also one of the candidates, and still sees none of it.
    ("selection:overview", "get", "selection", _statuses(LOGIN, 200, 200, 200, 404, 404, 200)),
    # An empty form: the owner gets it back with errors; readers may not write.
    ("selection:overview", "post", "selection", _statuses(LOGIN, 200, 403, 403, 404, 404, 200)),
    ("selection:criteria", "get", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:criteria", "post", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:reviewers", "get", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:reviewers", "post", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:reviewer_remove", "post", "seat", _statuses(LOGIN, 302, 404, 403, 404, 404, 302)),
    (
        "selection:candidate_add",
        "get",
        "selection",
        _statuses(LOGIN, 200, 404, 403, 404, 404, 200),
    ),
    (
        "selection:candidate_add",
        "post",
        "selection",
        _statuses(LOGIN, 200, 404, 403, 404, 404, 200),
    ),
    ("selection:candidate", "get", "candidate", _statuses(LOGIN, 200, 404, 200, 404, 404, 200)),
    ("selection:candidate", "post", "candidate", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:file", "get", "file", _statuses(LOGIN, 200, 404, 200, 404, 404, 200)),
    ("selection:file_archive", "post", "file", _statuses(LOGIN, 302, 404, 403, 404, 404, 302)),
    # Already in 審査中: the owner is sent back with a message, which is still a 302.
    (
        "selection:transition",
        "post",
        "close_call",
        _statuses(LOGIN, 302, 404, 403, 404, 404, 302),
    ),
    ("selection:transition", "post", "bogus", _statuses(LOGIN, 404, 404, 404, 404, 404, 404)),
    # The outside member's sheet: the department types it in, 市民自治推進課 only reads it.
    ("selection:score_sheet", "get", "seat", _statuses(LOGIN, 200, 404, 200, 404, 404, 200)),
    ("selection:score_sheet", "post", "seat", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:ranking", "get", "selection", _statuses(LOGIN, 200, 404, 200, 404, 404, 200)),
    ("selection:decide", "get", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:decide", "post", "selection", _statuses(LOGIN, 200, 404, 403, 404, 404, 200)),
    ("selection:pdf", "get", "selection", _statuses(LOGIN, 200, 404, 200, 404, 404, 200)),
    # The evaluation of a project in 評価中 (staff's department, partner's organisation).
    ("evaluations:overview", "get", "evaluating", _statuses(LOGIN, 200, 404, 200, 200, 404, 200)),
    ("evaluations:city", "get", "evaluating", _statuses(LOGIN, 200, 404, 403, 403, 404, 200)),
    ("evaluations:city", "post", "evaluating", _statuses(LOGIN, 302, 404, 403, 403, 404, 302)),
    ("evaluations:partner", "get", "evaluee", _statuses(LOGIN, 200, 404, 403, 200, 404, 200)),
    ("evaluations:partner", "post", "evaluee", _statuses(LOGIN, 302, 404, 403, 302, 404, 302)),
    ("evaluations:results", "get", "evaluating", _statuses(LOGIN, 200, 404, 403, 403, 404, 200)),
    ("evaluations:survey", "get", "evaluating", _statuses(LOGIN, 200, 404, 403, 403, 404, 200)),
    ("evaluations:compare", "get", "evaluating", _statuses(LOGIN, 200, 404, 200, 200, 404, 200)),
    ("evaluations:decision", "get", "evaluating", _statuses(LOGIN, 200, 404, 403, 403, 404, 200)),
    ("evaluation_report:index", "get", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    ("evaluation_report:export", "get", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    # The beneficiaries' questionnaire needs no log-in: the unguessable link is the key.
    ("survey", "get", "survey", _statuses(200, 200, 200, 200, 200, 200, 200)),
    # Matching (第3-1(3)): an open 課題 of staff's department.
    ("partners:issues", "get", None, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("partners:issue_create", "get", None, _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("partners:issue_detail", "get", "issue", _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("partners:issue_edit", "get", "issue", _statuses(LOGIN, 200, 403, 200, 403, 403, 200)),
    ("partners:issue_close", "post", "issue", _statuses(LOGIN, 302, 403, 302, 403, 403, 302)),
    ("partners:issue_interest", "post", "issue", _statuses(LOGIN, 403, 403, 403, 302, 302, 403)),
    # Importing past projects from Excel is 市民自治推進課's (and the admin's).
    ("projects:import", "get", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    ("projects:import", "post", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    ("projects:import_confirm", "post", None, _statuses(LOGIN, 403, 403, 302, 403, 403, 302)),
    ("projects:import_template", "get", None, _statuses(LOGIN, 403, 403, 200, 403, 403, 200)),
    # Open to everyone: the statistics and what departments chose to publish (`project` is
    # disclosed with its agreed PDF; the project in 評価中 is not disclosed: 404 for all).
    ("stats:index", "get", None, _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("stats:export", "get", "csv", _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("public:list", "get", None, _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("public:detail", "get", "project", _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("public:detail", "get", "evaluating", _statuses(404, 404, 404, 404, 404, 404, 404)),
    ("public:agreement_pdf", "get", "project", _statuses(200, 200, 200, 200, 200, 200, 200)),
    ("public:open_data", "get", "csv", _statuses(200, 200, 200, 200, 200, 200, 200)),
    # An archived project (staff's department, partner's organisation): still readable by who
    # could read it, changed by nobody (403), unknown to outsiders (404). Its v1 awaits the
    # partner's confirmation and it has an open follow-up of staff's.
    ("projects:detail", "get", "archived", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    ("projects:edit", "get", "archived", _statuses(LOGIN, 403, 403, 403, 403, 404, 403)),
    (
        "projects:comment",
        "post",
        "archived_comment",
        _statuses(LOGIN, 403, 403, 403, 403, 404, 403),
    ),
    ("projects:eligibility", "post", "archived", _statuses(LOGIN, 403, 403, 403, 403, 404, 403)),
    ("projects:agreement", "get", "archived", _statuses(LOGIN, 200, 200, 200, 200, 404, 200)),
    (
        "projects:agreement_confirm",
        "post",
        "archived_v1",
        _statuses(LOGIN, 403, 403, 403, 403, 404, 403),
    ),
    (
        "projects:agreement_comment",
        "post",
        "archived_v1c",
        _statuses(LOGIN, 403, 403, 403, 403, 404, 403),
    ),
    (
        "projects:follow_up_done",
        "post",
        "archived_follow_up",
        _statuses(LOGIN, 403, 403, 403, 403, 404, 403),
    ),
    (
        "evaluations:city",
        "post",
        "archived_evaluation",
        _statuses(LOGIN, 403, 404, 403, 403, 404, 403),
    ),
    # A project in 評価中 whose city side has submitted and partner side has not: everyone who
    # takes part reaches the pages (what each may read there is test_it_keeps_the_blind…).
    ("evaluations:overview", "get", "half", _statuses(LOGIN, 200, 404, 200, 200, 404, 200)),
    ("evaluations:compare", "get", "half", _statuses(LOGIN, 200, 404, 200, 200, 404, 200)),
    ("evaluations:partner", "get", "half_partner", _statuses(LOGIN, 200, 404, 403, 200, 404, 200)),
    ("public:detail", "get", "half", _statuses(200, 200, 200, 200, 200, 200, 200)),
]


def _request(world: dict, name: str, kind: str | None):
    """(path, data) for one row of the matrix."""
    project, link = world["project"], world["link"]
    if kind is None:
        return reverse(name), {}
    if kind == "csv":
        return reverse(name, args=["csv"]), {}
    if kind == "form":
        return reverse(name, args=["itaku"]), {}
    if kind == "fields":
        return reverse(name), {"implementation_form": "hojo"}
    if kind == "fields_of_project":
        return reverse(name), {"implementation_form": "hojo", "project": project.pk}
    if kind == "project":
        return reverse(name, args=[project.pk]), {}
    if kind in ("submit", "approve"):
        return reverse(name, args=[project.pk, kind]), {"comment": ""}
    if kind == "v2c":
        return reverse(name, args=[project.pk, 2]), {"body": "意見です"}
    if kind in ("v1", "v2"):
        return reverse(name, args=[project.pk, int(kind[1])]), {}
    if kind == "follow_up":
        return reverse(name, args=[project.pk, world["follow_up"].pk]), {}
    if kind == "archived":
        return reverse(name, args=[world["archived"].pk]), {}
    if kind == "archived_comment":
        return reverse(name, args=[world["archived"].pk]), {"body": "よい取り組みです。"}
    if kind in ("archived_v1", "archived_v1c"):
        return reverse(name, args=[world["archived"].pk, 1]), {"body": "意見です"}
    if kind == "archived_follow_up":
        return reverse(name, args=[world["archived"].pk, world["archived_follow_up"].pk]), {}
    if kind == "archived_evaluation":
        return reverse(name, args=[world["archived_evaluation"].pk]), {"save": "1"}
    if kind == "half":
        return reverse(name, args=[world["half"].pk]), {}
    if kind == "half_partner":
        return reverse(name, args=[world["half"].pk, world["partner_org"].pk]), {}
    if kind == "add":
        return reverse(name, args=[project.pk]), {
            "partner": world["spare_partner"].pk,
            "role": "agreement",
        }
    if kind == "link":
        return reverse(name, args=[project.pk, link.pk]), {}
    if kind == "comment":
        return reverse(name, args=[project.pk]), {"body": "よい取り組みです。"}
    if kind == "partner":
        return reverse(name, args=[world["partner_org"].pk]), {}
    if kind == "archived_partner":
        return reverse(name, args=[world["archived_partner"].pk]), {}
    if kind == "selection":
        return reverse(name, args=[project.pk]), {}
    if kind in ("seat", "candidate", "file"):
        return reverse(name, args=[project.pk, world[kind].pk]), {}
    if kind in ("close_call", "bogus"):
        return reverse(name, args=[project.pk, kind]), {}
    if kind == "evaluating":
        # A draft save (no rating) of the city's evaluation, when the row is a POST.
        return reverse(name, args=[world["evaluating"].pk]), {"save": "1"}
    if kind == "evaluee":
        return reverse(name, args=[world["evaluating"].pk, world["partner_org"].pk]), {"save": "1"}
    if kind == "survey":
        return reverse(name, args=[world["survey"].token]), {}
    if kind == "issue":
        return reverse(name, args=[world["issue"].pk]), {}
    raise AssertionError(kind)


def _personas(department, other_department, partner_org, other_partner_org) -> dict:
    # Names of their own: the world outlives single tests, which make their own "staff".
    coordinators = DepartmentFactory(name="市民自治推進課")
    return {
        "staff": UserFactory(username="matrix-staff", department=department),
        "staff2": UserFactory(username="matrix-staff2", department=other_department),
        "coordinator": UserFactory(
            username="matrix-coordinator", role=User.Role.COORDINATOR, department=coordinators
        ),
        "partner": UserFactory(
            username="matrix-partner", role=User.Role.PARTNER, department=None, partner=partner_org
        ),
        "partner2": UserFactory(
            username="matrix-partner2",
            role=User.Role.PARTNER,
            department=None,
            partner=other_partner_org,
        ),
        "admin": UserFactory(
            username="matrix-admin",
            role=User.Role.ADMIN,
            department=None,
            is_staff=True,
            is_superuser=True,
        ),
        "anonymous": None,
    }


@pytest.fixture(scope="module")
def _media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_root(settings, _media):
    """The world's stored files live in one folder for the whole module."""
    settings.MEDIA_ROOT = _media


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, _media):
    # The world takes ~60 queries and two stored files; the matrix asks it ~600 times. Build
    # it once per module inside a transaction; each test runs in a savepoint within it, and
    # the whole is rolled back at the end so that no other module sees it.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_world_once, db):
    return _world_once


def _build_world() -> dict:
    department = DepartmentFactory(name="環境政策課", bureau="環境部")
    other_department = DepartmentFactory(name="福祉政策課", bureau="福祉部")
    partner_org = PartnerFactory(name="NPO法人 湘南なぎさネット")
    other_partner_org = PartnerFactory(name="茅ヶ崎子ども食堂ネットワーク")
    personas = _personas(department, other_department, partner_org, other_partner_org)
    project = ProjectFactory(
        title="海岸の里親活動",
        department=department,
        status="active",
        disclosure="public",
        publish_agreement_pdf=True,
    )
    ProjectPartnerFactory(project=project, partner=partner_org)
    other_project = ProjectFactory(title="子ども食堂の支援", department=other_department)
    ProjectPartnerFactory(project=other_project, partner=other_partner_org)
    archived = ProjectFactory(title="アーカイブ済みの事業", department=department)
    ProjectPartnerFactory(project=archived, partner=partner_org)
    archived.archived_at = timezone.now()
    archived.save()
    archived_partner = PartnerFactory(name="解散した団体", archived_at=timezone.now())
    # An agreed original (stored PDF) and a draft amendment, made directly: no rendering here.
    agreement = Agreement.objects.create(project=project)
    agreed = AgreementVersion(
        agreement=agreement, number=1, purpose="目的", agreed_at=timezone.now(), pdf_sha256="0" * 64
    )
    agreed.pdf.save("agreement.pdf", ContentFile(b"%PDF-1.4 stored"), save=False)
    agreed.save()
    AgreementVersion.objects.create(agreement=agreement, number=2, purpose="目的")
    consultation = Consultation.objects.create(
        project=project, held_on=date(2025, 5, 1), attendees="市、団体", discussed="進み具合"
    )
    follow_up = FollowUp.objects.create(
        consultation=consultation, task="報告書の下書き", owner=personas["staff"]
    )
    # A selection in 審査中, made directly: the project's own partner applied (with a file), and
    # the panel is one outside member, so no persona has a seat of their own here.
    selection = Selection.objects.create(
        project=project,
        method=Selection.Method.PROPOSAL,
        state=Selection.State.REVIEWING,
        call_start=date(2025, 4, 1),
        call_end=date(2025, 4, 30),
    )
    Criterion.objects.create(selection=selection, viewpoint=Criterion.Viewpoint.FEASIBILITY)
    seat = Reviewer.objects.create(selection=selection, name="外部の委員")
    candidate = Candidate.objects.create(selection=selection, partner=partner_org)
    content = b"%PDF-1.4 proposal"
    stored = ProposalFile(
        candidate=candidate,
        original_name="提案書.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=personas["staff"],
    )
    stored.file.save("proposal.pdf", ContentFile(content), save=False)
    stored.save()
    # The archived project's agreement awaits the partner's confirmation; a follow-up is open.
    archived_agreement = Agreement.objects.create(project=archived)
    AgreementVersion.objects.create(
        agreement=archived_agreement, number=1, purpose="目的", frozen_at=timezone.now()
    )
    archived_consultation = Consultation.objects.create(
        project=archived, held_on=date(2025, 5, 1), attendees="市、団体", discussed="進み具合"
    )
    archived_follow_up = FollowUp.objects.create(
        consultation=archived_consultation, task="名簿の整理", owner=personas["staff"]
    )
    archived_evaluation = ProjectFactory(
        title="評価中にアーカイブした事業",
        department=department,
        status="evaluating",
        archived_at=timezone.now(),
    )
    ProjectPartnerFactory(project=archived_evaluation, partner=partner_org)
    half = ProjectFactory(
        title="市だけが評価した事業",
        department=department,
        status="evaluating",
        disclosure="public",
    )
    ProjectPartnerFactory(project=half, partner=partner_org)
    ProcessEvaluation.objects.create(
        project=half,
        side=ProcessEvaluation.Side.CITY,
        entered_by=personas["staff"],
        submitted_at=timezone.now(),
        **{f"{key}_rating": 1 for key in ITEM_KEYS},
        **{f"{key}_comment": CITY_REMARK for key in ITEM_KEYS},
    )
    evaluating = ProjectFactory(title="評価中の事業", department=department, status="evaluating")
    ProjectPartnerFactory(project=evaluating, partner=partner_org)
    survey = BeneficiarySurvey.objects.create(project=evaluating, is_open=True)
    issue = CityIssue.objects.create(
        title="海岸のごみを減らしたい",
        description="海岸清掃に一緒に取り組める団体を探しています。",
        department=department,
        created_by=personas["staff"],
    )
    return {
        "evaluating": evaluating,
        "survey": survey,
        "issue": issue,
        "seat": seat,
        "candidate": candidate,
        "file": stored,
        "follow_up": follow_up,
        "personas": personas,
        "project": project,
        "link": project.project_partners.get(),
        "archived": archived,
        "archived_follow_up": archived_follow_up,
        "archived_evaluation": archived_evaluation,
        "half": half,
        "partner_org": partner_org,
        "spare_partner": PartnerFactory(name="新しく加わる団体"),
        "archived_partner": archived_partner,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kind", "expected"),
    MATRIX,
    ids=[f"{row[0]}-{row[2] or 'plain'}" for row in MATRIX],
)
def test_it_gives_each_role_the_status_it_must(client, world, role, name, method, kind, expected):
    user = world["personas"][role]
    if user is not None:
        client.force_login(user)
    path, data = _request(world, name, kind)
    response = getattr(client, method)(path, data)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the stored file
    assert response.status_code == expected[role], f"{role} {method.upper()} {path}"
    if expected[role] == LOGIN and role == "anonymous" and name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))


POST_ONLY = [
    "partners:issue_close",
    "partners:issue_interest",
    "projects:import_confirm",
    "projects:agreement_start",
    "projects:agreement_amend",
    "projects:agreement_freeze",
    "projects:agreement_confirm",
    "projects:follow_up_done",
    "projects:agreement_comment",
    "projects:agreement_comments_toggle",
    "projects:restore",
    "projects:partner_add",
    "projects:comment",
    "projects:transition",
    "partners:restore",
    "selection:reviewer_remove",
    "selection:file_archive",
    "selection:transition",
]


@pytest.mark.parametrize("name", POST_ONLY)
def test_it_refuses_get_on_actions_that_change_things(client, world, name):
    client.force_login(world["personas"]["admin"])
    kind = next(row[2] for row in MATRIX if row[0] == name)
    path, _ = _request(world, name, kind)
    assert client.get(path).status_code == 405


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin guards itself (is_staff)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_it_covers_every_named_url():
    covered = {row[0] for row in MATRIX}
    missing = sorted(set(_named_urls()) - covered)
    assert not missing, f"add these URLs to MATRIX: {missing}"


def test_it_does_not_let_staff_remove_a_partner_of_another_project(
    client, staff, project, other_project
):
    client.force_login(staff)
    other_link = other_project.project_partners.get()
    url = reverse("projects:partner_remove", args=[project.pk, other_link.pk])
    assert client.post(url).status_code == 404
    assert other_project.project_partners.count() == 1


def test_it_shows_a_partner_only_the_projects_of_its_organisation(
    client, partner2_user, project, other_project
):
    client.force_login(partner2_user)
    html = client.get(reverse("projects:list")).content.decode()
    assert other_project.title in html
    assert project.title not in html


def test_it_shows_a_partner_only_its_own_organisation_in_the_directory(
    client, partner_user, partner_org, other_partner_org
):
    client.force_login(partner_user)
    html = client.get(reverse("partners:list")).content.decode()
    assert partner_org.name in html
    assert other_partner_org.name not in html


def test_it_keeps_comments_and_history_from_partners(client, partner_user, coordinator, project):
    from projects.services.project import comment_add

    comment_add(project=project, by=coordinator, body="内部向けの助言です")
    client.force_login(partner_user)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert project.title in html
    assert "内部向けの助言です" not in html
    assert "変更の履歴" not in html
    client.force_login(coordinator)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "内部向けの助言です" in html


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_the_blind_of_a_half_submitted_evaluation(client, world, role):
    """The city's ratings of `half` reach the city's side only, until the partner submits."""
    user = world["personas"][role]
    if user is not None:
        client.force_login(user)
    half = world["half"]
    city_side = role in ("staff", "coordinator", "admin")
    pages = {reverse("public:detail", args=[half.pk]): False}
    if city_side or role == "partner":
        pages[reverse("evaluations:overview", args=[half.pk])] = city_side
        pages[reverse("evaluations:compare", args=[half.pk])] = False
    for path, shows_remark in pages.items():
        html = client.get(path).content.decode()
        assert (CITY_REMARK in html) == shows_remark, path
        assert "協働の進め方の評価（" not in html  # no average anywhere yet
