"""The form policy (which steps each 実施形態 needs) and the steps derived from a project's data."""

from datetime import date

import pytest
from django.utils import timezone

from projects.forms.project import FormGuideForm
from projects.models import (
    Agreement,
    AgreementVersion,
    Consultation,
    Eligibility,
    Fund,
    HojoDetail,
    ImplementationForm,
    KoenDetail,
)
from projects.policy import POLICY, Need, Step, added_steps, suggest_form
from projects.services.project import project_detail
from projects.steps import blocking, step_states
from selection.models import Selection
from tests.factories import ProjectFactory, ProjectPartnerFactory

REQ, OPT, NA = Need.REQUIRED, Need.OPTIONAL, Need.NOT_APPLICABLE

# Columns: 企画, 対象確認, パートナー選定, 合意形成, 実施・協議, 評価, 公開 (第2, in order).
NEEDS = {
    "itaku": (REQ, REQ, REQ, REQ, REQ, REQ, REQ),
    "shitei": (REQ, REQ, REQ, REQ, REQ, REQ, REQ),
    "jigyo_kyoryoku": (REQ, REQ, REQ, REQ, REQ, REQ, REQ),
    "jikko_iinkai": (REQ, REQ, REQ, REQ, REQ, REQ, REQ),
    "kyosai": (REQ, REQ, REQ, REQ, REQ, REQ, REQ),
    # The subsidy decision (交付決定) replaces selection and agreement.
    "hojo": (REQ, REQ, NA, NA, OPT, REQ, REQ),
    # The endorsement (後援承認) is the whole arrangement.
    "koen": (REQ, REQ, NA, NA, NA, OPT, REQ),
}

PLAN = {
    "content": "海岸の清掃と啓発",
    "beneficiaries": "海岸を使う市民",
    "expected_effect": "ごみの量を3割減らす",
    "start_date": date(2025, 4, 1),
    "end_date": date(2026, 3, 31),
    "budget": 300_000,
}

KYODO_ANSWERS = {
    "widens_service": True,
    "widens_service_reason": "地域の団体が加わると参加者が増える",
    "touches_lives": True,
    "touches_lives_reason": "毎日使う海岸のこと",
    "expertise": "海岸清掃の長年の経験",
    "cost_only": False,
    "cost_only_reason": "費用を減らすためではない",
}


def state(project, step: Step, detail=None):
    return next(s for s in step_states(project, detail) if s.step == step)


def test_it_has_a_policy_row_for_each_of_the_seven_forms():
    assert sorted(POLICY) == sorted(ImplementationForm.values)
    assert sorted(NEEDS) == sorted(ImplementationForm.values)


@pytest.mark.parametrize(("form", "needs"), NEEDS.items(), ids=list(NEEDS))
def test_it_says_which_steps_each_form_requires(form, needs):
    spec = POLICY[form]
    assert set(spec.steps) == set(Step)
    assert tuple(spec.steps[step] for step in Step) == needs


def test_it_orders_the_steps_as_the_guideline_does():
    labels = [step.label for step in Step]
    assert labels == [
        "企画",
        "対象確認",
        "パートナー選定",
        "合意形成",
        "実施・協議",
        "評価",
        "公開",
    ]


@pytest.mark.parametrize(("form", "needs"), NEEDS.items(), ids=list(NEEDS))
@pytest.mark.django_db
def test_it_derives_each_steps_need_from_the_policy(form, needs):
    project = ProjectFactory(implementation_form=form)
    assert tuple(s.need for s in step_states(project)) == needs


@pytest.mark.parametrize(
    ("old", "new", "added"),
    [
        (
            "koen",
            "jigyo_kyoryoku",
            [Step.SELECTION, Step.AGREEMENT, Step.IMPLEMENTATION, Step.EVALUATION],
        ),
        ("hojo", "itaku", [Step.SELECTION, Step.AGREEMENT, Step.IMPLEMENTATION]),
        ("koen", "hojo", [Step.EVALUATION]),
        ("jigyo_kyoryoku", "koen", []),
        ("itaku", "shitei", []),
    ],
)
def test_it_names_the_steps_a_change_of_form_adds(old, new, added):
    assert added_steps(old, new) == added


