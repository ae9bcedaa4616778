"""Forms of a partner selection: header, criteria, panel, applications, score sheet, decision."""

from django import forms
from django.utils import timezone

from kyodo.forms import (
    CleanCharField,
    KyodoModelForm,
    NumberField,
    VersionedFormMixin,
    WarekiDateField,
)
from kyodo.models import User
from kyodo.uploads import ACCEPTED_LABEL, ACCEPTED_SUFFIXES, check_upload, max_upload_bytes
from partners.models import Partner
from selection.models import Candidate, Criterion, Selection
from selection.services import AFTER_DECISION_FIELDS, HEADER_FIELDS


class SelectionForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Selection
        fields = HEADER_FIELDS
        widgets = {"method": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_decided:
            for name in list(self.fields):
                if name not in (*AFTER_DECISION_FIELDS, "version"):
                    del self.fields[name]
            return
        self.fields["method"].choices = Selection.Method.choices  # no blank radio button

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("method") == Selection.Method.SOLE
            and not cleaned.get("sole_source_reason", "").strip()
        ):
            self.add_error(
                "sole_source_reason", "随意（1者のみ）で選ぶときは、その理由を書いてください。"
            )
        start, end = cleaned.get("call_start"), cleaned.get("call_end")
        if start and end and end < start:
            self.add_error("call_end", "締切日は開始日と同じか、それより後にしてください。")
        return cleaned


class CriterionRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The blank first choice keeps an untouched extra row "unchanged", so it is skipped.
    viewpoint = forms.ChoiceField(
        label="観点", choices=[("", "選んでください"), *Criterion.Viewpoint.choices]
    )
    title = CleanCharField(
        label="基準の名前", max_length=80, required=False, help_text="「その他の基準」では必須"
    )
    weight = NumberField(label="重み", min_value=0, max_value=10, initial=1)
    max_score = NumberField(label="満点", min_value=1, max_value=100, initial=5)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("viewpoint") == Criterion.Viewpoint.OTHER and not cleaned.get("title"):
            self.add_error("title", "「その他の基準」には、基準の名前を書いてください。")
        return cleaned


CriterionFormSet = forms.formset_factory(
    CriterionRowForm, extra=2, can_delete=True, max_num=30, absolute_max=30, validate_max=True
)


def criteria_formset(selection: Selection, data=None):
    initial = [
        {
            "id": c.pk,
            "viewpoint": c.viewpoint,
            "title": c.title,
            "weight": c.weight,
            "max_score": c.max_score,
        }
        for c in selection.criteria.all()
    ]
    return CriterionFormSet(data, initial=initial, prefix="criteria")


def criteria_rows(formset) -> list[dict]:
    return [
        {**f.cleaned_data, "delete": f.cleaned_data.get("DELETE", False)}
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("id") or not f.cleaned_data.get("DELETE"))
    ]


class ReviewerForm(forms.Form):
    user = forms.ModelChoiceField(
        label="市の職員",
        queryset=User.objects.none(),
        required=False,
        empty_label="（外部委員のときは選ばない）",
        help_text="ログインして自分で採点します。",
    )
    name = CleanCharField(
        label="外部委員の氏名",
        max_length=60,
        required=False,
        help_text="ログインしない委員。採点は所管課が代わりに入力します。",
    )
    affiliation = CleanCharField(label="所属・肩書", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True,
                role__in=[User.Role.DEPARTMENT, User.Role.COORDINATOR, User.Role.ADMIN],
            )
            .select_related("department")
            .order_by("department__sort_order", "username")
        )
        self.fields["user"].label_from_instance = _staff_label

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("user")) == bool(cleaned.get("name")):
            raise forms.ValidationError(
                "市の職員を選ぶか、外部委員の氏名を書くか、どちらか一方にしてください。"
            )
        return cleaned


def _staff_label(user: User) -> str:
    name = user.display_name
    return f"{name}（{user.department.name}）" if user.department_id else name


