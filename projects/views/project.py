"""Project pages. Views parse, call one service, render; rules live elsewhere."""

import copy

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo import fiscal
from kyodo.display import record_rows
from kyodo.downloads import XLSX_TYPE, csv_response
from kyodo.history import history_entries
from kyodo.models import Department
from kyodo.pages import cleaned, expected_version, form_page, run_action
from kyodo.pagination import paginate
from kyodo.services import DomainError
from partners.sections import Section
from projects.exports import COLUMNS, project_rows, projects_xlsx, with_partner_names
from projects.forms.project import (
    AddPartnerForm,
    ArchiveForm,
    CommentForm,
    DisclosureForm,
    EligibilityForm,
    FormGuideForm,
    ProjectFilter,
    ProjectForm,
    TransitionForm,
    detail_form_for,
)
from projects.models import (
    Eligibility,
    ImplementationForm,
    Project,
    ProjectPartner,
)
from projects.permissions import get_project_for, why_not_change_parties
from projects.policy import (
    BEFORE_SUBMIT,
    POLICY,
    Step,
    added_steps,
    all_specs,
    spec_for,
    suggest_form,
)
from projects.services import project as services
from projects.services.agreements import latest_agreed
from projects.services.workflow import TRANSITIONS, available_transitions
from projects.steps import blocking, step_context, step_states


def _filtered(request) -> ProjectFilter:
    queryset = Project.objects.visible_to(request.user).for_list()
    return ProjectFilter(request.GET, queryset=queryset, user=request.user)


