"""協働の実績 (第1-7): the yearly table by 実施形態, its chart and its exports; public."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kyodo.downloads import csv_response, xlsx_response
from kyodo.models import Department
from kyodo.rules import is_city_staff
from projects.models import ImplementationForm
from stats import tables as stats


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
    return render(request, "stats/index.html", context)


def _stats_filter(request):
    """(the filter form or None, department, bureau): the filters are for city staff only."""
    if not is_city_staff(request.user):
        return None, None, ""
    stats_filter = StatsFilter(request.GET or None)
    if stats_filter.is_bound and stats_filter.is_valid():
        data = stats_filter.cleaned_data
        return stats_filter, data["department"], data["bureau"] or ""
    return stats_filter, None, ""


@require_GET
def stats_export(request, fmt: str):
    _form, department, bureau = _stats_filter(request)
    rows = stats.table(department=department, bureau=bureau)
    if fmt == "xlsx":
        return xlsx_response("kyodo-jisseki.xlsx", stats.xlsx(rows))
    if fmt != "csv":
        raise Http404
    header, *lines = stats.csv_rows(rows)
    return csv_response("kyodo-jisseki.csv", header, lines)
