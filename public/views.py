"""Pages anyone may open without logging in: 協働の実績 and the disclosed projects."""

import csv
import json

from django import forms
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kyodo import audit, fiscal
from kyodo.models import AuditEvent, Department
from kyodo.pagination import paginate
from kyodo.rules import is_city_staff
from kyodo.text import normalize_for_search
from partners.models import ActivityField
from projects.exports import with_partner_names
from projects.models import ImplementationForm, ProjectPartner
from public import disclosure, stats
from public.opendata import COLUMNS, project_record


class StatsFilter(forms.Form):
    department = forms.ModelChoiceField(
        label="所管課", queryset=Department.objects.all(), required=False, empty_label="すべて"
    )
    bureau = forms.ChoiceField(label="部局", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = Department.objects.exclude(bureau="").values_list("bureau", flat=True)
        self.fields["bureau"].choices = [("", "すべて")] + [(b, b) for b in sorted(set(bureaus))]


@require_GET
def stats_page(request):
    stats_filter, department, bureau = _stats_filter(request)
    rows = stats.table(department=department, bureau=bureau)
    switch = next((row for row in rows if row.from_records), None)
    context = {
        "rows": rows,
        "labels": ImplementationForm.labels,
        "switch": switch if any(not row.from_records for row in rows) else None,
        "chart": stats.chart(rows),
        "chart_forms": list(zip(ImplementationForm.values, ImplementationForm.labels, strict=True)),
        "filter": stats_filter,
        "filtered": bool(department or bureau),
        "transitions": stats.transitions(),
        "genki": stats.genki_fund(),
        "query": request.GET.urlencode(),
    }
    return render(request, "public/stats.html", context)


def _stats_filter(request):
    """(the filter form or None, department, bureau): the filters are for city staff only."""
    if not is_city_staff(request.user):
        return None, None, ""
    stats_filter = StatsFilter(request.GET or None)
    if stats_filter.is_bound and stats_filter.is_valid():
        data = stats_filter.cleaned_data
        return stats_filter, data["department"], data["bureau"] or ""
    return stats_filter, None, ""


class _Echo:
    def write(self, value):
        return value


@require_GET
def stats_export(request, fmt: str):
    _form, department, bureau = _stats_filter(request)
    rows = stats.table(department=department, bureau=bureau)
    if fmt == "xlsx":
        response = HttpResponse(
            stats.xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="kyodo-jisseki.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    body = "\ufeff" + "".join(writer.writerow(line) for line in stats.csv_rows(rows))
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kyodo-jisseki.csv"'
    return response


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
                    )
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
        writer = csv.writer(_Echo(), lineterminator="\r\n")

        def lines():
            yield "\ufeff" + writer.writerow([label for _key, label in COLUMNS])
            for project, partners in with_partner_names(projects):
                record = project_record(project, partners)
                yield writer.writerow([record[key] for key, _label in COLUMNS])

        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="kyodo-projects.csv"'
        return response
    if fmt == "json":

        def chunks():
            yield (
                '{"columns": '
                + json.dumps([{"key": k, "label": v} for k, v in COLUMNS], ensure_ascii=False)
                + ', "projects": ['
            )
            for n, (project, partners) in enumerate(with_partner_names(projects)):
                record = project_record(project, partners)
                yield ("," if n else "") + json.dumps(record, ensure_ascii=False)
            yield "]}"

        return StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in chunks()),
            content_type="application/json; charset=utf-8",
        )
    raise Http404