GUIDE = [
    # (facility, money, organiser, duration) -> suggested form
    (("yes", "fee", "city", "ongoing"), ImplementationForm.SHITEI),
    (("no", "fee", "city", "ongoing"), ImplementationForm.ITAKU),
    (("no", "grant", "partner", "ongoing"), ImplementationForm.HOJO),
    (("no", "none", "partner", "event"), ImplementationForm.KOEN),
    (("no", "shared", "committee", "event"), ImplementationForm.JIKKO_IINKAI),
    (("no", "shared", "both", "event"), ImplementationForm.KYOSAI),
    (("no", "shared", "both", "ongoing"), ImplementationForm.JIGYO_KYORYOKU),
]


@pytest.mark.parametrize(("answers", "expected"), GUIDE, ids=[g[1].value for g in GUIDE])
def test_it_suggests_a_form_with_a_reason_from_the_guides_answers(answers, expected):
    guide = FormGuideForm(
        dict(zip(("facility", "money", "organiser", "duration"), answers, strict=True))
    )
    assert guide.is_valid(), guide.errors
    form, reason = suggest_form(guide.cleaned_data)
    assert form == expected
    assert expected.label in reason


def test_it_covers_all_seven_forms_in_the_guide_table():
    assert {expected for _, expected in GUIDE} == set(ImplementationForm)


def test_it_suggests_nothing_without_answers():
    assert suggest_form({}) is None


@pytest.mark.django_db
def test_it_lists_empty_plan_fields_as_missing_by_their_japanese_labels():
    project = ProjectFactory(implementation_form="jigyo_kyoryoku")
    plan = state(project, Step.PLAN)
    assert plan.missing == [
        "事業の内容",
        "受益者・対象者",
        "期待される効果",
        "事業開始日",
        "事業終了日",
        "事業費（円）",
        "パートナー（1団体以上）",
    ]
    assert not plan.done


@pytest.mark.django_db
def test_it_counts_the_plan_as_done_once_the_fields_are_filled():
    project = ProjectFactory(implementation_form="jigyo_kyoryoku", **PLAN)
    ProjectPartnerFactory(project=project)
    plan = state(project, Step.PLAN)
    assert plan.missing == []
    assert plan.done


@pytest.mark.django_db
def test_it_counts_a_zero_budget_as_entered():
    project = ProjectFactory(implementation_form="jigyo_kyoryoku", **{**PLAN, "budget": 0})
    ProjectPartnerFactory(project=project)
    assert state(project, Step.PLAN).done


@pytest.mark.django_db
def test_it_asks_a_subsidy_plan_for_the_amount_and_the_fund():
    project = ProjectFactory(implementation_form="hojo", **PLAN)
    ProjectPartnerFactory(project=project)
    assert state(project, Step.PLAN, project_detail(project)).missing == ["補助金額（円）", "財源"]

    fund, _ = Fund.objects.get_or_create(name="市民活動げんき基金")
    HojoDetail.objects.create(project=project, amount=500_000, fund=fund)
    plan = state(project, Step.PLAN, project_detail(project))
    assert plan.missing == []
    assert plan.done


@pytest.mark.django_db
def test_it_does_not_ask_an_endorsement_for_a_budget():
    project = ProjectFactory(implementation_form="koen", **{**PLAN, "budget": None})
    ProjectPartnerFactory(project=project)
    missing = state(project, Step.PLAN, project_detail(project)).missing
    assert missing == ["催しの名称", "開催日"]

    KoenDetail.objects.create(project=project, event_name="浜の清掃祭", event_date=date(2025, 7, 1))
    assert state(project, Step.PLAN, project_detail(project)).done


@pytest.mark.django_db
def test_it_asks_for_the_eligibility_answers():
    project = ProjectFactory()
    eligibility = state(project, Step.ELIGIBILITY)
    assert eligibility.missing == ["対象確認の回答"]
    assert not eligibility.done


