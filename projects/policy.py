"""The form policy: what each 実施形態 means and needs. Every screen asks this table.

Nothing else in the code decides per-form behaviour: no `if form == "hojo"` elsewhere.
"""

from dataclasses import dataclass

from django.db import models

from projects.models import (
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


@dataclass(frozen=True)
class FormSpec:
    form: ImplementationForm
    summary: str
    # 5 = the city is most involved (委託), 1 = least (後援), after 第1-6's ordering.
    involvement: int
    involvement_label: str
    detail_model: type[models.Model]
    partner_role: PartnerRole
    document: str

    @property
    def label(self) -> str:
        return self.form.label

    @property
    def detail_related_name(self) -> str:
        return self.detail_model._meta.model_name


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
        ),
    )
}


def spec_for(form: str) -> FormSpec:
    """The policy row of one 実施形態."""
    return POLICY[form]


def all_specs() -> list[FormSpec]:
    """The seven rows in the guideline's order (most city involvement first)."""
    return [POLICY[value] for value in ImplementationForm.values]
