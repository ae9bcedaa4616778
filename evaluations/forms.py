"""Forms of the evaluation step."""

from django import forms

from evaluations.models import (
    ITEMS,
    BeneficiarySurvey,
    ClosingDecision,
    ProcessEvaluation,
    Rating,
    ResultEvaluation,
)
from evaluations.services import RATING_FIELDS
from kyodo.forms import CleanCharField, KyodoModelForm, VersionedFormMixin
from projects.models import ImplementationForm


class ProcessEvaluationForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = ProcessEvaluation
        fields = RATING_FIELDS
        widgets = {f"{key}_rating": forms.RadioSelect for key, _l, _q in ITEMS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, question in ITEMS:
            field = self.fields[f"{key}_rating"]
            field.choices = Rating.choices  # no blank radio: a draft may leave it unset
            field.label = f"{label}: {question}"
            field.help_text = ""
            self.fields[f"{key}_comment"].widget.attrs["rows"] = 2

    def items(self):
        """(label, rating field, comment field) per item, for the template."""
        for key, label, _q in ITEMS:
            yield label, self[f"{key}_rating"], self[f"{key}_comment"]

    def point_at_missing(self) -> None:
        """On a refused submit: mark every unanswered item on the form."""
        for key, label, _q in ITEMS:
            if self.cleaned_data.get(f"{key}_rating") in (None, ""):
                self.add_error(f"{key}_rating", f"「{label}」の評価を選んでください。")


class ResultEvaluationForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = ResultEvaluation
        fields = [
            "achieved",
            "effect",
            "participants",
            "events",
            "other_figures",
            "beneficiary_survey_agreed",
        ]


class SurveyForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = BeneficiarySurvey
        fields = [
            "is_open",
            "paper_respondents",
            "paper_done",
            "paper_mostly",
            "paper_hardly",
            "paper_not_done",
            "paper_note",
        ]

    def clean(self):
        cleaned = super().clean()
        parts = ["paper_done", "paper_mostly", "paper_hardly", "paper_not_done"]
        counted = sum(cleaned.get(name) or 0 for name in parts)
        if counted > (cleaned.get("paper_respondents") or 0):
            self.add_error("paper_respondents", "回答の内訳の合計が、回答者数を超えています。")
        return cleaned


class SurveyAnswerForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="参加してみて、いかがでしたか",
        choices=[
            (4, "とてもよかった"),
            (3, "まあよかった"),
            (2, "あまりよくなかった"),
            (1, "よくなかった"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "どれか1つを選んでください。"},
    )
    comment = CleanCharField(
        label="ご意見・ご感想（任意）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="お名前や連絡先は書かないでください。",
    )


class ClosingDecisionForm(forms.Form):
    choice = forms.ChoiceField(
        label="次年度の方針", choices=ClosingDecision.Choice.choices, widget=forms.RadioSelect
    )
    next_form = forms.ChoiceField(
        label="次年度の実施形態（形態を変えるとき）",
        choices=[("", "選んでください"), *ImplementationForm.choices],
        required=False,
    )
    reason = CleanCharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="評価のどこから、この方針にしたのか。",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == ClosingDecision.Choice.CHANGE_FORM and not cleaned.get(
            "next_form"
        ):
            self.add_error("next_form", "次年度の実施形態を選んでください。")
        return cleaned