@pytest.mark.parametrize(
    ("answers", "is_kyodo"),
    [
        ({}, True),
        ({"touches_lives": False}, True),
        ({"widens_service": False}, True),
        ({"widens_service": False, "touches_lives": False}, False),
        ({"cost_only": True}, False),
        ({"expertise": "  "}, False),
    ],
    ids=["both", "widens-only", "touches-only", "neither", "cost-only", "no-expertise"],
)
@pytest.mark.django_db
def test_it_counts_eligibility_done_only_with_kyodo_answers(answers, is_kyodo):
    project = ProjectFactory()
    record = Eligibility.objects.create(project=project, **{**KYODO_ANSWERS, **answers})
    assert record.is_kyodo is is_kyodo
    eligibility = state(project, Step.ELIGIBILITY)
    assert eligibility.done is is_kyodo
    if not is_kyodo:
        assert "協働にあたりません" in eligibility.missing[0]


@pytest.mark.django_db
def test_it_asks_for_a_selection_record(partner_org):
    project = ProjectFactory()
    assert state(project, Step.SELECTION).missing == ["選定の記録"]


@pytest.mark.django_db
def test_it_does_not_count_a_sole_source_selection_without_a_reason(partner_org):
    project = ProjectFactory()
    Selection.objects.create(
        project=project,
        method=Selection.Method.SOLE,
        state=Selection.State.DECIDED,
        chosen_partner=partner_org,
        decided_on=date(2025, 4, 10),
    )
    selection = state(project, Step.SELECTION)
    assert selection.missing == ["1者に決めた理由"]
    assert not selection.done


@pytest.mark.django_db
def test_it_counts_an_open_selection_as_done_once_decided(partner_org):
    project = ProjectFactory()
    record = Selection.objects.create(project=project, method=Selection.Method.PROPOSAL)
    assert state(project, Step.SELECTION).missing == ["選定の決定"]

    record.chosen_partner = partner_org
    record.decided_on = date(2025, 4, 10)
    record.state = Selection.State.DECIDED
    record.save()
    project.refresh_from_db()
    assert state(project, Step.SELECTION).done


@pytest.mark.parametrize(
    ("disclosure", "reason", "done"),
    [
        ("", "", False),
        ("partial", "", False),
        ("private", "   ", False),
        ("partial", "参加者の名簿は個人情報のため", True),
        ("private", "契約上の秘密を含むため", True),
        ("public", "", True),
    ],
)
@pytest.mark.django_db
def test_it_counts_disclosure_done_only_with_a_reason_for_what_stays_private(
    disclosure, reason, done
):
    project = ProjectFactory(disclosure=disclosure, disclosure_reason=reason)
    assert state(project, Step.DISCLOSURE).done is done


@pytest.mark.django_db
def test_it_counts_the_agreement_done_only_once_a_version_is_agreed():
    project = ProjectFactory()
    version = AgreementVersion.objects.create(
        agreement=Agreement.objects.create(project=project), number=1
    )
    assert not state(project, Step.AGREEMENT).done

    version.agreed_at = timezone.now()
    version.save()
    assert state(project, Step.AGREEMENT).done


@pytest.mark.django_db
def test_it_counts_implementation_done_after_one_consultation(staff):
    project = ProjectFactory()
    assert not state(project, Step.IMPLEMENTATION).done
    Consultation.objects.create(
        project=project,
        held_on=date(2025, 5, 1),
        attendees="市 環境政策課\nNPO法人 湘南なぎさネット",
        discussed="清掃の日程",
        created_by=staff,
    )
    assert state(project, Step.IMPLEMENTATION).done


@pytest.mark.django_db
def test_it_lists_what_the_evaluation_step_still_lacks(partner_org):
    project = ProjectFactory()
    project.project_partners.create(partner=partner_org, role="agreement")
    evaluation = state(project, Step.EVALUATION)
    assert evaluation.missing == [
        "市の協働プロセスの評価",
        f"{partner_org.name}の協働プロセスの評価",
        "成果の評価",
        "次年度の方針",
    ]
    assert not evaluation.done


@pytest.mark.django_db
def test_it_does_not_block_on_steps_the_form_does_not_need():
    project = ProjectFactory(implementation_form="hojo")
    states = step_states(project)
    assert blocking(states, (Step.SELECTION, Step.AGREEMENT)) == []
    jk = step_states(ProjectFactory(implementation_form="jigyo_kyoryoku"))
    assert [s.step for s in blocking(jk, (Step.SELECTION, Step.AGREEMENT))] == [
        Step.SELECTION,
        Step.AGREEMENT,
    ]
