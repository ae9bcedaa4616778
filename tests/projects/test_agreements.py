"""The agreement's services: drafting, freezing, confirming by every party, amending, comparing."""

from datetime import date

import pytest
from django.utils import timezone

from kyodo.services import ConflictError, DomainError
from projects.models import (
    Agreement,
    AgreementConfirmation,
    AgreementVersion,
    ImplementationForm,
    Project,
)
from projects.policy import Step
from projects.services import agreements
from projects.steps import step_states
from tests.factories import ProjectFactory, ProjectPartnerFactory

ITEMS = {
    "purpose": "海岸を市民の手で守り、次の世代に引き継ぐ",
    "responsibility": "作業中の事故は、その作業を担う者が責任を負う",
    "insurance": "乙がボランティア保険に入り、保険料は甲が負担する",
    "period_start": date(2026, 4, 1),
    "period_end": date(2027, 3, 31),
    "deliverables": "活動報告書（年1回）",
    "deliverables_owner": "shared",
    "consultation": "毎月第1水曜日に定例会議を開く",
    "change_procedure": "協議のうえ、変更協定を結ぶ",
    "confidentiality": "",
    "crisis_management": "",
    "personal_data": "",
    "other": "",
    "results_shared": True,
    "results_not_shared_reason": "",
}
ALL_GAPS = [
    "事業の目的（第1）",
    "役割分担（第2）を1行以上",
    "責任の分担（第3）",
    "事業期間（第5）",
    "協議の場（第7）",
    "途中で変更するときの方法（第8）",
    "成果を共有しない理由",
]


def save(version, by, *, items=None, roles=None, costs=None, milestones=None):
    """Save a draft through the service, starting from its current edit version."""
    version.refresh_from_db()
    agreements.agreement_version_save(
        version=version,
        by=by,
        expected_version=version.version,
        data={**ITEMS, **(items or {})},
        roles=roles if roles is not None else [{"task": "海岸の清掃", "party": "joint"}],
        costs=costs
        if costs is not None
        else [{"item": "ごみ袋", "payer_is_city": True, "partner_id": None, "amount": 12000}],
        milestones=milestones
        if milestones is not None
        else [{"on": date(2026, 5, 10), "description": "清掃の開始"}],
    )
    version.refresh_from_db()
    return version


def frozen(version, by):
    save(version, by)
    return agreements.agreement_freeze(version=version, by=by)


