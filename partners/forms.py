"""Forms for the partner directory, built on kyodo.forms."""

import django_filters
from django import forms

from kyodo.forms import KyodoModelForm, VersionedFormMixin
from kyodo.text import normalize_for_search
from partners.models import ActivityField, Partner


class PartnerForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Partner
        fields = [
            "name",
            "name_kana",
            "kind",
            "representative",
            "postal_code",
            "address",
            "phone",
            "email",
            "website",
            "mission",
            "activity_fields",
            "themes",
            "track_record",
            "member_count",
            "founded_year",
        ]
        widgets = {"activity_fields": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_fields"].queryset = ActivityField.objects.filter(is_active=True)
        self.fields["member_count"].widget.attrs["inputmode"] = "numeric"
        self.fields["founded_year"].widget.attrs["inputmode"] = "numeric"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["postal_code"].widget.attrs["autocomplete"] = "postal-code"

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1800 <= year <= 2200:
            raise forms.ValidationError("設立年は西暦4桁で入力してください（例: 2010）。")
        return year


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="キーワード", method="filter_q")
    kind = django_filters.ChoiceFilter(
        label="種別", choices=Partner.Kind.choices, empty_label="すべて"
    )
    activity_field = django_filters.ModelChoiceFilter(
        label="活動分野",
        queryset=ActivityField.objects.all(),
        field_name="activity_fields",
        empty_label="すべて",
    )
    archived = django_filters.BooleanFilter(
        label="アーカイブした団体も表示する", method="filter_archived", widget=forms.CheckboxInput
    )

    class Meta:
        model = Partner
        fields = ["q", "kind", "activity_field"]

    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()  # a wrong filter must not export everything
        qs = super().qs
        if not self.form.cleaned_data.get("archived"):
            qs = qs.filter(archived_at__isnull=True)
        return qs

    def filter_q(self, queryset, name, value):
        for word in normalize_for_search(value).split():
            queryset = queryset.filter(search_index__contains=word)
        return queryset

    def filter_archived(self, queryset, name, value):
        return queryset
