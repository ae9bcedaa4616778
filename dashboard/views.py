"""The dashboard: each role's starting page."""

from django.db.models import Count, Exists, F, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from evaluations.models import ProcessEvaluation
from kyodo import fiscal
from kyodo.rules import is_coordinator, is_department_staff, is_partner_user
from projects.models import AgreementVersion, FollowUp, Project, Status
from selection.models import Reviewer, Selection


def _status_counts(queryset) -> list[tuple[str, str, int]]:
    counts = dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


@require_GET
def dashboard(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "dashboard/welcome.html")
    year = fiscal.current_fiscal_year()
    visible = Project.objects.visible_to(user).active()
    context = {"year": year}
    if is_department_staff(user):
        mine = visible.filter(department_id=user.department_id)
        counts = dict(mine.values_list("status").annotate(n=Count("pk")).order_by())
        base = reverse("projects:list") + f"?department={user.department_id}&status="
        context["waiting"] = [
            (label, counts.get(status, 0), base + status)
            for status, label in (
                (Status.RETURNED, "差し戻された事業（直して再提出）"),
                (Status.DRAFT, "下書きの事業（審査に出す前）"),
                (Status.APPROVED, "承認済みで、実施を始められる事業"),
                (Status.EVALUATING, "評価と完了の手続きを待つ事業"),
            )
        ]
        context.update(
            heading=f"{user.department.name}の協働事業",
            status_counts=_status_counts(mine.filter(fiscal_year=year)),
            projects=mine.for_list().order_by("-updated_at")[:10],
            list_query=f"department={user.department_id}",
        )
    elif is_partner_user(user):
        waiting_versions = (
            AgreementVersion.objects.filter(
                agreement__project__in=visible, frozen_at__isnull=False, agreed_at__isnull=True
            )
            .exclude(confirmations__party_key=f"partner:{user.partner_id}")
            .select_related("agreement__project")
        )
        context["waiting"] = [
            (
                f"協定の確認を待っています: {v.agreement.project.title}（{v.label}）",
                1,
                reverse("projects:agreement", args=[v.agreement.project_id]),
            )
            for v in waiting_versions
        ]
        waiting_evaluations = (
            visible.filter(status=Status.EVALUATING)
            .exclude(
                Exists(
                    ProcessEvaluation.objects.filter(
                        project=OuterRef("pk"),
                        partner_id=user.partner_id,
                        submitted_at__isnull=False,
                    )
                )
            )
            .order_by("title")
        )
        context["waiting"] += [
            (
                f"協働の評価の入力を待っています: {p.title}",
                1,
                reverse("evaluations:partner", args=[p.pk, user.partner_id]),
            )
            for p in waiting_evaluations
        ]
        context.update(
            heading=f"{user.partner.name}が参加している協働事業",
            projects=visible.for_list().order_by("-fiscal_year", "title")[:20],
        )
    else:
        if is_coordinator(user) or user.has_perm("projects.view_review_queue"):
            waiting = visible.filter(status=Status.SUBMITTED).count()
            context["waiting"] = [("審査を待っている事業", waiting, reverse("review"))]
        context.update(
            heading="すべての課の協働事業",
            status_counts=_status_counts(visible.filter(fiscal_year=year)),
            projects=visible.for_list().order_by("-updated_at")[:10],
            submitted=visible.filter(status=Status.SUBMITTED).for_list()[:10]
            if is_coordinator(user)
            else None,
        )
    if not is_partner_user(user):
        # A seat on a selection panel whose sheet is still to be submitted.
        seats = Reviewer.objects.filter(
            user=user,
            submitted_at__isnull=True,
            selection__state=Selection.State.REVIEWING,
            selection__project__archived_at__isnull=True,
        ).select_related("selection__project")
        context.setdefault("waiting", [])
        context["waiting"] += [
            (
                f"パートナー選定の採点: {seat.selection.project.title}",
                1,
                reverse("selection:score_sheet", args=[seat.selection.project_id, seat.pk]),
            )
            for seat in seats
        ]
    context["follow_ups"] = (
        FollowUp.objects.filter(owner=user, done=False, consultation__project__in=visible)
        .select_related("consultation__project")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:20]
    )
    return render(request, "dashboard/index.html", context)