def mark_agreed(version) -> AgreementVersion:
    """Agree a version directly, without rendering: for tests about what comes after."""
    AgreementVersion.objects.filter(pk=version.pk).update(
        frozen_at=timezone.now(), agreed_at=timezone.now(), pdf_sha256="0" * 64
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def draft(project, staff):
    return agreements.agreement_start(project=project, by=staff)


# --- Starting ----------------------------------------------------------------------------


def test_it_starts_a_first_draft_filled_from_the_project(project, staff):
    Project.objects.filter(pk=project.pk).update(
        purpose="砂浜のごみを減らす", start_date=date(2026, 4, 1), end_date=date(2027, 3, 31)
    )
    project.refresh_from_db()

    version = agreements.agreement_start(project=project, by=staff)

    version.refresh_from_db()
    assert version.agreement.project == project
    assert (version.number, version.label, version.is_draft) == (1, "原協定", True)
    assert version.purpose == "砂浜のごみを減らす"
    assert (version.period_start, version.period_end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert version.history.get().history_user == staff


@pytest.mark.parametrize("form", [ImplementationForm.HOJO, ImplementationForm.KOEN])
def test_it_refuses_an_agreement_for_a_subsidy_or_an_endorsement(staff, department, form):
    project = ProjectFactory(implementation_form=form, department=department)
    with pytest.raises(DomainError, match="では協定書は作りません"):
        agreements.agreement_start(project=project, by=staff)
    assert not Agreement.objects.filter(project=project).exists()


def test_it_refuses_to_start_the_agreement_twice(draft, project, staff):
    with pytest.raises(DomainError, match="すでにあります"):
        agreements.agreement_start(project=project, by=staff)
    assert AgreementVersion.objects.filter(agreement__project=project).count() == 1


# --- Saving a draft ----------------------------------------------------------------------


def test_it_replaces_the_tables_on_each_save(draft, staff, partner_org):
    save(draft, staff)
    save(
        draft,
        staff,
        items={"purpose": "新しい目的"},
        roles=[
            {"task": "広報", "party": "city", "partner_id": None},
            {"task": "当日の運営", "party": "partner", "partner_id": partner_org.pk},
        ],
        costs=[],
        milestones=[{"on": date(2026, 6, 1), "description": "中間の報告"}],
    )

    draft.refresh_from_db()
    assert draft.purpose == "新しい目的"
    assert draft.version == 3
    assert [(r.task, r.party_display) for r in draft.roles.all()] == [
        ("広報", "市"),
        ("当日の運営", partner_org.name),
    ]
    assert not draft.costs.exists()
    assert [m.description for m in draft.milestones.all()] == ["中間の報告"]


def test_it_refuses_a_save_from_a_stale_edit_version(draft, staff):
    save(draft, staff)
    with pytest.raises(ConflictError):
        agreements.agreement_version_save(
            version=draft,
            by=staff,
            expected_version=1,
            data={**ITEMS, "purpose": "古い画面からの保存"},
            roles=[],
            costs=[],
            milestones=[],
        )
    draft.refresh_from_db()
    assert draft.purpose == ITEMS["purpose"]
    assert draft.roles.count() == 1


def test_it_refuses_a_milestone_outside_the_period_and_keeps_the_saved_draft(draft, staff):
    save(draft, staff)
    with pytest.raises(DomainError, match="「前年の下見」の日付が事業期間の外です"):
        save(
            draft,
            staff,
            items={"purpose": "変えようとした目的"},
            milestones=[{"on": date(2026, 3, 31), "description": "前年の下見"}],
        )
    draft.refresh_from_db()
    assert draft.purpose == ITEMS["purpose"]
    assert [m.description for m in draft.milestones.all()] == ["清掃の開始"]


# --- Freezing ----------------------------------------------------------------------------


def test_it_lists_every_missing_item_when_freezing_an_empty_draft(draft, staff):
    AgreementVersion.objects.filter(pk=draft.pk).update(
        purpose=" ", period_start=None, period_end=None, results_shared=False
    )
    draft.refresh_from_db()
    assert agreements.freeze_gaps(draft) == ALL_GAPS

    with pytest.raises(DomainError) as refused:
        agreements.agreement_freeze(version=draft, by=staff)
    assert str(refused.value) == "確定する前に、次の項目を入力してください: " + "、".join(ALL_GAPS)
    draft.refresh_from_db()
    assert draft.is_draft


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        ({"purpose": ""}, "事業の目的（第1）"),
        ({"responsibility": "  "}, "責任の分担（第3）"),
        ({"period_end": None}, "事業期間（第5）"),
        ({"consultation": ""}, "協議の場（第7）"),
        ({"change_procedure": ""}, "途中で変更するときの方法（第8）"),
        ({"results_shared": False}, "成果を共有しない理由"),
    ],
)
def test_it_names_the_one_missing_item_of_an_otherwise_complete_draft(draft, staff, change, gap):
    save(draft, staff)
    assert agreements.freeze_gaps(draft) == []
    AgreementVersion.objects.filter(pk=draft.pk).update(**change)
    draft.refresh_from_db()
    assert agreements.freeze_gaps(draft) == [gap]


def test_it_asks_for_at_least_one_role(draft, staff):
    save(draft, staff, roles=[])
    assert agreements.freeze_gaps(draft) == ["役割分担（第2）を1行以上"]


def test_it_accepts_unshared_results_with_a_reason(draft, staff):
    save(
        draft,
        staff,
        items={"results_shared": False, "results_not_shared_reason": "参加者の個人情報を含むため"},
    )
    assert agreements.freeze_gaps(draft) == []


def test_it_freezes_a_complete_draft_once(draft, staff):
    save(draft, staff)
    version = agreements.agreement_freeze(version=draft, by=staff)

    version.refresh_from_db()
    assert not version.is_draft and not version.is_agreed
    assert version.frozen_by == staff
    assert version.state_label == "確認待ち"
    with pytest.raises(DomainError, match="すでに確定しています"):
        agreements.agreement_freeze(version=version, by=staff)


