"""Forms for the partner directory, built on kyodo.forms."""

import django_filters
from django import forms
from django.db import models
from django.utils import timezone

from kyodo.forms import KyodoModelForm, VersionedFormMixin
from kyodo.models import Department
from kyodo.rules import is_department_staff
from kyodo.text import normalize_for_search
from partners.models import ActivityField, CityIssue, Interest, Partner


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


class CityIssueForm(VersionedFormMixin, KyodoModelForm):
    """A city issue. Department staff post for their own department; others choose it."""

    class Meta(KyodoModelForm.Meta):
        model = CityIssue
        fields = ["title", "description", "department", "activity_fields", "open_until"]
        widgets = {"activity_fields": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_fields"].queryset = ActivityField.objects.filter(is_active=True)
        self.fields["description"].widget.attrs["rows"] = 8
        if is_department_staff(user):
            del self.fields["department"]
        else:
            self.fields["department"].queryset = Department.objects.filter(is_active=True)
            if self.instance.pk is None and user.department_id:
                self.fields["department"].initial = user.department_id

    def clean_open_until(self):
        value = self.cleaned_data.get("open_until")
        unchanged = self.instance.pk is not None and value == self.instance.open_until
        if value is not None and not unchanged and value < timezone.localdate():
            raise forms.ValidationError("受付の期限には今日以降の日付を入力してください。")
        return value


class IssueFilter(forms.Form):
    """The issue list's filters for city staff; partner users always see the open issues."""

    class State(models.TextChoices):
        OPEN = "open", "受付中"
        UNANSWERED = "unanswered", "受付中で未回答（関心の表明なし）"
        CLOSED = "closed", "受付終了・期限切れ"
        ALL = "all", "すべて（アーカイブ済を除く）"

    state = forms.ChoiceField(label="状態", choices=State.choices, required=False)
    department = forms.ModelChoiceField(
        label="所管課", queryset=Department.objects.none(), required=False, empty_label="すべて"
    )
    activity_field = forms.ModelChoiceField(
        label="活動分野",
        queryset=ActivityField.objects.none(),
        required=False,
        empty_label="すべて",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["activity_field"].queryset = ActivityField.objects.filter(is_active=True)

    def filter(self, queryset):
        """The issues chosen, or none if a filter value is wrong."""
        if not self.is_valid():
            return queryset.none()
        state = self.cleaned_data["state"] or self.State.OPEN
        if state == self.State.OPEN:
            queryset = queryset.open()
        elif state == self.State.UNANSWERED:
            queryset = queryset.open().filter(interest_count=0)
        elif state == self.State.CLOSED:
            queryset = queryset.not_open()
        else:
            queryset = queryset.filter(archived_at__isnull=True)
        if self.cleaned_data["department"]:
            queryset = queryset.filter(department=self.cleaned_data["department"])
        if self.cleaned_data["activity_field"]:
            queryset = queryset.filter(activity_fields=self.cleaned_data["activity_field"])
        return queryset


class InterestForm(KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Interest
        fields = ["note"]
