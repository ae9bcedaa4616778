"""The evaluation's services, called directly: both sides' ratings, results, the survey, the
decision for next year, what the 評価 step lacks, and the cross-project report."""

from datetime import date

import pytest
from django.utils import timezone

from evaluations import services
from evaluations.models import (
    ITEM_KEYS,
    BeneficiarySurvey,
    ClosingDecision,
    ProcessEvaluation,
    ResultEvaluation,
    SurveyAnswer,
)
from evaluations.report import year_report
from kyodo.services import DomainError
from projects.models import ImplementationForm, Project, ProjectPartner, Status, StatusChange
from projects.policy import spec_for
from projects.services.workflow import project_complete
from tests.factories import PartnerFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


def ratings(value: int | None = 4, **overrides) -> dict:
    """All six items rated value, with a comment each; overrides by field name."""
    data = {f"{key}_rating": value for key in ITEM_KEYS}
    data.update({f"{key}_comment": f"{key}について" for key in ITEM_KEYS})
    data.update(overrides)
    return data


def set_status(project: Project, status: str, **extra) -> Project:
    Project.objects.filter(pk=project.pk).update(status=status, **extra)
    project.refresh_from_db()
    return project


@pytest.fixture
def evaluating(project):
    return set_status(project, Status.EVALUATING)


def submit_city(project, by, value=4, **overrides):
    return services.process_evaluation_save(
        project=project,
        by=by,
        expected_version=None,
        data=ratings(value, **overrides),
        submit=True,
    )


def submit_partner(project, by, partner, value=4, *, on_behalf=False, **overrides):
    return services.process_evaluation_save(
        project=project,
        by=by,
        partner=partner,
        expected_version=None,
        data=ratings(value, **overrides),
        submit=True,
        on_behalf=on_behalf,
    )


# Process evaluation ----------------------------------------------------------------------


def test_it_saves_a_draft_and_then_submits_it(evaluating, staff):
    draft = services.process_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data=ratings(None, purpose_rating=3),
        submit=False,
    )
    draft.refresh_from_db()
    assert not draft.is_submitted
    assert (draft.purpose_rating, draft.roles_rating, draft.version) == (3, None, 1)
    assert draft.side == ProcessEvaluation.Side.CITY and draft.partner is None

    done = services.process_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=draft.version,
        data=ratings(4, purpose_rating=2),
        submit=True,
    )
    done.refresh_from_db()
    assert done.pk == draft.pk
    assert done.is_submitted
    assert (done.purpose_rating, done.synergy_rating, done.version) == (2, 4, 2)
    assert ProcessEvaluation.objects.filter(project=evaluating).count() == 1


def test_it_names_each_missing_item_when_submitting(evaluating, staff):
    with pytest.raises(DomainError) as refused:
        services.process_evaluation_save(
            project=evaluating,
            by=staff,
            expected_version=None,
            data=ratings(4, roles_rating=None, synergy_rating=None),
            submit=True,
        )
    message = str(refused.value)
    assert "役割分担" in message and "相乗効果" in message
    assert "目的の共有" not in message
    # Nothing half-saved: a refused submit leaves no evaluation behind.
    assert not ProcessEvaluation.objects.filter(project=evaluating).exists()


@pytest.mark.parametrize("submit", [False, True])
def test_it_refuses_to_change_a_submitted_evaluation(evaluating, partner_user, partner_org, submit):
    sent = submit_partner(evaluating, partner_user, partner_org, 3)
    with pytest.raises(DomainError, match="提出した評価は変えられません"):
        services.process_evaluation_save(
            project=evaluating,
            by=partner_user,
            partner=partner_org,
            expected_version=sent.version,
            data=ratings(1),
            submit=submit,
        )
    sent.refresh_from_db()
    assert [getattr(sent, f"{key}_rating") for key in ITEM_KEYS] == [3] * 6


def test_it_refuses_a_partner_that_is_not_on_the_project(evaluating, staff, other_partner_org):
    with pytest.raises(DomainError, match="パートナーではありません"):
        submit_partner(evaluating, staff, other_partner_org, on_behalf=True)
    assert not ProcessEvaluation.objects.exists()


def test_it_keeps_that_the_department_entered_a_partners_evaluation(evaluating, staff, partner_org):
    entered = submit_partner(evaluating, staff, partner_org, on_behalf=True)
    assert entered.on_behalf and entered.entered_by == staff
    assert entered.side == ProcessEvaluation.Side.PARTNER and entered.partner == partner_org