def test_it_refuses_to_edit_a_frozen_version(draft, staff):
    frozen(draft, staff)
    with pytest.raises(DomainError, match="確定した版は変更できません"):
        save(draft, staff, items={"purpose": "確定後に書き換え"}, roles=[])
    draft.refresh_from_db()
    assert draft.purpose == ITEMS["purpose"]
    assert draft.roles.count() == 1


# --- Confirming --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "admin_user"])
def test_it_lets_the_owning_department_or_an_admin_confirm_for_the_city(request, draft, staff, who):
    frozen(draft, staff)
    agreements.agreement_confirm(version=draft, by=request.getfixturevalue(who))
    confirmation = AgreementConfirmation.objects.get(version=draft)
    assert confirmation.party_key == "city"
    assert confirmation.by == request.getfixturevalue(who)


def test_it_lets_the_partner_confirm_for_its_organisation(draft, staff, partner_user):
    frozen(draft, staff)
    agreements.agreement_confirm(version=draft, by=partner_user)
    confirmation = AgreementConfirmation.objects.get(version=draft)
    assert confirmation.party_key == f"partner:{partner_user.partner_id}"


@pytest.mark.parametrize("who", ["staff2", "coordinator", "partner2_user"])
def test_it_refuses_a_confirmation_from_someone_who_is_no_party(request, draft, staff, who):
    frozen(draft, staff)
    with pytest.raises(DomainError, match="当事者として確認できません"):
        agreements.agreement_confirm(version=draft, by=request.getfixturevalue(who))
    assert not AgreementConfirmation.objects.exists()


def test_it_refuses_the_same_party_confirming_twice(draft, staff, admin_user):
    frozen(draft, staff)
    agreements.agreement_confirm(version=draft, by=staff)
    with pytest.raises(DomainError, match="すでに確認しています"):
        agreements.agreement_confirm(version=draft, by=admin_user)
    assert AgreementConfirmation.objects.filter(version=draft).count() == 1


def test_it_refuses_a_confirmation_of_a_draft(draft, staff):
    save(draft, staff)
    with pytest.raises(DomainError, match="まだ案の段階です"):
        agreements.agreement_confirm(version=draft, by=staff)
    assert not AgreementConfirmation.objects.exists()


def test_it_agrees_only_when_the_city_and_every_partner_confirmed(
    draft, project, staff, partner_user, partner2_user, other_partner_org
):
    ProjectPartnerFactory(project=project, partner=other_partner_org)
    frozen(draft, staff)
    assert [p.mark for p in agreements.parties(project)] == ["甲", "乙", "丙"]

    for who in (staff, partner_user):
        agreements.agreement_confirm(version=draft, by=who)
        draft.refresh_from_db()
        assert not draft.is_agreed
        assert not draft.pdf
        assert agreements.latest_agreed(draft.agreement) is None

    agreements.agreement_confirm(version=draft, by=partner2_user)

    draft.refresh_from_db()
    assert draft.is_agreed and draft.state_label == "合意済"
    assert len(draft.pdf_sha256) == 64
    assert draft.short_hash == draft.pdf_sha256[:12]
    with draft.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert agreements.latest_agreed(draft.agreement) == draft
    agreement_step = next(s for s in step_states(project) if s.step == Step.AGREEMENT)
    assert agreement_step.done
    with pytest.raises(DomainError, match="すでに合意済みです"):
        agreements.agreement_confirm(version=draft, by=staff)


def test_it_leaves_the_agreement_step_open_while_a_version_is_only_frozen(draft, project, staff):
    frozen(draft, staff)
    agreements.agreement_confirm(version=draft, by=staff)
    agreement_step = next(s for s in step_states(project) if s.step == Step.AGREEMENT)
    assert agreement_step.missing == ["全当事者が確認した協定（合意済）"]


def test_it_drops_the_confirmations_when_a_version_goes_back_to_drafting(
    draft, staff, partner_user
):
    frozen(draft, staff)
    agreements.agreement_confirm(version=draft, by=staff)

    agreements.agreement_unfreeze(version=draft, by=staff)

    draft.refresh_from_db()
    assert draft.is_draft and draft.frozen_by is None
    assert not draft.confirmations.exists()
    with pytest.raises(DomainError, match="確認待ちの版だけ"):
        agreements.agreement_unfreeze(version=draft, by=staff)


