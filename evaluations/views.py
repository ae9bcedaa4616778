"""Evaluation pages: each side's process evaluation, results, the survey, the comparison,
the decision for next year; the public questionnaire; the coordinator's report."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from evaluations import services
from evaluations.forms import (
    ClosingDecisionForm,
    ProcessEvaluationForm,
    ResultEvaluationForm,
    SurveyAnswerForm,
    SurveyForm,
)
from evaluations.models import (
    BeneficiarySurvey,
    ClosingDecision,
    ProcessEvaluation,
    Rating,
    ResultEvaluation,
)
from evaluations.permissions import both_submitted, get_evaluated_project_for, readable
from evaluations.report import LEVELS, ROW_HEIGHT, chart_rows, report_xlsx, year_report
from kyodo import fiscal
from kyodo.audit import client_address
from kyodo.downloads import xlsx_response
from kyodo.pages import cleaned, expected_version, form_page, submit_form
from kyodo.rules import is_partner_user
from kyodo.services import DomainError
from partners.models import Partner
from projects.policy import Step
from projects.steps import step_context


def _frame(project) -> dict:
    return step_context(project, Step.EVALUATION)


def _sides(user, project):
    """Every side's evaluation (or None) with whether user may read it now."""
    evaluations = {
        (e.side, e.partner_id): e
        for e in ProcessEvaluation.objects.filter(project=project).select_related("entered_by")
    }
    city = evaluations.get((ProcessEvaluation.Side.CITY, None))
    sides = [
        {
            "label": "市（所管課）",
            "partner": None,
            "evaluation": city,
            "readable": readable(user, city, city, project),
            "mine": not is_partner_user(user),
        }
    ]
    for link in project.project_partners.all():
        evaluation = evaluations.get((ProcessEvaluation.Side.PARTNER, link.partner_id))
        sides.append(
            {
                "label": link.partner.name,
                "partner": link.partner,
                "evaluation": evaluation,
                "readable": readable(user, evaluation, city, project),
                "mine": user.partner_id == link.partner_id,
            }
        )
    return city, sides


@login_required
@require_GET
def overview(request, pk: int):
    project = get_evaluated_project_for(request.user, pk)
    city, sides = _sides(request.user, project)
    if is_partner_user(request.user):
        sides = [s for s in sides if s["partner"] is None or s["mine"]]
    context = {
        **_frame(project),
        "sides": sides,
        "city": city,
        "result": ResultEvaluation.objects.filter(project=project).first(),
        "survey": services.survey_summary(project),
        "decision": ClosingDecision.objects.filter(project=project)
        .select_related("next_project", "decided_by")
        .first(),
        "can_manage": request.user.has_perm("evaluations.manage_evaluation", project),
        "can_write_own": request.user.has_perm("evaluations.write_partner_evaluation", project),
        "missing": services.evaluation_missing(project),
        "survey_url": None,
    }
    survey = context["survey"]["survey"]
    if survey is not None and context["can_manage"]:
        context["survey_url"] = request.build_absolute_uri(reverse("survey", args=[survey.token]))
    return render(request, "evaluations/overview.html", context)


