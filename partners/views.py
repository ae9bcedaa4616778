"""Partner directory pages, and the city issues shared to find partners (matching)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo.fiscal import wareki_date
from kyodo.history import history_entries
from kyodo.pages import cleaned, expected_version, form_page, run_action
from kyodo.pagination import paginate
from kyodo.rules import is_admin, is_city_staff, is_coordinator, is_partner_user
from kyodo.services import DomainError
from partners import services
from partners.forms import CityIssueForm, InterestForm, IssueFilter, PartnerFilter, PartnerForm
from partners.matching import open_issues_for_partner, partners_for_issue, rank_issues
from partners.models import CityIssue, Interest, Partner
from partners.permissions import get_issue_for, get_partner_for
from partners.sections import partner_sections


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
    context = {
        "partner": partner,
        "sections": partner_sections(request, partner),
        "members": partner.users.filter(is_active=True).order_by("username"),
        "history": history_entries(partner.history.all()),
        # Only city staff and the partner itself reach this page (get_partner_for).
        "fitting_issues": open_issues_for_partner(partner, limit=10),
    }
    return render(request, "partners/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request):
    if not request.user.has_perm("partners.add_partner"):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: services.partner_create(
            by=request.user,
            data=cleaned(form, "activity_fields"),
            activity_fields=list(form.cleaned_data["activity_fields"]),
        ),
        done=lambda partner: f"「{partner.name}」を登録しました。",
        then=lambda partner: reverse("partners:detail", args=[partner.pk]),
        template="partners/form.html",
        context={"partner": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int):
    partner = get_partner_for(request.user, pk, perm="partners.change_partner")
    form = PartnerForm(request.POST or None, instance=partner)
    return form_page(
        request,
        form,
        save=lambda: services.partner_update(
            partner=Partner.objects.get(pk=partner.pk),
            by=request.user,
            expected_version=expected_version(form),
            data=cleaned(form, "activity_fields"),
            activity_fields=list(form.cleaned_data["activity_fields"]),
        ),
        done="変更を保存しました。",
        then=reverse("partners:detail", args=[partner.pk]),
        template="partners/form.html",
        context={"partner": partner},
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
    return run_action(
        request,
        lambda: services.partner_restore(partner=partner, by=request.user),
        done=f"「{partner.name}」を元に戻しました。",
        then=reverse("partners:detail", args=[partner.pk]),
    )


# Matching (第3-1(3)): city issues, the partners that fit them, and partners' interest.

MATCH_LIMIT = 30  # the best fits are what a person reads; the page says how many more there are


@login_required
@require_GET
def issue_list(request):
    user = request.user
    if not user.has_perm("partners.list_cityissues"):
        raise PermissionDenied
    issues = CityIssue.objects.visible_to(user).for_list()
    context = {}
    if is_city_staff(user):
        issue_filter = IssueFilter(request.GET)
        issues = issue_filter.filter(issues)
        context["filter"] = issue_filter
        if is_coordinator(user) or is_admin(user):
            context["unanswered_count"] = (
                CityIssue.objects.open().filter(interests__isnull=True).count()
            )
    else:
        issues = issues.open().annotate(
            has_my_interest=Exists(
                Interest.objects.filter(issue=OuterRef("pk"), partner_id=user.partner_id)
            )
        )
    return render(request, "partners/issue_list.html", {**context, **paginate(request, issues)})


@login_required
@require_GET
def issue_detail(request, pk: int):
    user = request.user
    issue = get_issue_for(user, pk)
    context = {"issue": issue}
    if user.has_perm("partners.view_issue_matches"):
        matches = partners_for_issue(issue)
        context.update(
            matches=matches[:MATCH_LIMIT],
            more_matches=max(len(matches) - MATCH_LIMIT, 0),
            interests=issue.interests.select_related("partner", "by"),
            history=history_entries(issue.history.all()),
        )
    else:
        partner = Partner.objects.prefetch_related("activity_fields").get(pk=user.partner_id)
        fit = rank_issues(partner, [issue])
        context.update(
            my_interest=issue.interests.filter(partner=partner).first(),
            fit_reasons=fit[0].reasons if fit else [],
            interest_form=InterestForm(),
        )
    return render(request, "partners/issue_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request):
    user = request.user
    if not user.has_perm("partners.add_cityissue"):
        raise PermissionDenied
    form = CityIssueForm(request.POST or None, user=user)

    def save():
        data = _issue_data(form)
        return services.issue_create(
            by=user,
            department=data.pop("department", None) or user.department,
            data=data,
            activity_fields=list(form.cleaned_data["activity_fields"]),
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda issue: f"課題「{issue.title}」を登録しました。合いそうな団体を下に示します。",
        then=lambda issue: reverse("partners:issue_detail", args=[issue.pk]),
        template="partners/issue_form.html",
        context={"issue": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request, pk: int):
    issue = get_issue_for(request.user, pk, perm="partners.change_cityissue")
    form = CityIssueForm(request.POST or None, instance=issue, user=request.user)
    return form_page(
        request,
        form,
        save=lambda: services.issue_update(
            issue=CityIssue.objects.get(pk=issue.pk),
            by=request.user,
            expected_version=expected_version(form),
            data=_issue_data(form),
            activity_fields=list(form.cleaned_data["activity_fields"]),
        ),
        done="変更を保存しました。",
        then=reverse("partners:issue_detail", args=[issue.pk]),
        template="partners/issue_form.html",
        context={"issue": issue},
    )


def _issue_data(form: CityIssueForm) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", "activity_fields")}


@login_required
@require_POST
def issue_close(request, pk: int):
    issue = get_issue_for(request.user, pk, perm="partners.close_cityissue")
    return run_action(
        request,
        lambda: services.issue_close(issue=issue, by=request.user),
        done=f"課題「{issue.title}」の受付を終了しました。",
        then=reverse("partners:issue_detail", args=[issue.pk]),
    )


@login_required
@require_POST
def issue_interest(request, pk: int):
    user = request.user
    issue = get_issue_for(user, pk)
    # Any partner user may try; a closed issue is refused by the service with its reason.
    if not is_partner_user(user):
        raise PermissionDenied
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "ひとことの内容を確かめてください: " + " ".join(form.errors["note"])
        )
        return redirect("partners:issue_detail", issue.pk)
    try:
        interest, created = services.interest_record(
            issue=issue, partner=user.partner, by=user, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if created:
            messages.success(
                request, "関心があることを所管課に伝えました。所管課からの連絡をお待ちください。"
            )
        else:
            messages.info(
                request,
                f"この課題への関心は{wareki_date(timezone.localdate(interest.created_at))}に"
                "すでに伝えています。"
                "重ねて送る必要はありません。",
            )
    return redirect("partners:issue_detail", issue.pk)
