"""The form policy: what each 実施形態 means and needs. Every screen asks this table.

Nothing else in the code decides per-form behaviour: no `if form == "hojo"` elsewhere.
"""

from dataclasses import dataclass

from django.db import models

from partners.models import Partner
from projects.models import (
    FormDetail,
    HojoDetail,
    ImplementationForm,
    ItakuDetail,
    JigyoKyoryokuDetail,
    JikkoIinkaiDetail,
    KoenDetail,
    KyosaiDetail,
    PartnerRole,
    ShiteiDetail,
)


class Step(models.TextChoices):
    """The guideline's steps (第2), in the order a project walks them."""

    PLAN = "plan", "企画"
    ELIGIBILITY = "eligibility", "対象確認"
    SELECTION = "selection", "パートナー選定"
    AGREEMENT = "agreement", "合意形成"
    IMPLEMENTATION = "implementation", "実施・協議"
    EVALUATION = "evaluation", "評価"
    DISCLOSURE = "disclosure", "公開"


class Need(models.TextChoices):
    REQUIRED = "required", "必須"
    OPTIONAL = "optional", "任意"
    NOT_APPLICABLE = "na", "不要"


# The high-involvement forms walk every step.
FULL_PATH = dict.fromkeys(Step, Need.REQUIRED)

# Which steps must be done before each transition (the rest may follow later).
BEFORE_SUBMIT = (Step.PLAN, Step.ELIGIBILITY)
BEFORE_START = (Step.SELECTION, Step.AGREEMENT)
BEFORE_EVALUATION = (Step.IMPLEMENTATION,)
BEFORE_COMPLETE = (Step.EVALUATION, Step.DISCLOSURE)


@dataclass(frozen=True)
class FormSpec:
    form: ImplementationForm
    summary: str
    # 5 = the city is most involved (委託), 1 = least (後援), after 第1-6's ordering.
    involvement: int
    involvement_label: str
    detail_model: type[FormDetail]
    partner_role: PartnerRole
    document: str
    steps: dict[Step, Need]
    # Facts of the detail model the 企画 step needs before it counts as done.
    plan_fields: tuple[str, ...] = ()
    # Whether the project budget (事業費) belongs to the plan (後援 moves no money).
    needs_budget: bool = True
    # Plan facts needed only when another fact is set: (if this field is true, that one).
    plan_fields_if: tuple[tuple[str, str], ...] = ()
    # Facts of the detail model needed before the project starts (実施中): the decision that
    # stands in for selection and agreement (補助 交付決定, 後援 承認).
    start_fields: tuple[str, ...] = ()
    # The kinds of partner this form accepts (None: every kind).
    partner_kinds: tuple[str, ...] | None = None

    def refuses_partner(self, partner: Partner) -> str | None:
        """Why a partner of this kind cannot take part in this form (None: it can)."""
        if self.partner_kinds is None or partner.kind in self.partner_kinds:
            return None
        kinds = "・".join(str(Partner.Kind(kind).label) for kind in self.partner_kinds)
        return (
            f"{self.label}のパートナーにできるのは{kinds}です"
            f"（{partner.name}は{partner.get_kind_display()}）。"
        )

    @property
    def label(self) -> str:
        return self.form.label

    @property
    def detail_related_name(self) -> str:
        # Always set on a model class; django-stubs allows None for unattached Options.
        return self.detail_model._meta.model_name  # type: ignore[return-value]


