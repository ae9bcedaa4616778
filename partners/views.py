"""Partner directory pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo.forms import save_or_explain
from kyodo.history import history_entries
from kyodo.pagination import paginate
from kyodo.services import DomainError
from partners import services
from partners.forms import PartnerFilter, PartnerForm
from partners.models import Partner
from partners.permissions import get_partner_for
from projects.models import Project


@login_required
@require_GET
def partner_list(request):
    queryset = Partner.objects.visible_to(request.user).for_list()
    partner_filter = PartnerFilter(request.GET, queryset=queryset)
    return render(
        request,
        "partners/list.html",
        {"filter": partner_filter, **paginate(request, partner_filter.qs)},
    )


@login_required
@require_GET
def partner_detail(request, pk: int):
    partner = get_partner_for(request.user, pk)
    projects = (
        Project.objects.visible_to(request.user)
        .filter(project_partners__partner=partner)
        .for_list()
        .order_by("-fiscal_year", "title")
    )
    context = {
        "partner": partner,
        "projects": projects,
        "members": partner.users.filter(is_active=True).order_by("username"),
        "history": history_entries(partner.history.all()),
    }
    return render(request, "partners/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request):
    if not request.user.has_perm("partners.add_partner"):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("version", "activity_fields")
        }
        partner = services.partner_create(
            by=request.user, data=data, activity_fields=list(form.cleaned_data["activity_fields"])
        )
        messages.success(request, f"「{partner.name}」を登録しました。")
        return redirect("partners:detail", partner.pk)
    return render(request, "partners/form.html", {"form": form, "partner": None})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int):
    partner = get_partner_for(request.user, pk, perm="partners.change_partner")
    form = PartnerForm(request.POST or None, instance=partner)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("version", "activity_fields")
        }
        saved, conflict = save_or_explain(
            form,
            lambda: services.partner_update(
                partner=Partner.objects.get(pk=partner.pk),
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=data,
                activity_fields=list(form.cleaned_data["activity_fields"]),
            ),
        )
        if saved:
            messages.success(request, "変更を保存しました。")
            return redirect("partners:detail", partner.pk)
    return render(
        request, "partners/form.html", {"form": form, "partner": partner, "conflict": conflict}
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_archive(request, pk: int):
    partner = get_partner_for(request.user, pk, perm="partners.archive_partner")
    if request.method == "POST":
        try:
            services.partner_archive(partner=partner, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"「{partner.name}」をアーカイブしました。記録は残っています。"
            )
        return redirect("partners:detail", partner.pk)
    return render(request, "partners/archive.html", {"partner": partner})


@login_required
@require_POST
def partner_restore(request, pk: int):
    partner = get_partner_for(request.user, pk, perm="partners.restore_partner")
    try:
        services.partner_restore(partner=partner, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"「{partner.name}」を元に戻しました。")
    return redirect("partners:detail", partner.pk)
