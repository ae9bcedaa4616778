"""Partner selection pages: the call, the panel, applications, score sheets, ranking, decision."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo import audit
from kyodo.downloads import pdf_response
from kyodo.history import history_entries
from kyodo.models import AuditEvent
from kyodo.pages import cleaned, expected_version, run_action, submit_form
from kyodo.pdf import render_pdf
from kyodo.services import DomainError
from projects.permissions import get_project_for, why_not_change_parties
from projects.policy import Need, Step, spec_for
from projects.steps import step_context
from selection import services as services
from selection.forms import (
    CandidateEditForm,
    CandidateForm,
    DecideForm,
    ProposalFileForm,
    ReviewerForm,
    ScoreSheetForm,
    SelectionForm,
    criteria_formset,
    criteria_rows,
)
from selection.models import Candidate, ProposalFile, Reviewer, Score, Selection
from selection.permissions import get_selection_for, sees_all_scores
from selection.scoring import ranking, reviewer_totals


def _frame(project) -> dict:
    return step_context(project, Step.SELECTION)


def _back(selection: Selection):
    return redirect("selection:overview", selection.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def overview(request, pk: int):
    project = get_project_for(request.user, pk)
    if not request.user.has_perm("selection.view_selection"):
        raise Http404
    selection = (
        Selection.objects.select_related("chosen_partner", "decided_by")
        .prefetch_related("reviewers__user")
        .filter(project=project)
        .first()
    )
    if selection is not None:
        selection.project = project
        can_manage = request.user.has_perm("selection.manage_selection", selection)
    else:
        can_manage = request.user.has_perm("projects.change_steps", project)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = conflict = None
    not_needed = spec_for(project.implementation_form).steps[Step.SELECTION] == Need.NOT_APPLICABLE
    if can_manage and not (not_needed and selection is None):
        form = SelectionForm(request.POST or None, instance=selection)
        posted = submit_form(
            request,
            form,
            lambda: services.selection_save(
                project=project,
                by=request.user,
                expected_version=expected_version(form),
                data=cleaned(form),
            ),
        )
        if posted.saved:
            messages.success(request, "選定の記録を保存しました。")
            return redirect("selection:overview", project.pk)
        conflict = posted.conflict
    context = {
        **_frame(project),
        "selection": selection,
        "form": form,
        "conflict": conflict,
        "not_needed": not_needed,
        "document": spec_for(project.implementation_form).document,
    }
    context["can_manage"] = can_manage
    if selection is not None:
        context.update(_overview_context(request.user, selection))
    return render(request, "selection/overview.html", context)


def _overview_context(user, selection: Selection) -> dict:
    reviewers = list(selection.reviewers.all())
    can_read = user.has_perm("selection.view_proposals", selection)
    context = {
        "criteria": list(selection.criteria.all()),
        "reviewers": reviewers,
        "my_seat": next((r for r in reviewers if r.user_id == user.pk), None),
        "can_read": can_read,
        "candidates": [],
        "decide_gaps": services.decide_gaps(selection),
        "start_gaps": services.start_gaps(selection),
        "scoring_started": services.scoring_started(selection),
        "history": history_entries(selection.history.all()),
    }
    context["can_score_for"] = [r for r in reviewers if user.has_perm("selection.score_sheet", r)]
    if can_read:
        context["candidates"] = list(
            selection.candidates.select_related("partner").prefetch_related("files")
        )
        context["sees_scores"] = sees_all_scores(user, selection)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    formset = criteria_formset(selection, request.POST or None)
    version = selection.version
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        if formset.is_valid():
            try:
                services.criteria_save(
                    selection=selection,
                    by=request.user,
                    expected_version=version,
                    rows=criteria_rows(formset),
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "審査基準を保存しました。")
                return _back(selection)
    context = {**_frame(selection.project), "selection": selection, "formset": formset}
    context["version"] = version
    return render(request, "selection/criteria.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reviewers(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    form = ReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer = services.reviewer_add(
                selection=selection, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{reviewer.display_name}さんを審査委員に加えました。")
            return redirect("selection:reviewers", pk)
    context = {
        **_frame(selection.project),
        "selection": selection,
        "form": form,
        "reviewers": list(selection.reviewers.all()),
    }
    return render(request, "selection/reviewers.html", context)


@login_required
@require_POST
def reviewer_remove(request, pk: int, reviewer_pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    reviewer = get_object_or_404(Reviewer, pk=reviewer_pk, selection=selection)
    return run_action(
        request,
        lambda: services.reviewer_remove(reviewer=reviewer, by=request.user),
        done=f"{reviewer.display_name}さんを審査委員から外しました。",
        then=reverse("selection:reviewers", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_add(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_add(
                selection=selection,
                by=request.user,
                partner=form.cleaned_data.get("partner"),
                new_partner=form.new_partner(),
                proposal_summary=form.cleaned_data["proposal_summary"],
                applied_on=form.cleaned_data["applied_on"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"「{candidate.partner.name}」を登録しました。提案書のファイルを添付できます。",
            )
            return redirect("selection:candidate", pk, candidate.pk)
    context = {**_frame(selection.project), "selection": selection, "form": form}
    return render(request, "selection/candidate_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request, pk: int, candidate_pk: int):
    perm = "selection.manage_selection" if request.method == "POST" else "selection.view_proposals"
    selection = get_selection_for(request.user, pk, perm=perm)
    candidate = get_object_or_404(
        Candidate.objects.select_related("partner"), pk=candidate_pk, selection=selection
    )
    can_manage = (
        request.user.has_perm("selection.manage_selection", selection) and not selection.is_decided
    )
    action = request.POST.get("action")
    edit_form = CandidateEditForm(
        request.POST if action == "edit" else None, instance=candidate, prefix="edit"
    )
    file_form = ProposalFileForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
        prefix="upload",
    )
    posted = submit_form(
        request,
        edit_form if action == "edit" else None,
        lambda: services.candidate_update(
            candidate=Candidate.objects.get(pk=candidate.pk),
            by=request.user,
            expected_version=expected_version(edit_form),
            data=cleaned(edit_form),
        ),
    )
    conflict = posted.conflict
    if posted.saved:
        messages.success(request, "提案の内容を保存しました。")
        return redirect("selection:candidate", pk, candidate.pk)
    if action == "upload" and file_form.is_valid():
        try:
            stored = services.proposal_file_add(
                candidate=candidate, by=request.user, upload=file_form.cleaned_data["file"]
            )
        except (DomainError, ValidationError) as exc:
            file_form.add_error(
                "file", exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            )
        else:
            messages.success(request, f"「{stored.original_name}」を添付しました。")
            return redirect("selection:candidate", pk, candidate.pk)
    context = {
        **_frame(selection.project),
        "selection": selection,
        "candidate": candidate,
        "files": candidate.files.filter(archived_at__isnull=True).select_related("uploaded_by"),
        "can_manage": can_manage,
        "edit_form": edit_form,
        "file_form": file_form,
        "conflict": conflict,
        "history": history_entries(candidate.history.all()),
    }
    return render(request, "selection/candidate.html", context)


@login_required
@require_GET
def proposal_file(request, pk: int, file_pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.view_proposals")
    stored = get_object_or_404(
        ProposalFile.objects.select_related("candidate__partner"),
        pk=file_pk,
        candidate__selection=selection,
    )
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_inline,
        filename=stored.original_name,
    )
    if stored.is_inline:
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.original_name)}"
    # Uploaded content never runs as part of this site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    audit.record(
        AuditEvent.Action.DOWNLOAD_FILE,
        request=request,
        obj=stored,
        detail=f"提案書ファイル（{stored.candidate.partner.name}）",
    )
    return response


@login_required
@require_POST
def proposal_file_archive(request, pk: int, file_pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    stored = get_object_or_404(ProposalFile, pk=file_pk, candidate__selection=selection)
    return run_action(
        request,
        lambda: services.proposal_file_archive(stored=stored, by=request.user),
        done=f"「{stored.original_name}」を一覧から外しました。記録は残っています。",
        then=reverse("selection:candidate", args=[pk, stored.candidate_id]),
    )


TRANSITIONS = {
    "open_call": (services.selection_open_call, "募集を始めました。"),
    "close_call": (services.selection_close_call, "募集を締め切りました。審査委員が採点できます。"),
}


@login_required
@require_POST
def transition(request, pk: int, name: str):
    if name not in TRANSITIONS:
        raise Http404
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    service, done = TRANSITIONS[name]
    return run_action(
        request,
        lambda: service(selection=selection, by=request.user),
        done=done,
        then=reverse("selection:overview", args=[selection.project_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request, pk: int, reviewer_pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.view_proposals")
    reviewer = get_object_or_404(
        Reviewer.objects.select_related("user"), pk=reviewer_pk, selection=selection
    )
    reviewer.selection = selection
    may_score = request.user.has_perm("selection.score_sheet", reviewer)
    if not may_score and not sees_all_scores(request.user, selection):
        raise PermissionDenied("ご自分の採点を提出するまで、ほかの委員の採点は見られません。")
    if request.method == "POST" and not may_score:
        raise PermissionDenied
    # A sheet sent after the call closed or the decision was made is refused by the service
    # with its reason, and shown again as typed: nothing the reviewer wrote is lost.
    editable = may_score and (
        selection.state == Selection.State.REVIEWING or request.method == "POST"
    )
    candidates = list(selection.candidates.select_related("partner"))
    criteria_list = list(selection.criteria.all())
    form = ScoreSheetForm(
        request.POST or None,
        reviewer=reviewer,
        candidates=candidates,
        criteria=criteria_list,
        scores=list(Score.objects.filter(reviewer=reviewer)),
    )
    submit = "submit" in request.POST
    posted = submit_form(
        request,
        form,
        lambda: services.score_sheet_save(
            reviewer=reviewer,
            by=request.user,
            expected_version=expected_version(form),
            cells=form.cells(),
            submit=submit,
        ),
    )
    conflict = posted.conflict
    if posted.saved and submit:
        messages.success(request, "採点を提出しました。ほかの委員の採点と合計を見られます。")
        return redirect("selection:ranking", pk)
    if posted.saved:
        messages.success(request, "採点を下書きとして保存しました。提出はまだです。")
        return redirect("selection:score_sheet", pk, reviewer.pk)
    own_totals = {}
    if not form.is_bound or form.is_valid():
        own_totals = {cand: total for (_r, cand), total in reviewer_totals([reviewer.pk]).items()}
    context = {
        **_frame(selection.project),
        "selection": selection,
        "reviewer": reviewer,
        "form": form,
        "editable": editable,
        "conflict": conflict,
        "rows": [(cand, cells, own_totals.get(cand.pk)) for cand, cells in form.rows()],
        "criteria": criteria_list,
        "max_total": sum(c.weighted_max for c in criteria_list),
    }
    return render(request, "selection/score_sheet.html", context)


@login_required
@require_GET
def ranking_page(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.view_proposals")
    visible = sees_all_scores(request.user, selection)
    context = {**_frame(selection.project), "selection": selection, "visible": visible}
    if visible:
        context["ranking"] = ranking(selection, reviewers=list(selection.reviewers.all()))
    else:
        context["my_seat"] = next(
            r for r in selection.reviewers.all() if r.user_id == request.user.pk
        )
    return render(request, "selection/ranking.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.manage_selection")
    result = (
        ranking(selection, reviewers=list(selection.reviewers.all()))
        if selection.is_competitive
        else None
    )
    form = DecideForm(request.POST or None, selection=selection, ranking=result)
    if request.method == "POST" and form.is_valid():
        try:
            services.selection_decide(selection=selection, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"「{form.cleaned_data['candidate'].partner.name}」に決めました。事業のパートナーに加わりました。",
            )
            return _back(selection)
    context = {
        **_frame(selection.project),
        "selection": selection,
        "form": form,
        "ranking": result,
        "gaps": services.decide_gaps(selection),
        "parties_refusal": why_not_change_parties(selection.project),
    }
    return render(request, "selection/decide.html", context)


@login_required
@require_GET
def record_pdf(request, pk: int):
    selection = get_selection_for(request.user, pk, perm="selection.view_proposals")
    if not sees_all_scores(request.user, selection):
        raise PermissionDenied("ご自分の採点を提出するまで、審査結果表は見られません。")
    pdf = render_pdf("pdf/selection_record.html", services.record_context(selection))
    response = pdf_response(f"selection-{selection.project_id}.pdf", pdf)
    audit.record(
        AuditEvent.Action.DOWNLOAD_FILE, request=request, obj=selection, detail="審査結果表PDF"
    )
    return response