POLICY: dict[str, FormSpec] = {
    spec.form.value: spec
    for spec in (
        FormSpec(
            form=ImplementationForm.ITAKU,
            summary=(
                "市が担うべき事業を、パートナーの専門性や発想を活かして任せます。"
                "パートナーの提案を仕様書に取り入れ、実施中も協議を続けます。"
                "経費の削減だけが目的なら協働ではなく通常の委託です。"
            ),
            involvement=5,
            involvement_label="大きい",
            detail_model=ItakuDetail,
            partner_role=PartnerRole.CONTRACTOR,
            document="委託契約書",
            steps=FULL_PATH,
            plan_fields=("specification", "consultation_plan"),
        ),
        FormSpec(
            form=ImplementationForm.SHITEI,
            summary=(
                "公の施設の管理運営を、市民活動団体や地域組織に任せます。"
                "施設名、指定期間、管理運営の基準を記録します。"
            ),
            involvement=5,
            involvement_label="大きい",
            detail_model=ShiteiDetail,
            partner_role=PartnerRole.DESIGNATED,
            document="基本協定書",
            steps=FULL_PATH,
            plan_fields=("facility_name", "designation_start", "designation_end"),
            # Only a 指定管理 by a civic group or a community organisation is 協働 (第1-6).
            partner_kinds=(Partner.Kind.CIVIC, Partner.Kind.NPO, Partner.Kind.COMMUNITY),
        ),
        FormSpec(
            form=ImplementationForm.JIGYO_KYORYOKU,
            summary=(
                "市とパートナーがそれぞれの得意を出し合い、一定期間いっしょに取り組みます。"
                "役割、経費、責任の分け方を協定書で決めます。公園や道路の里親制度もここに入ります。"
            ),
            involvement=4,
            involvement_label="やや大きい",
            detail_model=JigyoKyoryokuDetail,
            partner_role=PartnerRole.AGREEMENT,
            document="協定書",
            steps=FULL_PATH,
            plan_fields_if=(("is_adopt_program", "adopt_place"),),
        ),
        FormSpec(
            form=ImplementationForm.JIKKO_IINKAI,
            summary=(
                "パートナーと市が委員として実行委員会をつくり、企画の段階から催しを運営します。"
                "委員の顔ぶれ、経費と役割の分担を記録します。"
            ),
            involvement=3,
            involvement_label="中くらい",
            detail_model=JikkoIinkaiDetail,
            partner_role=PartnerRole.MEMBER,
            document="協定書",
            steps=FULL_PATH,
            plan_fields=("committee_name", "members"),
        ),
        FormSpec(
            form=ImplementationForm.KYOSAI,
            summary=(
                "市とパートナーが主催者として名を連ね、ひとつの催しを共同で開きます。"
                "共催者と催しの日時・会場を記録します。"
            ),
            involvement=3,
            involvement_label="中くらい",
            detail_model=KyosaiDetail,
            partner_role=PartnerRole.COHOST,
            document="協定書",
            steps=FULL_PATH,
            plan_fields=("event_name", "event_date"),
        ),
        FormSpec(
            form=ImplementationForm.HOJO,
            summary=(
                "パートナーが自ら行う公益的な事業に、市がお金を出して支えます。"
                "補助金額、財源（市民活動げんき基金など）、交付決定を記録します。"
            ),
            involvement=2,
            involvement_label="小さい",
            detail_model=HojoDetail,
            partner_role=PartnerRole.GRANTEE,
            document="交付決定通知",
            # The subsidy decision (交付決定) stands in for selection and agreement.
            steps={
                **FULL_PATH,
                Step.SELECTION: Need.NOT_APPLICABLE,
                Step.AGREEMENT: Need.NOT_APPLICABLE,
                Step.IMPLEMENTATION: Need.OPTIONAL,
            },
            plan_fields=("amount", "fund"),
            start_fields=("decision_date", "decision_number"),
        ),
        FormSpec(
            form=ImplementationForm.KOEN,
            summary=(
                "パートナーが主催する催しに、市が名義を貸して応援します。"
                "お金や職員は出しません。催しと承認の記録を残します。"
            ),
            involvement=1,
            involvement_label="最も小さい",
            detail_model=KoenDetail,
            partner_role=PartnerRole.ENDORSED,
            document="後援承認",
            # The endorsement (後援承認) is the whole arrangement: no money, no staff.
            steps={
                **FULL_PATH,
                Step.SELECTION: Need.NOT_APPLICABLE,
                Step.AGREEMENT: Need.NOT_APPLICABLE,
                Step.IMPLEMENTATION: Need.NOT_APPLICABLE,
                Step.EVALUATION: Need.OPTIONAL,
            },
            plan_fields=("event_name", "event_date"),
            needs_budget=False,
            start_fields=("approval_date", "approval_number"),
        ),
    )
}


def spec_for(form: str) -> FormSpec:
    """The policy row of one 実施形態."""
    return POLICY[form]


def all_specs() -> list[FormSpec]:
    """The seven rows in the guideline's order (most city involvement first)."""
    return [POLICY[value] for value in ImplementationForm.values]


def need(form: str, step: Step) -> Need:
    """How much one 実施形態 needs one step."""
    return POLICY[form].steps[step]


def added_steps(old_form: str, new_form: str) -> list[Step]:
    """Steps the new form requires that the old one did not (shown when the form changes)."""
    return [
        step
        for step in Step
        if need(new_form, step) == Need.REQUIRED and need(old_form, step) != Need.REQUIRED
    ]


def suggest_form(answers: dict[str, str]) -> tuple[ImplementationForm, str] | None:
    """Narrow the seven forms down to one from the guide's answers, with the reason.

    The user may still choose another; this only reads the answers the way 第1-6 describes
    each form.
    """
    if not answers:
        return None
    if answers.get("facility") == "yes":
        return ImplementationForm.SHITEI, "公の施設の管理運営を任せるので、指定管理者が近い形です。"
    money, organiser = answers.get("money"), answers.get("organiser")
    one_event = answers.get("duration") == "event"
    if money == "fee":
        return (
            ImplementationForm.ITAKU,
            "市が費用を払って業務を任せるので委託です。パートナーの提案を仕様に生かしてください。",
        )
    if money == "grant":
        return (
            ImplementationForm.HOJO,
            "パートナー自身の公益的な事業を市がお金で支えるので補助です。",
        )
    if money == "none" and organiser == "partner":
        return ImplementationForm.KOEN, "パートナーが主催し、市は名義で応援するので後援です。"
    if organiser == "committee":
        return (
            ImplementationForm.JIKKO_IINKAI,
            "市とパートナーで委員会をつくり企画から運営するので実行委員会です。",
        )
    if one_event:
        return (
            ImplementationForm.KYOSAI,
            "ひとつの催しを市とパートナーが共同で主催するので共催です。",
        )
    return (
        ImplementationForm.JIGYO_KYORYOKU,
        "市とパートナーが役割や経費を分け合い、一定期間続けて取り組むので事業協力です。",
    )