def test_it_refuses_to_enter_on_behalf_over_a_partners_own_draft(
    evaluating, staff, partner_user, partner_org
):
    services.process_evaluation_save(
        project=evaluating,
        by=partner_user,
        partner=partner_org,
        expected_version=None,
        data=ratings(2),
        submit=False,
    )
    with pytest.raises(DomainError, match="代わりに入力することはできません"):
        services.process_evaluation_save(
            project=evaluating,
            by=staff,
            partner=partner_org,
            expected_version=1,
            data=ratings(4),
            submit=True,
            on_behalf=True,
        )
    kept = services.evaluation_for(evaluating, partner=partner_org)
    assert (kept.purpose_rating, kept.entered_by, kept.is_submitted) == (2, partner_user, False)


def test_it_lets_the_partner_finish_what_the_department_started_for_it(
    evaluating, staff, partner_user, partner_org
):
    started = services.process_evaluation_save(
        project=evaluating,
        by=staff,
        partner=partner_org,
        expected_version=None,
        data=ratings(None, purpose_rating=3),
        submit=False,
        on_behalf=True,
    )
    # The department may go on with its own on-behalf draft ...
    started = services.process_evaluation_save(
        project=evaluating,
        by=staff,
        partner=partner_org,
        expected_version=started.version,
        data={"roles_rating": 3},
        submit=False,
        on_behalf=True,
    )
    # ... and the partner may take it over and submit it as its own.
    done = services.process_evaluation_save(
        project=evaluating,
        by=partner_user,
        partner=partner_org,
        expected_version=started.version,
        data=ratings(4, purpose_rating=3),
        submit=True,
    )
    assert done.is_submitted and not done.on_behalf and done.entered_by == partner_user


WRITES = {
    "city": lambda p, staff, partner_user, partner_org: services.process_evaluation_save(
        project=p, by=staff, expected_version=None, data=ratings(4), submit=False
    ),
    "partner": lambda p, staff, partner_user, partner_org: services.process_evaluation_save(
        project=p,
        by=partner_user,
        partner=partner_org,
        expected_version=None,
        data=ratings(4),
        submit=False,
    ),
    "results": lambda p, staff, partner_user, partner_org: services.result_evaluation_save(
        project=p, by=staff, expected_version=None, data={"achieved": "清掃を12回行った"}
    ),
    "survey": lambda p, staff, partner_user, partner_org: services.survey_save(
        project=p, by=staff, expected_version=None, data={"is_open": True}
    ),
    "decision": lambda p, staff, partner_user, partner_org: services.closing_decide(
        project=p, by=staff, choice="end", next_form="", reason="目的を果たした"
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.COMPLETED]
)
def test_it_refuses_evaluation_writes_outside_active_and_evaluating(
    project, staff, partner_user, partner_org, write, status
):
    set_status(project, status)
    with pytest.raises(DomainError, match="実施中か評価中"):
        WRITES[write](project, staff, partner_user, partner_org)
    assert not ProcessEvaluation.objects.exists()
    assert not ResultEvaluation.objects.exists()
    assert not BeneficiarySurvey.objects.exists()
    assert not ClosingDecision.objects.exists()


@pytest.mark.parametrize("write", list(WRITES))
def test_it_refuses_evaluation_writes_on_an_archived_project(
    project, staff, partner_user, partner_org, write
):
    set_status(project, Status.EVALUATING, archived_at=timezone.now())
    with pytest.raises(DomainError, match="アーカイブ"):
        WRITES[write](project, staff, partner_user, partner_org)
    assert not ProcessEvaluation.objects.exists()
    assert not ClosingDecision.objects.exists()


@pytest.mark.parametrize("write", list(WRITES))
def test_it_accepts_evaluation_writes_while_the_project_is_active(
    project, staff, partner_user, partner_org, write
):
    set_status(project, Status.ACTIVE)
    assert WRITES[write](project, staff, partner_user, partner_org) is not None


# Survey ----------------------------------------------------------------------------------


def test_it_refuses_paper_counts_that_add_up_to_more_than_the_respondents(evaluating, staff):
    paper = {"paper_respondents": 10, "paper_done": 6, "paper_mostly": 3, "paper_hardly": 2}
    with pytest.raises(DomainError, match="11人.*10人"):
        services.survey_save(project=evaluating, by=staff, expected_version=None, data=paper)
    assert not BeneficiarySurvey.objects.exists()
    saved = services.survey_save(
        project=evaluating, by=staff, expected_version=None, data={**paper, "paper_hardly": 1}
    )
    assert (saved.paper_respondents, saved.paper_hardly) == (10, 1)