class CandidateForm(forms.Form):
    partner = forms.ModelChoiceField(
        label="名簿の団体",
        queryset=Partner.objects.none(),
        required=False,
        empty_label="（名簿にないときは選ばない）",
    )
    new_name = CleanCharField(
        label="名簿にない団体の名前",
        max_length=200,
        required=False,
        help_text="書くと、団体名簿にも登録されます。",
    )
    new_kind = forms.ChoiceField(
        label="名簿にない団体の種類", choices=Partner.Kind.choices, required=False
    )
    applied_on = WarekiDateField(label="応募日", required=False)
    proposal_summary = CleanCharField(
        label="提案の要旨",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="提案書の要点。審査する人が最初に読む部分です。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active().order_by("name_kana", "name")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("partner")) == bool(cleaned.get("new_name")):
            raise forms.ValidationError(
                "名簿から団体を選ぶか、名簿にない団体の名前を書くか、どちらか一方にしてください。"
            )
        if cleaned.get("new_name") and not cleaned.get("new_kind"):
            self.add_error("new_kind", "団体の種類を選んでください。")
        return cleaned

    def new_partner(self) -> dict | None:
        if not self.cleaned_data.get("new_name"):
            return None
        return {"name": self.cleaned_data["new_name"], "kind": self.cleaned_data["new_kind"]}


class CandidateEditForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Candidate
        fields = ["applied_on", "proposal_summary"]


class ProposalFileForm(forms.Form):
    file = forms.FileField(label="添付するファイル")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"{ACCEPTED_LABEL}。{limit_mb}MBまで。"
        self.fields["file"].widget.attrs["accept"] = ACCEPTED_SUFFIXES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class ScoreSheetForm(VersionedFormMixin):
    """One reviewer's table: a points box and a comment box per candidate and criterion."""

    def __init__(self, *args, reviewer, candidates, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewer, self.candidates, self.criteria = reviewer, candidates, criteria
        self.fields["version"].initial = reviewer.version
        saved = {(s.candidate_id, s.criterion_id): s for s in scores}
        for candidate in candidates:
            for criterion in criteria:
                key = (candidate.pk, criterion.pk)
                score = saved.get(key)
                self.fields[self.value_name(*key)] = NumberField(
                    label=f"{candidate.partner.name}・{criterion.label}の点数（0〜{criterion.max_score}点）",
                    min_value=0,
                    max_value=criterion.max_score,
                    required=False,
                    initial=score.value if score else None,
                    error_messages={
                        "min_value": "0点以上にしてください。",
                        "max_value": f"{criterion.max_score}点までです。",
                        "invalid": "数字で入れてください。",
                    },
                )
                self.fields[self.comment_name(*key)] = CleanCharField(
                    label=f"{candidate.partner.name}・{criterion.label}へのコメント",
                    max_length=500,
                    required=False,
                    initial=score.comment if score else "",
                )

    @staticmethod
    def value_name(candidate_id: int, criterion_id: int) -> str:
        return f"v_{candidate_id}_{criterion_id}"

    @staticmethod
    def comment_name(candidate_id: int, criterion_id: int) -> str:
        return f"c_{candidate_id}_{criterion_id}"

    def rows(self):
        """(candidate, [(criterion, points field, comment field)]) for the template."""
        for candidate in self.candidates:
            yield (
                candidate,
                [
                    (
                        criterion,
                        self[self.value_name(candidate.pk, criterion.pk)],
                        self[self.comment_name(candidate.pk, criterion.pk)],
                    )
                    for criterion in self.criteria
                ],
            )

    def cells(self) -> dict[tuple[int, int], tuple[int | None, str]]:
        return {
            (cand.pk, crit.pk): (
                self.cleaned_data.get(self.value_name(cand.pk, crit.pk)),
                self.cleaned_data.get(self.comment_name(cand.pk, crit.pk)) or "",
            )
            for cand in self.candidates
            for crit in self.criteria
        }


class DecideForm(forms.Form):
    candidate = forms.ModelChoiceField(
        label="選ぶ団体",
        queryset=Candidate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    decided_on = WarekiDateField(label="選定した日")
    not_top_reason = CleanCharField(
        label="合計点が最も高い団体ではない団体を選ぶ理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="最高点の団体を選ぶときは空欄で構いません。",
    )
    incomplete_reason = CleanCharField(
        label="採点がそろう前に決める理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="すべての委員が採点を提出していれば空欄で構いません。",
    )

    def __init__(self, *args, selection: Selection, ranking=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranking = ranking
        self.fields["candidate"].queryset = selection.candidates.select_related("partner")
        self.fields["candidate"].label_from_instance = self._label
        self.fields["decided_on"].initial = timezone.localdate()
        if not selection.is_competitive:
            del self.fields["not_top_reason"]
            del self.fields["incomplete_reason"]
        elif ranking and ranking.rows and ranking.rows[0].rank == 1:
            self.fields["candidate"].initial = ranking.rows[0].candidate.pk

    def _label(self, candidate: Candidate) -> str:
        if self.ranking is None:
            return candidate.partner.name
        row = next((r for r in self.ranking.rows if r.candidate.pk == candidate.pk), None)
        if row is None or row.total is None:
            return candidate.partner.name
        tie = "・同点" if row.tied else ""
        return f"{candidate.partner.name}（合計{row.total}点・{row.rank}位{tie}）"

    def clean(self):
        cleaned = super().clean()
        ranking, candidate = self.ranking, cleaned.get("candidate")
        if ranking is None or candidate is None:
            return cleaned
        if not ranking.complete and not cleaned.get("incomplete_reason"):
            self.add_error(
                "incomplete_reason",
                "まだ採点を提出していない委員がいます。待たずに決めるなら理由を書いてください。",
            )
        if ranking.submitted and candidate not in ranking.top and not cleaned.get("not_top_reason"):
            self.add_error(
                "not_top_reason", "最高点ではない団体を選ぶときは、その理由を書いてください。"
            )
        return cleaned
