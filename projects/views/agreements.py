"""Agreement pages: drafting, versions, confirmation, comparison, PDF; and consultations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo import audit
from kyodo.downloads import pdf_response
from kyodo.models import AuditEvent, User
from kyodo.pages import cleaned, expected_version, form_page, run_action
from kyodo.services import DomainError
from projects.forms.agreements import (
    AgreementVersionForm,
    ConsultationForm,
    FollowUpFormSet,
    rows,
    table_formsets,
)
from projects.forms.project import CommentForm
from projects.models import Agreement, AgreementVersion, Consultation, FollowUp
from projects.permissions import (
    agreement_party_key,
    get_project_for,
    why_not_comment,
    why_not_confirm,
    why_not_finish_follow_up,
)
from projects.policy import spec_for
from projects.services import agreements


def _version(project, number: int) -> AgreementVersion:
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement"),
        agreement__project=project,
        number=number,
    )
    version.agreement.project = project
    return version


def _log_read(request, version: AgreementVersion, what: str) -> None:
    """Note in the audit log that the user read this version (the security policy asks)."""
    draft = "" if version.is_agreed else "・案"
    audit.record(
        AuditEvent.Action.READ_AGREEMENT,
        request=request,
        obj=version,
        detail=f"{what}（第{version.number}版{draft}）",
    )


def _confirmation_status(project, version: AgreementVersion | None) -> list[dict]:
    if version is None:
        return []
    done = {c.party_key: c for c in version.confirmations.select_related("by")}
    rows = [{"party": p, "confirmation": done.get(p.key)} for p in agreements.parties(project)]
    if version.is_agreed:
        # A partner who joined later was never a party to this version.
        rows = [row for row in rows if row["confirmation"]]
    return rows


@login_required
@require_GET
def agreement_detail(request, pk: int):
    project = get_project_for(request.user, pk)
    agreement = Agreement.objects.filter(project=project).first()
    if agreement is not None:
        agreement.project = project
    versions = list(agreement.versions.order_by("-number")) if agreement else []
    current = versions[0] if versions else None
    number = request.GET.get("v")
    if number and number.isdigit():
        current = next((v for v in versions if v.number == int(number)), current)
    key = agreement_party_key(request.user, project)
    context = {
        "project": project,
        "spec": spec_for(project.implementation_form),
        "agreement": agreement,
        "versions": versions,
        "current": current,
        "agreed": agreements.latest_agreed(agreement),
        "confirmations": _confirmation_status(project, current),
        "my_party": key,
        "confirm_refusal": why_not_confirm(request.user, current) if current else None,
        "gaps": agreements.freeze_gaps(current) if current and current.is_draft else [],
        "version_comments": current.comments.select_related("author__partner") if current else [],
        "comment_refusal": why_not_comment(request.user, current) if current else None,
    }
    if current is None:
        return render(request, "projects/agreement.html", context)
    context.update(agreements.agreement_pdf_context(current, draft=True))
    response = render(request, "projects/agreement.html", context)
    _log_read(request, current, "協定の画面")
    return response


@login_required
@require_POST
def agreement_start(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.edit_agreement")
    try:
        version = agreements.agreement_start(project=project, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("projects:agreement", project.pk)
    messages.success(request, "協定の案を作りました。各項目を入力してください。")
    return redirect("projects:agreement_edit", project.pk, version.number)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int, number: int):
    project = get_project_for(request.user, pk, perm="projects.edit_agreement")
    version = _version(project, number)
    if not version.is_draft:
        messages.error(
            request, "確定した版は変更できません。変更するときは変更協定を作ってください。"
        )
        return redirect("projects:agreement", project.pk)
    data = request.POST if request.method == "POST" else None
    form = AgreementVersionForm(data, instance=version)
    tables = table_formsets(version, data)
    return form_page(
        request,
        form,
        also=tables.values(),
        save=lambda: agreements.agreement_version_save(
            version=version,
            by=request.user,
            expected_version=expected_version(form),
            data=cleaned(form),
            roles=rows(tables["roles"]),
            costs=rows(tables["costs"]),
            milestones=rows(tables["milestones"]),
        ),
        done="協定の案を保存しました。",
        then=reverse("projects:agreement", args=[project.pk]),
        template="projects/agreement_form.html",
        context={"project": project, "version": version, **tables},
    )


def _act(request, pk: int, number: int, perm: str, action, done: str):
    project = get_project_for(request.user, pk, perm=perm)
    version = _version(project, number)
    return run_action(
        request,
        lambda: action(version=version, by=request.user),
        done=done,
        then=reverse("projects:agreement", args=[project.pk]),
    )


@login_required
@require_POST
def agreement_freeze(request, pk: int, number: int):
    return _act(
        request,
        pk,
        number,
        "projects.edit_agreement",
        agreements.agreement_freeze,
        "案を確定しました。各当事者の確認を待っています。",
    )


@login_required
@require_POST
def agreement_unfreeze(request, pk: int, number: int):
    return _act(
        request,
        pk,
        number,
        "projects.edit_agreement",
        agreements.agreement_unfreeze,
        "編集に戻しました。確認はやり直しになります。",
    )


@login_required
@require_POST
def agreement_confirm(request, pk: int, number: int):
    return _act(
        request,
        pk,
        number,
        "projects.confirm_agreement",
        agreements.agreement_confirm,
        "協定の内容を確認しました。",
    )


@login_required
@require_POST
def agreement_amend(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.edit_agreement")
    agreement = get_object_or_404(Agreement, project=project)
    try:
        version = agreements.agreement_amend(agreement=agreement, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("projects:agreement", project.pk)
    messages.success(
        request, f"{version.label}の案を作りました。変更の理由と内容を入力してください。"
    )
    return redirect("projects:agreement_edit", project.pk, version.number)


@login_required
@require_GET
def agreement_version_pdf(request, pk: int, number: int):
    project = get_project_for(request.user, pk)
    version = _version(project, number)
    if version.is_agreed and version.pdf:
        # Served as stored: what was agreed is what is printed. Small enough to read whole.
        with version.pdf.open("rb") as stored:
            response = pdf_response(f"agreement-{project.pk}-v{number}.pdf", stored.read())
    else:
        response = pdf_response(
            f"agreement-{project.pk}-v{number}-draft.pdf", agreements.draft_pdf(version)
        )
    _log_read(request, version, "協定書PDF")
    return response


@login_required
@require_GET
def agreement_pdf(request, pk: int):
    project = get_project_for(request.user, pk)
    agreed = agreements.latest_agreed(Agreement.objects.filter(project=project).first())
    if agreed is None:
        raise Http404("合意済みの協定はまだありません。")
    return agreement_version_pdf(request, pk, agreed.number)


@login_required
@require_GET
def agreement_compare(request, pk: int):
    project = get_project_for(request.user, pk)
    agreement = get_object_or_404(Agreement, project=project)
    agreement.project = project
    versions = list(agreement.versions.order_by("number"))
    if len(versions) < 2:
        raise Http404
    try:
        a = int(request.GET.get("a", versions[-2].number))
        b = int(request.GET.get("b", versions[-1].number))
    except ValueError as exc:
        raise Http404 from exc
    old = next((v for v in versions if v.number == a), None)
    new = next((v for v in versions if v.number == b), None)
    if old is None or new is None:
        raise Http404
    response = render(
        request,
        "projects/agreement_compare.html",
        {
            "project": project,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": agreements.version_diff(old, new),
        },
    )
    _log_read(request, new, f"第{old.number}版と比べた協定")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def consultations(request, pk: int):
    project = get_project_for(request.user, pk)
    can_record = request.user.has_perm("projects.record_consultation", project)
    owners = User.objects.filter(is_active=True).filter(
        Q(department_id=project.department_id) | Q(partner__project_links__project=project)
    )
    form = follow_ups = None
    if can_record:
        data = request.POST if request.method == "POST" else None
        form = ConsultationForm(data)
        follow_ups = FollowUpFormSet(
            data, prefix="follow", form_kwargs={"owners": owners.distinct()}
        )
        if data is not None and form.is_valid() and follow_ups.is_valid():
            tasks = [f.cleaned_data for f in follow_ups.forms if f.cleaned_data]
            try:
                consultation = agreements.consultation_record(
                    project=project, by=request.user, data=form.cleaned_data, follow_ups=tasks
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "協議の記録を保存しました。")
                if consultation.proposes_change:
                    messages.info(
                        request,
                        "協定の変更を提案しました。協定のページで変更協定の案を作れます。",
                    )
                return redirect("projects:consultations", project.pk)
    elif request.method == "POST":
        get_project_for(request.user, pk, perm="projects.record_consultation")
    items = list(
        Consultation.objects.filter(project=project)
        .select_related("created_by")
        .prefetch_related("follow_ups__owner")
    )
    for item in items:
        item.project = project  # the follow-ups' permission reads it
    return render(
        request,
        "projects/consultations.html",
        {"project": project, "items": items, "form": form, "follow_ups": follow_ups},
    )


@login_required
@require_POST
def follow_up_done(request, pk: int, follow_up_pk: int):
    project = get_project_for(request.user, pk)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_pk, consultation__project=project)
    follow_up.consultation.project = project
    if not request.user.has_perm("projects.finish_follow_up", follow_up):
        raise PermissionDenied(why_not_finish_follow_up(request.user, follow_up))
    return run_action(
        request,
        lambda: agreements.follow_up_done(follow_up=follow_up, by=request.user),
        done=f"宿題「{follow_up.task}」を済みにしました。",
        then=reverse("projects:consultations", args=[project.pk]),
    )


@login_required
@require_POST
def agreement_comments_toggle(request, pk: int, number: int):
    project = get_project_for(request.user, pk, perm="projects.edit_agreement")
    version = _version(project, number)
    open_ = request.POST.get("open") == "1"
    return run_action(
        request,
        lambda: agreements.agreement_set_comments(version=version, by=request.user, open_=open_),
        done="パートナーの意見を受け付けます。" if open_ else "意見の受付を終えました。",
        then=reverse("projects:agreement", args=[project.pk]),
    )


@login_required
@require_POST
def agreement_comment(request, pk: int, number: int):
    project = get_project_for(request.user, pk, perm="projects.confirm_agreement")
    version = _version(project, number)
    form = CommentForm(request.POST)
    form.is_valid()  # shared_with_partner is not asked: agreement comments are shared
    try:
        if "body" in form.errors:
            raise DomainError(" ".join(form.errors["body"]))
        agreements.agreement_comment(
            version=version, by=request.user, body=form.cleaned_data["body"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "意見を書き込みました。")
    return redirect(f"{reverse('projects:agreement', args=[project.pk])}?v={number}#comments")