def test_it_refuses_an_answer_to_a_closed_survey(evaluating, staff):
    survey = services.survey_save(
        project=evaluating, by=staff, expected_version=None, data={"is_open": False}
    )
    with pytest.raises(DomainError, match="受け付けていません"):
        services.survey_answer(survey=survey, satisfaction=4, comment="")
    assert not SurveyAnswer.objects.exists()
    survey = services.survey_save(
        project=evaluating, by=staff, expected_version=survey.version, data={"is_open": True}
    )
    services.survey_answer(survey=survey, satisfaction=4, comment="楽しかった")
    assert SurveyAnswer.objects.filter(survey=survey).count() == 1


def test_it_sums_online_and_paper_answers_with_the_right_average(evaluating, staff):
    survey = services.survey_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={
            "is_open": True,
            "paper_respondents": 10,
            "paper_done": 6,
            "paper_mostly": 3,
            "paper_hardly": 1,
            "paper_not_done": 0,
        },
    )
    for satisfaction in (4, 2, 1):
        services.survey_answer(survey=survey, satisfaction=satisfaction, comment="")

    summary = services.survey_summary(evaluating)

    assert summary["rows"] == [
        (4, "とてもよかった", 1, 6, 7),
        (3, "まあよかった", 0, 3, 3),
        (2, "あまりよくなかった", 1, 1, 2),
        (1, "よくなかった", 1, 0, 1),
    ]
    assert summary["count"] == 13
    assert summary["average"] == round((4 * 7 + 3 * 3 + 2 * 2 + 1 * 1) / 13, 2) == 3.23


def test_it_summarises_no_survey_as_no_answers(evaluating):
    summary = services.survey_summary(evaluating)
    assert (summary["survey"], summary["count"], summary["average"]) == (None, 0, None)


# Decision for next year ------------------------------------------------------------------


def test_it_refuses_a_second_decision(evaluating, staff):
    services.closing_decide(
        project=evaluating, by=staff, choice="end", next_form="", reason="目的を果たした"
    )
    with pytest.raises(DomainError, match="すでに決まっています"):
        services.closing_decide(
            project=evaluating, by=staff, choice="continue", next_form="", reason="やはり続ける"
        )
    assert ClosingDecision.objects.get(project=evaluating).choice == "end"
    assert not Project.objects.filter(origin=evaluating).exists()


def test_it_needs_a_reason_for_the_decision(evaluating, staff):
    with pytest.raises(DomainError, match="理由"):
        services.closing_decide(
            project=evaluating, by=staff, choice="continue", next_form="", reason="  \n "
        )
    assert not ClosingDecision.objects.exists()
    assert not Project.objects.filter(origin=evaluating).exists()


@pytest.mark.parametrize(
    ("next_form", "message"),
    [("", "実施形態を選んで"), ("jigyo_kyoryoku", "違う形態"), ("bogus", "実施形態を選んで")],
)
def test_it_needs_a_different_form_to_change_the_form(evaluating, staff, next_form, message):
    assert evaluating.implementation_form == "jigyo_kyoryoku"
    with pytest.raises(DomainError, match=message):
        services.closing_decide(
            project=evaluating,
            by=staff,
            choice="change_form",
            next_form=next_form,
            reason="形を変えたい",
        )
    assert not ClosingDecision.objects.exists()


def test_it_creates_no_project_when_the_decision_is_to_end(evaluating, staff):
    before = Project.objects.count()
    decision = services.closing_decide(
        project=evaluating, by=staff, choice="end", next_form="itaku", reason="目的を果たした"
    )
    assert decision.next_project is None and decision.next_form == ""
    assert not decision.continues
    assert Project.objects.count() == before


@pytest.mark.parametrize(
    ("choice", "next_form", "expected_form"),
    [
        ("continue", "", "jigyo_kyoryoku"),
        ("revise", "", "jigyo_kyoryoku"),
        ("change_form", "itaku", "itaku"),
    ],
)
def test_it_starts_next_years_draft_when_going_on(
    evaluating, staff, partner_org, other_partner_org, choice, next_form, expected_form
):
    Project.objects.filter(pk=evaluating.pk).update(
        start_date=date(2025, 4, 1), end_date=date(2026, 3, 31), budget=500_000
    )
    evaluating.refresh_from_db()
    ProjectPartnerFactory(project=evaluating, partner=other_partner_org, role="member")
    gone = PartnerFactory(name="解散した団体", archived_at=timezone.now())
    ProjectPartnerFactory(project=evaluating, partner=gone)

    decision = services.closing_decide(
        project=evaluating, by=staff, choice=choice, next_form=next_form, reason="評価から"
    )

    successor = decision.next_project
    assert successor is not None
    assert successor.origin == evaluating
    assert successor.status == Status.DRAFT
    assert successor.fiscal_year == evaluating.fiscal_year + 1
    assert (successor.start_date, successor.end_date) == (date(2026, 4, 1), date(2027, 3, 31))
    assert successor.department == evaluating.department
    assert successor.implementation_form == expected_form
    assert (successor.title, successor.purpose, successor.budget) == (
        evaluating.title,
        evaluating.purpose,
        500_000,
    )
    role = spec_for(expected_form).partner_role
    links = ProjectPartner.objects.filter(project=successor).order_by("pk")
    # An archived partner is not carried over; the others take the new form's role.
    assert [(link.partner, link.role) for link in links] == [
        (partner_org, role),
        (other_partner_org, role),
    ]
    assert decision.next_form == next_form


