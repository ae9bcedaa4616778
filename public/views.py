"""Pages anyone may open without logging in: 協働の実績 and the disclosed projects."""

import json

from django import forms
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kyodo import audit, fiscal
from kyodo.downloads import csv_response
from kyodo.models import AuditEvent
from kyodo.pagination import paginate
from kyodo.text import normalize_for_search
from partners.models import ActivityField, Partner
from projects.exports import with_partner_names
from projects.models import ImplementationForm, ProjectPartner
from public import disclosure
from public.opendata import COLUMNS, project_record


class PublicFilter(forms.Form):
    q = forms.CharField(label="ことばで探す", required=False, max_length=100)
    fiscal_year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    implementation_form = forms.ChoiceField(
        label="実施形態", required=False, choices=[("", "すべて"), *ImplementationForm.choices]
    )
    field = forms.ModelChoiceField(
        label="分野", queryset=ActivityField.objects.all(), required=False, empty_label="すべて"
    )
    partner = forms.CharField(label="団体名", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [("", "すべて"), *fiscal.nendo_choices(first=2016)]

    def apply(self, projects):
        if not self.is_valid():
            return projects.none()
        data = self.cleaned_data
        if data["q"]:
            projects = projects.filter(search_index__contains=normalize_for_search(data["q"]))
        if data["fiscal_year"]:
            projects = projects.filter(fiscal_year=data["fiscal_year"])
        if data["implementation_form"]:
            projects = projects.filter(implementation_form=data["implementation_form"])
        if data["field"]:
            projects = projects.filter(
                Exists(
                    ProjectPartner.objects.filter(
                        project=OuterRef("pk"), partner__activity_fields=data["field"]
                    )
                )
            )
        if data["partner"]:
            projects = projects.filter(
                Exists(
                    ProjectPartner.objects.filter(
                        project=OuterRef("pk"),
                        partner__search_index__contains=normalize_for_search(data["partner"]),
                    ).exclude(partner__kind=Partner.Kind.INDIVIDUAL)  # never found by a name
                )
            )
        return projects


@require_GET
def project_list(request):
    public_filter = PublicFilter(request.GET or None)
    projects = disclosure.disclosed_projects().order_by("-fiscal_year", "title", "pk")
    if public_filter.is_bound:
        projects = public_filter.apply(projects)
    return render(
        request,
        "public/list.html",
        {"filter": public_filter, **paginate(request, projects)},
    )


def _disclosed(pk: int):
    return get_object_or_404(disclosure.disclosed_projects(), pk=pk)


@require_GET
def project_detail(request, pk: int):
    project = _disclosed(pk)
    context = {
        "project": project,
        "partners": project.project_partners.all(),
        "selection": disclosure.selection_summary(project),
        "agreement": disclosure.agreement_summary(project),
        "evaluation": disclosure.evaluation_summary(project),
    }
    return render(request, "public/detail.html", context)


@require_GET
def agreement_pdf(request, pk: int):
    project = _disclosed(pk)
    summary = disclosure.agreement_summary(project)
    if summary is None or not summary["pdf"]:
        raise Http404
    version = summary["version"]
    response = FileResponse(
        version.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"agreement-{project.pk}-v{version.number}.pdf",
    )
    # Citizens read it without logging in: the log keeps the address they came from.
    version.agreement.project = project
    audit.record(
        AuditEvent.Action.READ_AGREEMENT,
        request=request,
        obj=version,
        detail=f"公開ページの協定書PDF（第{version.number}版）",
    )
    return response


@require_GET
def open_data(request, fmt: str):
    """Every disclosed project, streamed: memory does not grow with the number of rows."""
    projects = disclosure.disclosed_projects().order_by("pk")
    if fmt == "csv":
        rows = (
            [record[key] for key, _label in COLUMNS]
            for record in (
                project_record(p, names) for p, names in with_partner_names(projects, public=True)
            )
        )
        return csv_response("kyodo-projects.csv", [label for _key, label in COLUMNS], rows)
    if fmt == "json":

        def chunks():
            yield (
                '{"columns": '
                + json.dumps([{"key": k, "label": v} for k, v in COLUMNS], ensure_ascii=False)
                + ', "projects": ['
            )
            for n, (project, partners) in enumerate(with_partner_names(projects, public=True)):
                record = project_record(project, partners)
                yield ("," if n else "") + json.dumps(record, ensure_ascii=False)
            yield "]}"

        return StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in chunks()),
            content_type="application/json; charset=utf-8",
        )
    raise Http404