def _process_page(request, project, *, partner: Partner | None, on_behalf: bool):
    evaluation = services.evaluation_for(project, partner=partner)
    if evaluation is not None and evaluation.is_submitted:
        messages.info(request, "この評価は提出済みです。")
        return redirect("evaluations:overview", project.pk)
    form = ProcessEvaluationForm(request.POST or None, instance=evaluation)
    submit = "submit" in request.POST
    posted = submit_form(
        request,
        form,
        lambda: services.process_evaluation_save(
            project=project,
            by=request.user,
            partner=partner,
            expected_version=expected_version(form),
            data=cleaned(form),
            submit=submit,
            on_behalf=on_behalf,
        ),
    )
    conflict = posted.conflict
    if posted.saved and submit:
        messages.success(request, "評価を提出しました。")
        return redirect("evaluations:overview", project.pk)
    if posted.saved:
        messages.success(request, "下書きとして保存しました。提出はまだです。")
        return redirect(request.path)
    if submit and posted.tried and not posted.saved:
        form.point_at_missing()
    context = {
        **_frame(project),
        "form": form,
        "conflict": conflict,
        "side_label": partner.name if partner else "市（所管課）",
        "on_behalf": on_behalf,
    }
    return render(request, "evaluations/process_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def city_evaluation(request, pk: int):
    project = get_evaluated_project_for(request.user, pk, perm="evaluations.manage_evaluation")
    return _process_page(request, project, partner=None, on_behalf=False)


@login_required
@require_http_methods(["GET", "POST"])
def partner_evaluation(request, pk: int, partner_pk: int):
    project = get_evaluated_project_for(request.user, pk)
    link = next((ln for ln in project.project_partners.all() if ln.partner_id == partner_pk), None)
    if link is None:
        raise Http404
    own = request.user.partner_id == partner_pk
    if own and request.user.has_perm("evaluations.write_partner_evaluation", project):
        return _process_page(request, project, partner=link.partner, on_behalf=False)
    if not own and request.user.has_perm("evaluations.manage_evaluation", project):
        started = services.evaluation_for(project, partner=link.partner)
        if started is not None and not started.is_submitted and not started.on_behalf:
            # The partner's own draft: showing it would break the hidden-until-both rule.
            messages.info(
                request,
                f"{link.partner.name}が自分で評価を入力しています。提出されるまで中身は見られません。",
            )
            return redirect("evaluations:overview", project.pk)
        return _process_page(request, project, partner=link.partner, on_behalf=True)
    if is_partner_user(request.user) and not own:
        raise Http404
    raise PermissionDenied


def _single_form_page(request, pk, *, model, form_class, save, template, done):
    project = get_evaluated_project_for(request.user, pk, perm="evaluations.manage_evaluation")
    instance = model.objects.filter(project=project).first()
    form = form_class(request.POST or None, instance=instance)
    extra = {}
    if model is BeneficiarySurvey:
        extra["summary"] = services.survey_summary(project)
        if instance is not None:
            extra["survey_url"] = request.build_absolute_uri(
                reverse("survey", args=[instance.token])
            )
    return form_page(
        request,
        form,
        save=lambda: save(
            project=project,
            by=request.user,
            expected_version=expected_version(form),
            data=cleaned(form),
        ),
        done=done,
        then=reverse("evaluations:overview", args=[project.pk]),
        template=template,
        context={**_frame(project), **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def results(request, pk: int):
    return _single_form_page(
        request,
        pk,
        model=ResultEvaluation,
        form_class=ResultEvaluationForm,
        save=services.result_evaluation_save,
        template="evaluations/results.html",
        done="成果の評価を保存しました。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey(request, pk: int):
    return _single_form_page(
        request,
        pk,
        model=BeneficiarySurvey,
        form_class=SurveyForm,
        save=services.survey_save,
        template="evaluations/survey.html",
        done="受益者による評価の設定を保存しました。",
    )


@login_required
@require_GET
def compare(request, pk: int):
    project = get_evaluated_project_for(request.user, pk)
    city, sides = _sides(request.user, project)
    pairs = []
    for side in sides[1:]:
        if is_partner_user(request.user) and not side["mine"]:
            continue
        both = both_submitted(city, side["evaluation"])
        pairs.append(
            {
                "partner": side["partner"],
                "both": both,
                "rows": services.comparison(city, side["evaluation"]) if both else [],
            }
        )
    return render(request, "evaluations/compare.html", {**_frame(project), "pairs": pairs})


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk: int):
    project = get_evaluated_project_for(request.user, pk, perm="evaluations.manage_evaluation")
    if ClosingDecision.objects.filter(project=project).exists():
        messages.info(request, "次年度の方針はすでに決まっています。")
        return redirect("evaluations:overview", project.pk)
    form = ClosingDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.closing_decide(project=project, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            note = ""
            if made.next_project:
                nendo = fiscal.nendo_label(made.next_project.fiscal_year, seireki=False)
                note = f"次年度の下書き「{made.next_project.title}」（{nendo}）を作りました。"
            messages.success(
                request, f"次年度の方針を「{made.get_choice_display()}」に決めました。{note}"
            )
            return redirect("evaluations:overview", project.pk)
    return render(request, "evaluations/decision.html", {**_frame(project), "form": form})


def _client_key(request, token: str) -> str:
    # The address is kept only as a hash, and only in the cache, for the flood limit.
    address = client_address(request) or ""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"survey:{token}:{digest}"


@require_http_methods(["GET", "POST"])
def survey_answer(request, token: str):
    """The public questionnaire: no log-in, no personal data, one answer per visit."""
    survey_obj = get_object_or_404(BeneficiarySurvey.objects.select_related("project"), token=token)
    answered_key = f"survey_answered_{survey_obj.pk}"
    form = SurveyAnswerForm(request.POST or None)
    context = {"survey": survey_obj, "form": form, "project": survey_obj.project}
    if not survey_obj.is_open:
        return render(request, "evaluations/survey_closed.html", context, status=410)
    if request.session.get(answered_key):
        return render(request, "evaluations/survey_thanks.html", context)
    if request.method == "POST":
        key = _client_key(request, token)
        limit = settings.KYODO_SURVEY_MAX_ANSWERS
        if cache.get(key, 0) >= limit:
            context["limited"] = True
            return render(request, "evaluations/survey_answer.html", context, status=429)
        if form.is_valid():
            try:
                services.survey_answer(survey=survey_obj, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if not cache.add(key, 1, timeout=settings.KYODO_SURVEY_WINDOW_SECONDS):
                    cache.incr(key)
                request.session[answered_key] = True
                return render(request, "evaluations/survey_thanks.html", context)
    return render(request, "evaluations/survey_answer.html", context)


@login_required
@require_GET
def report(request):
    if not request.user.has_perm("evaluations.view_report"):
        raise PermissionDenied
    year = _year(request)
    data = year_report(year)
    context = {
        "report": data,
        "year": year,
        "years": fiscal.nendo_choices(first=2016),
        "levels": [(level, label) for level, label in _level_labels()],
        "chart": chart_rows(data.all_items),
        "chart_height": ROW_HEIGHT * len(data.all_items) + 20,
    }
    return render(request, "evaluations/report.html", context)


@login_required
@require_GET
def report_export(request):
    if not request.user.has_perm("evaluations.view_report"):
        raise PermissionDenied
    year = _year(request)
    return xlsx_response(f"process-evaluations-{year}.xlsx", report_xlsx(year_report(year)))


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return fiscal.current_fiscal_year()
    return year if 1989 <= year <= 2200 else fiscal.current_fiscal_year()


def _level_labels():
    return [(level, Rating(level).label) for level in LEVELS]