def test_it_moves_the_29th_of_february_to_the_28th(project, staff):
    set_status(
        project,
        Status.EVALUATING,
        fiscal_year=2023,
        start_date=date(2024, 2, 29),
        end_date=date(2024, 3, 31),
    )
    decision = services.closing_decide(
        project=project, by=staff, choice="continue", next_form="", reason="続ける"
    )
    assert decision.next_project.start_date == date(2025, 2, 28)
    assert decision.next_project.end_date == date(2025, 3, 31)


# What the 評価 step lacks ----------------------------------------------------------------


def test_it_lists_exactly_what_the_evaluation_lacks_until_all_is_in(
    evaluating, staff, partner_user, partner_org, other_partner_org
):
    ProjectPartnerFactory(project=evaluating, partner=other_partner_org)
    city_gap = "市の協働プロセスの評価"
    partner_gap = f"{partner_org.name}の協働プロセスの評価"
    other_gap = f"{other_partner_org.name}の協働プロセスの評価"
    assert services.evaluation_missing(evaluating) == [
        city_gap,
        partner_gap,
        other_gap,
        "成果の評価",
        "次年度の方針",
    ]
    # A draft is not an evaluation yet.
    services.process_evaluation_save(
        project=evaluating, by=staff, expected_version=None, data=ratings(4), submit=False
    )
    assert city_gap in services.evaluation_missing(evaluating)
    city = services.evaluation_for(evaluating)
    services.process_evaluation_save(
        project=evaluating, by=staff, expected_version=city.version, data={}, submit=True
    )
    assert services.evaluation_missing(evaluating) == [
        partner_gap,
        other_gap,
        "成果の評価",
        "次年度の方針",
    ]
    submit_partner(evaluating, partner_user, partner_org)
    submit_partner(evaluating, staff, other_partner_org, on_behalf=True)
    assert services.evaluation_missing(evaluating) == ["成果の評価", "次年度の方針"]

    services.result_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={"achieved": "清掃を12回行った", "beneficiary_survey_agreed": True},
    )
    assert services.evaluation_missing(evaluating) == [
        "受益者による評価（回答1件以上）",
        "次年度の方針",
    ]
    survey = services.survey_save(
        project=evaluating, by=staff, expected_version=None, data={"is_open": True}
    )
    assert "受益者による評価（回答1件以上）" in services.evaluation_missing(evaluating)
    services.survey_answer(survey=survey, satisfaction=3, comment="")
    assert services.evaluation_missing(evaluating) == ["次年度の方針"]

    services.closing_decide(
        project=evaluating, by=staff, choice="end", next_form="", reason="目的を果たした"
    )
    assert services.evaluation_missing(evaluating) == []


def test_it_counts_paper_answers_as_the_beneficiaries_voice(evaluating, staff):
    services.result_evaluation_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={"achieved": "できた", "beneficiary_survey_agreed": True},
    )
    services.survey_save(
        project=evaluating,
        by=staff,
        expected_version=None,
        data={"paper_respondents": 5, "paper_mostly": 5},
    )
    assert "受益者による評価（回答1件以上）" not in services.evaluation_missing(evaluating)


def test_it_does_not_ask_for_a_survey_that_was_not_agreed(evaluating, staff):
    services.result_evaluation_save(
        project=evaluating, by=staff, expected_version=None, data={"achieved": "できた"}
    )
    assert not any("受益者" in gap for gap in services.evaluation_missing(evaluating))


# Closing the project ---------------------------------------------------------------------


