"""Project pages. Views parse, call one service, render; rules live elsewhere."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo.display import record_rows
from kyodo.forms import conflict_rows
from kyodo.history import history_entries
from kyodo.services import ConflictError, DomainError
from projects import services
from projects.exports import projects_csv, projects_xlsx
from projects.forms import (
    AddPartnerForm,
    ArchiveForm,
    CommentForm,
    ProjectFilter,
    ProjectForm,
    detail_form_for,
)
from projects.models import Project, ProjectPartner
from projects.permissions import get_project_for
from projects.policy import POLICY, all_specs, spec_for


def _filtered(request) -> ProjectFilter:
    queryset = Project.objects.visible_to(request.user).for_list()
    return ProjectFilter(request.GET, queryset=queryset, user=request.user)


@login_required
@require_GET
def project_list(request):
    project_filter = _filtered(request)
    page = Paginator(project_filter.qs, settings.KYODO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {"filter": project_filter, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def project_export(request, fmt: str):
    if not request.user.has_perm("projects.export_project"):
        raise PermissionDenied
    queryset = _filtered(request).qs
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        body, content_type = projects_csv(queryset), "text/csv; charset=utf-8"
    else:
        body = projects_xlsx(queryset)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kyodo-projects-{stamp}.{fmt}"'
    return response


@login_required
@require_GET
def project_choose_form(request):
    if not request.user.has_perm("projects.add_project"):
        raise PermissionDenied
    if request.GET.get("form") in POLICY:
        return redirect("projects:create", request.GET["form"])
    return render(request, "projects/choose_form.html", {"specs": all_specs()})


def _detail_instance(project: Project | None, form_code: str):
    if project is None or project.pk is None:
        return None
    return spec_for(form_code).detail_model.objects.filter(project=project).first()


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request, form_code: str):
    if form_code not in POLICY:
        raise Http404
    if not request.user.has_perm("projects.add_project"):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(
        data, user=request.user, initial={"implementation_form": form_code}, instance=Project()
    )
    chosen = request.POST.get("implementation_form", form_code) if data else form_code
    chosen = chosen if chosen in POLICY else form_code
    detail_form = detail_form_for(chosen, data=data)
    if request.method == "POST" and form.is_valid() and detail_form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            project = services.project_create(
                by=request.user, data=data, detail_data=detail_form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"「{project.title}」を登録しました。")
            return redirect("projects:detail", project.pk)
    return render(
        request,
        "projects/form.html",
        {"form": form, "detail_form": detail_form, "spec": spec_for(chosen), "project": None},
    )


def _detail_page(request, project: Project, **forms):
    spec = spec_for(project.implementation_form)
    detail = services.project_detail(project)
    detail_rows = []
    if detail is not None:
        names = list(detail_form_for(project.implementation_form, instance=detail).fields)
        detail_rows = record_rows(detail, names)
    internal = request.user.has_perm("projects.view_internal_notes")
    history = internal and history_entries(
        project.history.all(),
        ProjectPartner.history.filter(project_id=project.pk),
        spec.detail_model.history.filter(project_id=project.pk),
    )
    context = {
        "show_internal": internal,
        "project": project,
        "spec": spec,
        "detail_rows": detail_rows,
        "partners": project.project_partners.all(),
        "successors": project.successors.visible_to(request.user).order_by("fiscal_year"),
        "history": history,
        "comments": project.comments.select_related("author") if internal else [],
        "comment_form": forms.get("comment_form") or CommentForm(),
        "add_partner_form": forms.get("add_partner_form") or AddPartnerForm(project=project),
    }
    return render(request, "projects/detail.html", context, status=400 if forms else 200)


@login_required
@require_GET
def project_detail(request, pk: int):
    return _detail_page(request, get_project_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.change_project")
    data = request.POST if request.method == "POST" else None
    form = ProjectForm(data, user=request.user, instance=project)
    chosen = project.implementation_form
    if data and data.get("implementation_form") in POLICY:
        chosen = data["implementation_form"]
    detail_form = detail_form_for(chosen, data=data, instance=_detail_instance(project, chosen))
    conflict = None
    if request.method == "POST" and form.is_valid() and detail_form.is_valid():
        cleaned = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                services.project_update(
                    project=Project.objects.get(pk=project.pk),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    data=cleaned,
                    detail_data=detail_form.cleaned_data,
                )
        except ConflictError as exc:
            conflict = conflict_rows(form, exc.current)
            form.add_error(None, str(exc))
            form.take_current_version(exc.current.version)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "変更を保存しました。")
            return redirect("projects:detail", project.pk)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "detail_form": detail_form,
            "spec": spec_for(chosen),
            "project": project,
            "conflict": conflict,
        },
    )


@login_required
@require_GET
def project_detail_fields(request):
    """The detail fieldset of one 実施形態, swapped in by htmx when the form select changes."""
    form_code = request.GET.get("implementation_form", "")
    if form_code not in POLICY:
        raise Http404
    project = None
    if request.GET.get("project"):
        try:
            project = get_project_for(
                request.user, int(request.GET["project"]), perm="projects.change_project"
            )
        except ValueError as exc:
            raise Http404 from exc
    elif not request.user.has_perm("projects.add_project"):
        raise PermissionDenied
    detail_form = detail_form_for(form_code, instance=_detail_instance(project, form_code))
    return render(
        request,
        "includes/detail_fields.html",
        {"detail_form": detail_form, "spec": spec_for(form_code)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_archive(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.archive_project")
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_archive(
                project=project, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"「{project.title}」をアーカイブしました。記録は残っています。"
            )
            return redirect("projects:detail", project.pk)
    return render(request, "projects/archive.html", {"project": project, "form": form})


@login_required
@require_POST
def project_restore(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.restore_project")
    services.project_restore(project=project, by=request.user)
    messages.success(request, f"「{project.title}」を元に戻しました。")
    return redirect("projects:detail", project.pk)


@login_required
@require_POST
def project_partner_add(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.change_project")
    form = AddPartnerForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.project_add_partner(project=project, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['partner'].name} を追加しました。")
    else:
        return _detail_page(request, project, add_partner_form=form)
    return redirect("projects:detail", project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_partner_remove(request, pk: int, link_pk: int):
    project = get_project_for(request.user, pk, perm="projects.change_project")
    link = get_object_or_404(
        ProjectPartner.objects.select_related("partner"), pk=link_pk, project=project
    )
    if request.method == "POST":
        services.project_remove_partner(link=link, by=request.user)
        messages.success(request, f"{link.partner.name} をこの事業のパートナーから外しました。")
        return redirect("projects:detail", project.pk)
    return render(request, "projects/partner_remove.html", {"project": project, "link": link})


@login_required
@require_POST
def project_comment(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.comment_project")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(project=project, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, "コメントを書き込みました。")
        return redirect(f"{project.get_absolute_url()}#comments")
    return _detail_page(request, project, comment_form=form)