@login_required
@require_GET
def project_list(request):
    project_filter = _filtered(request)
    return render(
        request,
        "projects/list.html",
        {"filter": project_filter, **paginate(request, project_filter.qs)},
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
    filename = f"kyodo-projects-{stamp}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, COLUMNS, project_rows(with_partner_names(queryset)))
    return FileResponse(
        projects_xlsx(queryset), as_attachment=True, filename=filename, content_type=XLSX_TYPE
    )


@login_required
@require_GET
def project_choose_form(request):
    if not request.user.has_perm("projects.add_project"):
        raise PermissionDenied
    if request.GET.get("form") in POLICY:
        return redirect("projects:create", request.GET["form"])
    guide = FormGuideForm(request.GET if "money" in request.GET else None)
    suggestion = suggest_form(guide.cleaned_data) if guide.is_valid() else None
    return render(
        request,
        "projects/choose_form.html",
        {"specs": all_specs(), "guide": guide, "suggestion": suggestion},
    )


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
    return form_page(
        request,
        form,
        also=[detail_form],
        save=lambda: services.project_create(
            by=request.user, data=cleaned(form), detail_data=detail_form.cleaned_data
        ),
        done=lambda project: f"「{project.title}」を登録しました。",
        then=lambda project: reverse("projects:detail", args=[project.pk]),
        template="projects/form.html",
        context={"detail_form": detail_form, "spec": spec_for(chosen), "project": None},
    )


def _thread(project: Project, *, internal: bool) -> list[dict]:
    """Comments and workflow transitions of a project, oldest first, as one conversation."""
    comments = project.comments.select_related("author")
    if not internal:
        comments = comments.filter(shared_with_partner=True)
    items = [
        {"at": c.created_at, "who": c.author, "body": c.body, "shared": c.shared_with_partner}
        for c in comments
    ]
    if internal:
        items += [
            {
                "at": change.at,
                "who": change.by,
                "body": change.comment,
                "transition": change,
            }
            for change in project.status_changes.select_related("by")
        ]
    return sorted(items, key=lambda item: item["at"])


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
    steps = step_states(project, detail)
    transitions = available_transitions(request.user, project)
    selection = None
    if request.user.has_perm("selection.view_selection"):
        # The selection app sits above projects: follow the relation instead of importing it.
        with_selection = Project.objects.select_related("selection__chosen_partner")
        selection = getattr(with_selection.get(pk=project.pk), "selection", None)
    context = {
        "agreed": latest_agreed(getattr(project, "agreement", None)),
        "selection": selection,
        "can_see_evaluation": request.user.has_perm("evaluations.view_evaluation", project),
        "show_internal": internal,
        "project": project,
        "spec": spec,
        "steps": steps,
        "steps_before_submit": blocking(steps, BEFORE_SUBMIT),
        "transitions": transitions,
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "failed_transition": forms.get("failed_transition"),
        "detail_rows": detail_rows,
        "partners": project.project_partners.all(),
        "parties_refusal": why_not_change_parties(project),
        "successors": project.successors.visible_to(request.user).order_by("fiscal_year"),
        "origin": Project.objects.visible_to(request.user).filter(pk=project.origin_id).first()
        if project.origin_id
        else None,
        "history": history,
        "thread": _thread(project, internal=internal),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "add_partner_form": forms.get("add_partner_form") or AddPartnerForm(project=project),
    }
    has_errors = any(f is not None and not isinstance(f, str) for f in forms.values())
    return render(request, "projects/detail.html", context, status=400 if has_errors else 200)


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
    return form_page(
        request,
        form,
        also=[detail_form],
        save=lambda: services.project_update(
            project=Project.objects.get(pk=project.pk),
            by=request.user,
            expected_version=expected_version(form),
            data=cleaned(form),
            detail_data=detail_form.cleaned_data,
        ),
        done="変更を保存しました。",
        then=reverse("projects:detail", args=[project.pk]),
        template="projects/form.html",
        context={"detail_form": detail_form, "spec": spec_for(chosen), "project": project},
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
    extra_steps = added_steps(project.implementation_form, form_code) if project else []
    return render(
        request,
        "includes/detail_fields.html",
        {"detail_form": detail_form, "spec": spec_for(form_code), "extra_steps": extra_steps},
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
    return run_action(
        request,
        lambda: services.project_restore(project=project, by=request.user),
        done=f"「{project.title}」を元に戻しました。",
        then=reverse("projects:detail", args=[project.pk]),
    )


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
        try:
            services.project_remove_partner(link=link, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{link.partner.name} をこの事業のパートナーから外しました。")
        return redirect("projects:detail", project.pk)
    return render(request, "projects/partner_remove.html", {"project": project, "link": link})


@login_required
@require_POST
def project_comment(request, pk: int):
    project = get_project_for(request.user, pk, perm="projects.comment_project")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(project=project, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "コメントを書き込みました。")
            return redirect(f"{project.get_absolute_url()}#comments")
    return _detail_page(request, project, comment_form=form)


@login_required
@require_POST
def project_transition(request, pk: int, name: str):
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    project = get_project_for(request.user, pk, perm=transition.perm)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            transition.run(project=project, by=request.user, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            project.refresh_from_db()
            messages.success(request, f"「{project.title}」: {transition.done_message}")
            return redirect("projects:detail", project.pk)
    project = get_project_for(request.user, pk)
    return _detail_page(request, project, transition_form=form, failed_transition=transition.name)


def _step_page(request, project: Project, step: Step, form, save, *, title: str, extra=None):
    """A step's form beside its help panel; save(form) calls the step's service."""
    context = {**step_context(project, step), "title": title, **(extra or {})}
    if form is None:
        return render(request, "projects/step.html", {**context, "form": None})
    return form_page(
        request,
        form,
        save=lambda: save(form),
        done=f"{step.label}を保存しました。",
        then=reverse("projects:detail", args=[project.pk]),
        template="projects/step.html",
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_eligibility(request, pk: int):
    perm = "projects.change_steps" if request.method == "POST" else "projects.view_project"
    project = get_project_for(request.user, pk, perm=perm)
    answers = Eligibility.objects.filter(project=project).first()
    form = EligibilityForm(request.POST or None, instance=answers)
    if not request.user.has_perm("projects.change_steps", project):
        form = None
    outcome = None
    if form is not None and form.is_bound and form.is_valid():
        outcome = Eligibility(**{k: v for k, v in form.cleaned_data.items() if k != "version"})
    elif answers is not None:
        outcome = answers

    def save(valid_form):
        services.eligibility_save(
            project=project,
            by=request.user,
            expected_version=expected_version(valid_form),
            data=cleaned(valid_form),
        )

    return _step_page(
        request,
        project,
        Step.ELIGIBILITY,
        form,
        save,
        title="対象確認: この事業は協働にあたるか",
        extra={"answers": answers, "outcome": outcome},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_disclosure(request, pk: int):
    perm = "projects.change_steps" if request.method == "POST" else "projects.view_project"
    project = get_project_for(request.user, pk, perm=perm)
    # A bound model form writes what was typed onto its instance; keep `project` as saved,
    # since the step bar is drawn from it when the save is refused.
    form = DisclosureForm(request.POST or None, instance=copy.copy(project))
    if not request.user.has_perm("projects.change_steps", project):
        form = None

    def save(valid_form):
        services.disclosure_save(
            project=Project.objects.get(pk=project.pk),
            by=request.user,
            expected_version=expected_version(valid_form),
            disclosure=valid_form.cleaned_data["disclosure"],
            disclosure_reason=valid_form.cleaned_data.get("disclosure_reason", ""),
            publish_agreement_pdf=valid_form.cleaned_data.get("publish_agreement_pdf", False),
        )

    return _step_page(request, project, Step.DISCLOSURE, form, save, title="公開の判断")


class ReviewFilter(django_filters.FilterSet):
    fiscal_year = django_filters.ChoiceFilter(
        label="年度", choices=lambda: fiscal.nendo_choices(first=2016), empty_label="すべて"
    )
    implementation_form = django_filters.ChoiceFilter(
        label="実施形態", choices=ImplementationForm.choices, empty_label="すべて"
    )
    department = django_filters.ModelChoiceFilter(
        label="所管課", queryset=Department.objects.all(), empty_label="すべて"
    )

    class Meta:
        model = Project
        fields = ["fiscal_year", "implementation_form", "department"]


@login_required
@require_GET
def review_queue(request):
    if not request.user.has_perm("projects.view_review_queue"):
        raise PermissionDenied
    queryset = Project.objects.visible_to(request.user).review_queue().for_list()
    review_filter = ReviewFilter(request.GET, queryset=queryset)
    return render(
        request,
        "projects/review_queue.html",
        {"filter": review_filter, **paginate(request, review_filter.qs)},
    )


def partner_projects_section(request, partner) -> Section:
    """The partner page's list of the projects it takes part in, as far as the user may see."""
    projects = (
        Project.objects.visible_to(request.user)
        .filter(project_partners__partner=partner)
        .for_list()
        .order_by("-fiscal_year", "title")
    )
    return Section("projects/partner_projects.html", {"projects": projects})