def test_it_refuses_to_complete_until_the_evaluation_and_disclosure_are_in(
    evaluating, staff, partner_user, partner_org
):
    with pytest.raises(DomainError) as refused:
        project_complete(project=evaluating, by=staff)
    message = str(refused.value)
    assert "評価（" in message and "市の協働プロセスの評価" in message and "次年度の方針" in message
    assert "公開（" in message

    submit_city(evaluating, staff)
    submit_partner(evaluating, partner_user, partner_org)
    services.result_evaluation_save(
        project=evaluating, by=staff, expected_version=None, data={"achieved": "できた"}
    )
    with pytest.raises(DomainError, match="次年度の方針"):
        project_complete(project=evaluating, by=staff)
    services.closing_decide(
        project=evaluating, by=staff, choice="end", next_form="", reason="目的を果たした"
    )
    # The evaluation is done; the disclosure decision still is not.
    with pytest.raises(DomainError) as refused:
        project_complete(project=evaluating, by=staff)
    assert "評価（" not in str(refused.value) and "公開（" in str(refused.value)
    evaluating.refresh_from_db()
    assert evaluating.status == Status.EVALUATING

    Project.objects.filter(pk=evaluating.pk).update(disclosure="public")
    change = project_complete(project=evaluating, by=staff)

    evaluating.refresh_from_db()
    assert evaluating.status == Status.COMPLETED
    assert (change.from_status, change.to_status, change.by) == (
        Status.EVALUATING,
        Status.COMPLETED,
        staff,
    )
    assert StatusChange.objects.filter(project=evaluating).count() == 1


def test_it_completes_an_endorsement_without_an_evaluation(department, staff):
    # 後援: the policy makes the evaluation optional, so only the disclosure decision counts.
    koen = ProjectFactory(
        department=department,
        implementation_form=ImplementationForm.KOEN,
        status=Status.EVALUATING,
        disclosure="public",
    )
    assert services.evaluation_missing(koen)
    project_complete(project=koen, by=staff)
    koen.refresh_from_db()
    assert koen.status == Status.COMPLETED


# The report across projects --------------------------------------------------------------


def evaluation(project, *, by, partner=None, submitted=True, value=4, **overrides):
    return ProcessEvaluation.objects.create(
        project=project,
        side=ProcessEvaluation.Side.PARTNER if partner else ProcessEvaluation.Side.CITY,
        partner=partner,
        entered_by=by,
        submitted_at=timezone.now() if submitted else None,
        **{**{f"{key}_rating": value for key in ITEM_KEYS}, **overrides},
    )


def test_it_reports_per_side_and_per_form_ignoring_drafts_other_years_and_archived(
    department, staff, partner_org
):
    kyoryoku = ProjectFactory(department=department, fiscal_year=2025)
    itaku = ProjectFactory(department=department, fiscal_year=2025, implementation_form="itaku")
    evaluation(kyoryoku, by=staff, roles_rating=2)
    evaluation(kyoryoku, by=staff, partner=partner_org, value=3)
    evaluation(itaku, by=staff, value=2, purpose_rating=1)
    # None of these count.
    drafted = ProjectFactory(department=department, fiscal_year=2025)
    evaluation(drafted, by=staff, submitted=False, value=1)
    earlier = ProjectFactory(department=department, fiscal_year=2024)
    evaluation(earlier, by=staff, value=1)
    archived = ProjectFactory(department=department, fiscal_year=2025, archived_at=timezone.now())
    evaluation(archived, by=staff, value=1)

    report = year_report(2025)

    assert report.evaluations == 3
    city, partner = report.by_side["city"], report.by_side["partner"]
    purpose, roles, synergy = city[0], city[1], city[5]
    assert (purpose.label, purpose.cells(), purpose.total, purpose.average) == (
        "目的の共有",
        [1, 0, 0, 1],
        2,
        2.5,
    )
    assert (roles.cells(), roles.average) == ([0, 0, 2, 0], 2.0)
    assert (synergy.cells(), synergy.average) == ([1, 0, 1, 0], 3.0)
    assert [row.cells() for row in partner] == [[0, 1, 0, 0]] * 6
    assert report.all_items[0].cells() == [1, 1, 0, 1]

    by_form = {label: (n, averages) for label, n, averages in report.by_form}
    assert list(by_form) == ImplementationForm.labels
    assert by_form["委託"] == (1, [1.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    assert by_form["事業協力"] == (2, [3.5, 2.5, 3.5, 3.5, 3.5, 3.5])
    assert by_form["補助"] == (0, [None] * 6)


def test_it_reports_an_empty_year_as_nothing(department, staff):
    report = year_report(2030)
    assert report.evaluations == 0
    assert all(row.total == 0 and row.average is None for row in report.by_side["city"])
    assert all(n == 0 for _label, n, _averages in report.by_form)
