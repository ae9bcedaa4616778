"""Forms for projects; all built on kyodo.forms (the one form policy)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms import modelform_factory

from kyodo import fiscal
from kyodo.forms import CleanCharField, KyodoModelForm, VersionedFormMixin, kyodo_formfield
from kyodo.models import Department
from kyodo.rules import is_admin, is_partner_user
from kyodo.services import DomainError
from kyodo.text import normalize_for_search
from kyodo.uploads import XLSX, max_upload_bytes
from partners.models import Partner
from projects.imports import check_workbook_upload
from projects.models import (
    Disclosure,
    Eligibility,
    Fund,
    ImplementationForm,
    PartnerRole,
    Project,
    ProjectPartner,
    Status,
)
from projects.policy import spec_for


class ProjectForm(VersionedFormMixin, KyodoModelForm):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int, choices=())

    class Meta(KyodoModelForm.Meta):
        model = Project
        fields = [
            "title",
            "fiscal_year",
            "department",
            "implementation_form",
            "purpose",
            "content",
            "beneficiaries",
            "expected_effect",
            "start_date",
            "end_date",
            "budget",
            "origin",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        years = fiscal.nendo_choices(first=2016)
        current = self.instance.fiscal_year if self.instance.pk else None
        if current and current not in dict(years):
            years.append((current, fiscal.nendo_label(current)))
        self.fields["fiscal_year"].choices = years
        if not self.instance.pk and not self.initial.get("fiscal_year"):
            self.initial["fiscal_year"] = fiscal.current_fiscal_year()
        if is_admin(user):
            self.fields["department"].queryset = Department.objects.filter(is_active=True)
        else:
            del self.fields["department"]
        department_id = self.instance.department_id or user.department_id
        origins = Project.objects.select_related("department").order_by("-fiscal_year", "title")
        if department_id:
            origins = origins.filter(department_id=department_id)
        if self.instance.pk:
            origins = origins.exclude(pk=self.instance.pk)
        self.fields["origin"].queryset = origins
        self.fields["origin"].label_from_instance = lambda p: (
            f"{fiscal.nendo_label(p.fiscal_year, seireki=False)} {p.title}"
        )
        self.fields[
            "implementation_form"
        ].help_text = "変えると、下の「形態ごとの詳細」が切り替わります。"
        self.fields["title"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "終了日は開始日と同じか、それより後の日付にしてください。")
        return cleaned


class DetailFormBase(KyodoModelForm):
    """Base of the per-form detail forms (the fields come from the policy's model)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "fund" in self.fields:
            # A retired fund is offered only to the record that already names it.
            kept = Q(pk=self.instance.fund_id) if getattr(self.instance, "fund_id", None) else Q()
            self.fields["fund"].queryset = Fund.objects.filter(Q(is_active=True) | kept)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("designation_start"), cleaned.get("designation_end")
        if start and end and end < start:
            self.add_error(
                "designation_end", "指定期間の終了日は開始日と同じか、それより後にしてください。"
            )
        return cleaned


def detail_form_class(form_code: str) -> type[forms.ModelForm]:
    """The form for the facts special to one 実施形態, built from the policy's model."""
    return modelform_factory(
        spec_for(form_code).detail_model,
        form=DetailFormBase,
        exclude=["project"],
        formfield_callback=kyodo_formfield,
    )


def detail_form_for(form_code: str, *, data=None, instance=None) -> forms.ModelForm:
    return detail_form_class(form_code)(data=data, instance=instance, prefix="detail")


class AddPartnerForm(forms.Form):
    partner = forms.ModelChoiceField(label="団体", queryset=Partner.objects.none())
    role = forms.ChoiceField(label="役割", choices=PartnerRole.choices)
    note = CleanCharField(label="備考", max_length=200, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        taken = ProjectPartner.objects.filter(project=project, partner=OuterRef("pk"))
        offered = Partner.objects.active().exclude(Exists(taken))
        if (kinds := spec_for(project.implementation_form).partner_kinds) is not None:
            offered = offered.filter(kind__in=kinds)
        self.fields["partner"].queryset = offered
        self.fields["role"].initial = spec_for(project.implementation_form).partner_role


class CommentForm(forms.Form):
    body = CleanCharField(
        label="コメント", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    shared_with_partner = forms.BooleanField(
        label="パートナーにも見せる",
        required=False,
        help_text="チェックすると、この事業のパートナー団体もこのコメントを読めます。",
    )


class ArchiveForm(forms.Form):
    reason = CleanCharField(
        label="アーカイブする理由",
        max_length=300,
        help_text="例: 重複して登録したため、事業が中止になったため",
    )


SORTS = [
    ("-fiscal_year", "年度（新しい順）"),
    ("fiscal_year", "年度（古い順）"),
    ("title", "事業名"),
    ("department", "所管課"),
    ("implementation_form", "実施形態"),
    ("-budget", "事業費（多い順）"),
    ("-updated_at", "更新日時（新しい順）"),
]
_SORT_FIELDS = {
    "-fiscal_year": ["-fiscal_year", "department__sort_order", "title", "pk"],
    "fiscal_year": ["fiscal_year", "department__sort_order", "title", "pk"],
    "title": ["title", "pk"],
    "department": ["department__sort_order", "department__name", "-fiscal_year", "pk"],
    "implementation_form": ["implementation_form", "-fiscal_year", "pk"],
    "-budget": ["-budget", "pk"],
    "-updated_at": ["-updated_at", "pk"],
}


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="キーワード", method="filter_q")
    fiscal_year = django_filters.ChoiceFilter(
        label="年度", choices=lambda: fiscal.nendo_choices(first=2016), empty_label="すべて"
    )
    implementation_form = django_filters.ChoiceFilter(
        label="実施形態", choices=ImplementationForm.choices, empty_label="すべて"
    )
    department = django_filters.ModelChoiceFilter(
        label="所管課", queryset=Department.objects.all(), empty_label="すべて"
    )
    status = django_filters.ChoiceFilter(label="状態", choices=Status.choices, empty_label="すべて")
    # A name, not a drop-down: a city's directory holds thousands of groups, and a select of
    # them all made the list page ~20x slower (bench/, 2,000 partners).
    partner = django_filters.CharFilter(
        label="パートナー（団体名など）", method="filter_partner", max_length=100
    )
    archived = django_filters.BooleanFilter(
        label="アーカイブした事業も表示する",
        method="filter_archived",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="並べ替え", choices=SORTS, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Project
        fields = ["q", "fiscal_year", "implementation_form", "department", "status", "partner"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        if is_partner_user(user):
            del self.filters["partner"]
            del self.filters["department"]

    @property
    def qs(self):
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()  # a wrong filter must not export everything
        qs = super().qs
        if not self.form.cleaned_data.get("archived"):
            qs = qs.filter(archived_at__isnull=True)
        if not self.form.cleaned_data.get("sort"):
            qs = qs.order_by(*_SORT_FIELDS["-fiscal_year"])
        return qs

    def filter_q(self, queryset, name, value):
        for word in normalize_for_search(value).split():
            queryset = queryset.filter(search_index__contains=word)
        return queryset

    def filter_partner(self, queryset, name, value):
        links = ProjectPartner.objects.filter(project=OuterRef("pk"))
        for word in normalize_for_search(value).split():
            links = links.filter(partner__search_index__contains=word)
        return queryset.filter(Exists(links))

    def filter_archived(self, queryset, name, value):
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*_SORT_FIELDS.get(value, _SORT_FIELDS["-fiscal_year"]))


YES_NO = [(True, "はい"), (False, "いいえ")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
        empty_value=None,
    )


class EligibilityForm(VersionedFormMixin, KyodoModelForm):
    """対象確認 (第2-1): each yes/no question comes with a written reason."""

    class Meta(KyodoModelForm.Meta):
        model = Eligibility
        fields = [
            "widens_service",
            "widens_service_reason",
            "touches_lives",
            "touches_lives_reason",
            "expertise",
            "cost_only",
            "cost_only_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("widens_service", "touches_lives", "cost_only"):
            self.fields[name] = _yes_no(Eligibility._meta.get_field(name).verbose_name)
        for name in ("widens_service_reason", "touches_lives_reason", "cost_only_reason"):
            self.fields[name].widget.attrs["rows"] = 2


class DisclosureForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Project
        fields = ["disclosure", "disclosure_reason", "publish_agreement_pdf"]
        widgets = {"disclosure": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosure"].required = True
        self.fields["disclosure"].choices = Disclosure.choices

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("disclosure") in ("partial", "private")
            and not cleaned.get("disclosure_reason", "").strip()
        ):
            self.add_error("disclosure_reason", "公開しない部分と、その理由を書いてください。")
        return cleaned


class TransitionForm(forms.Form):
    comment = CleanCharField(
        label="コメント", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FormGuideForm(forms.Form):
    """A few questions that narrow the seven 実施形態 down to a suggestion."""

    facility = forms.ChoiceField(
        label="公の施設の管理運営をパートナーに任せますか",
        choices=[("no", "いいえ"), ("yes", "はい")],
        widget=forms.RadioSelect,
        initial="no",
    )
    money = forms.ChoiceField(
        label="お金の動きはどれに近いですか",
        choices=[
            ("fee", "市が委託料を払い、業務をパートナーに任せる"),
            ("grant", "パートナー自身の事業に、市が補助金を出す"),
            ("shared", "市とパートナーが経費を出し合う"),
            ("none", "お金は動かない（名義や情報・場所の提供だけ）"),
        ],
        widget=forms.RadioSelect,
    )
    organiser = forms.ChoiceField(
        label="だれが主になって運営しますか",
        choices=[
            ("city", "市が主で、パートナーが専門性を生かして担う"),
            ("partner", "パートナーが主で、市は支える"),
            ("both", "市とパートナーが対等にいっしょに"),
            ("committee", "市とパートナーで委員会をつくって運営する"),
        ],
        widget=forms.RadioSelect,
    )
    duration = forms.ChoiceField(
        label="催しは1回限りですか、続けて行う事業ですか",
        choices=[("event", "1回限りの催し"), ("ongoing", "一定期間、続けて行う")],
        widget=forms.RadioSelect,
    )


class ImportForm(forms.Form):
    """The Excel list of past projects to preview (projects/imports.py reads it)."""

    file = forms.FileField(
        label="取り込むファイル（Excel の .xlsx）",
        error_messages={"required": "取り込むファイルを選んでください。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = max_upload_bytes() // (1024 * 1024)
        field = self.fields["file"]
        field.help_text = f"1枚目のシートに見出しの行、その下に1行1事業。{limit_mb}MBまで。"
        field.widget.attrs["accept"] = f".xlsx,{XLSX.content_type}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_workbook_upload(upload)
        except DomainError as exc:
            raise forms.ValidationError(str(exc), code="refused") from exc
        return upload