# --- Amending and comparing --------------------------------------------------------------


def test_it_copies_the_agreed_items_and_tables_into_an_amendment(draft, staff, partner_org):
    save(
        draft,
        staff,
        roles=[{"task": "当日の運営", "party": "partner", "partner_id": partner_org.pk}],
        costs=[
            {"item": "保険料", "payer_is_city": False, "partner_id": partner_org.pk, "amount": 5000}
        ],
    )
    mark_agreed(draft)

    amendment = agreements.agreement_amend(
        agreement=draft.agreement, by=staff, reason="雨天時の順延を加える"
    )

    amendment.refresh_from_db()
    assert (amendment.number, amendment.label) == (2, "変更協定（第1号）")
    assert amendment.is_draft
    assert amendment.change_reason == "雨天時の順延を加える"
    for name in agreements.VERSION_FIELDS:
        if name != "change_reason":
            assert getattr(amendment, name) == getattr(draft, name), name
    assert [(r.task, r.party, r.partner_id) for r in amendment.roles.all()] == [
        ("当日の運営", "partner", partner_org.pk)
    ]
    assert [(c.item, c.payer_is_city, c.amount) for c in amendment.costs.all()] == [
        ("保険料", False, 5000)
    ]
    assert [(m.on, m.description) for m in amendment.milestones.all()] == [
        (date(2026, 5, 10), "清掃の開始")
    ]
    # The agreed version keeps its own rows.
    assert draft.roles.count() == 1 and draft.milestones.count() == 1


def test_it_asks_for_the_reason_of_an_amendment_before_freezing(draft, staff):
    save(draft, staff)
    mark_agreed(draft)
    amendment = agreements.agreement_amend(agreement=draft.agreement, by=staff)
    assert agreements.freeze_gaps(amendment) == ["変更の理由"]


def test_it_refuses_an_amendment_before_any_version_is_agreed(draft, staff):
    with pytest.raises(DomainError, match="編集中または確認待ちの版があります"):
        agreements.agreement_amend(agreement=draft.agreement, by=staff)
    AgreementVersion.objects.filter(pk=draft.pk).delete()
    with pytest.raises(DomainError, match="合意済みの版がまだありません"):
        agreements.agreement_amend(agreement=draft.agreement, by=staff)
    assert not AgreementVersion.objects.exists()


def test_it_refuses_a_second_amendment_while_the_first_is_a_draft(draft, staff):
    save(draft, staff)
    mark_agreed(draft)
    agreements.agreement_amend(agreement=draft.agreement, by=staff)
    with pytest.raises(DomainError, match="編集中または確認待ちの版があります"):
        agreements.agreement_amend(agreement=draft.agreement, by=staff)
    assert list(draft.agreement.versions.values_list("number", flat=True)) == [1, 2]


def test_it_marks_the_changed_items_and_tables_between_versions(draft, staff):
    save(draft, staff)
    mark_agreed(draft)
    amendment = agreements.agreement_amend(agreement=draft.agreement, by=staff)
    save(
        amendment,
        staff,
        items={"consultation": "隔月で定例会議を開く", "change_reason": "会議の頻度を見直す"},
        roles=[{"task": "海岸の清掃", "party": "joint"}, {"task": "広報", "party": "city"}],
    )

    rows = {row["label"]: row for row in agreements.version_diff(draft, amendment)}

    changed = {label for label, row in rows.items() if row["changed"]}
    assert changed == {"第7 協議機会の確保: 協議の場", "変更の理由: 変更の理由", "第2 役割分担"}
    assert rows["第7 協議機会の確保: 協議の場"]["old"] == "毎月第1水曜日に定例会議を開く"
    assert rows["第7 協議機会の確保: 協議の場"]["new"] == "隔月で定例会議を開く"
    assert rows["第2 役割分担"]["new"] == "海岸の清掃 — 共同\n広報 — 市"
    assert rows["第4 経費負担"] == {
        "label": "第4 経費負担",
        "old": "ごみ袋 — 市 12,000円",
        "new": "ごみ袋 — 市 12,000円",
        "changed": False,
    }
    assert rows["第5 事業期間: 事業期間の開始日"]["old"] == "令和8年4月1日"
