"""Forms of the agreement: the items, and the role, cost and milestone tables as formsets."""

from django import forms

from kyodo.forms import (
    CleanCharField,
    KyodoModelForm,
    VersionedFormMixin,
    WarekiDateField,
    YenField,
)
from projects.models import AgreementVersion, Consultation, Project
from projects.services.agreements import VERSION_FIELDS


class AgreementVersionForm(VersionedFormMixin, KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = AgreementVersion
        fields = VERSION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.number == 1:
            del self.fields["change_reason"]
        self.fields["purpose"].required = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "終了日は開始日と同じか、それより後にしてください。")
        if (
            cleaned.get("results_shared") is False
            and not cleaned.get("results_not_shared_reason", "").strip()
        ):
            self.add_error(
                "results_not_shared_reason", "成果を共有しないときは、その理由が必要です。"
            )
        return cleaned


def _party_choices(project: Project, *, joint: bool) -> list[tuple[str, str]]:
    # The blank first choice keeps an untouched extra row "unchanged", so it is skipped.
    choices = [("", "選んでください"), ("city", "市（甲）")]
    if joint:
        choices.append(("joint", "共同"))
    choices += [
        (f"partner:{link.partner_id}", link.partner.name)
        for link in project.project_partners.select_related("partner")
    ]
    return choices


def _partner_id(key: str) -> int | None:
    return int(key.split(":", 1)[1]) if key.startswith("partner:") else None


class RoleRowForm(forms.Form):
    task = CleanCharField(label="役割（作業）", max_length=200)
    party = forms.ChoiceField(label="担う者")

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = choices

    def row(self) -> dict:
        key = self.cleaned_data["party"]
        partner_id = _partner_id(key)
        return {
            "task": self.cleaned_data["task"],
            "party": "partner" if partner_id else key,
            "partner_id": partner_id,
        }


class CostRowForm(forms.Form):
    item = CleanCharField(label="経費の項目", max_length=200)
    payer = forms.ChoiceField(label="負担する者")
    amount = YenField(label="金額（円）")

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = choices

    def row(self) -> dict:
        partner_id = _partner_id(self.cleaned_data["payer"])
        return {
            "item": self.cleaned_data["item"],
            "payer_is_city": partner_id is None,
            "partner_id": partner_id,
            "amount": self.cleaned_data["amount"],
        }


class MilestoneRowForm(forms.Form):
    on = WarekiDateField(label="日付")
    description = CleanCharField(label="内容", max_length=200)

    def row(self) -> dict:
        return {"on": self.cleaned_data["on"], "description": self.cleaned_data["description"]}


def _formset(form_class, extra: int):
    # absolute_max: a forged TOTAL_FORMS must not make Django build a thousand rows.
    return forms.formset_factory(
        form_class, extra=extra, can_delete=True, max_num=100, absolute_max=100, validate_max=True
    )


RoleFormSet = _formset(RoleRowForm, 3)
CostFormSet = _formset(CostRowForm, 3)
MilestoneFormSet = _formset(MilestoneRowForm, 2)


def table_formsets(version: AgreementVersion, data=None) -> dict:
    """The three table formsets of a version, bound to data or filled from the version."""
    project = version.agreement.project
    roles = [
        {"task": r.task, "party": f"partner:{r.partner_id}" if r.partner_id else r.party}
        for r in version.roles.all()
    ]
    costs = [
        {
            "item": c.item,
            "payer": "city" if c.payer_is_city else f"partner:{c.partner_id}",
            "amount": c.amount,
        }
        for c in version.costs.all()
    ]
    milestones = [{"on": m.on, "description": m.description} for m in version.milestones.all()]
    # The party choices are read once for the whole table, not once per row.
    joint = _party_choices(project, joint=True)
    payers = [choice for choice in joint if choice[0] != "joint"]
    return {
        "roles": RoleFormSet(data, initial=roles, prefix="roles", form_kwargs={"choices": joint}),
        "costs": CostFormSet(data, initial=costs, prefix="costs", form_kwargs={"choices": payers}),
        "milestones": MilestoneFormSet(data, initial=milestones, prefix="milestones"),
    }


def rows(formset) -> list[dict]:
    """The kept, non-empty rows of a valid formset."""
    return [f.row() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class ConsultationForm(KyodoModelForm):
    class Meta(KyodoModelForm.Meta):
        model = Consultation
        fields = ["held_on", "place", "attendees", "discussed", "decided", "proposes_change"]


class FollowUpRowForm(forms.Form):
    task = CleanCharField(label="宿題", max_length=200)
    owner = forms.ModelChoiceField(label="担当", queryset=None, required=False)
    due_on = WarekiDateField(label="期限", required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


FollowUpFormSet = forms.formset_factory(
    FollowUpRowForm, extra=3, max_num=30, absolute_max=30, validate_max=True
)
