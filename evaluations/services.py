"""Writes of the evaluation step: both sides' process evaluations, the results, the
beneficiaries' survey, and the decision for next year (which may start next year's project)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from evaluations.models import (
    ITEM_KEYS,
    ITEMS,
    BeneficiarySurvey,
    ClosingDecision,
    ProcessEvaluation,
    Rating,
    ResultEvaluation,
    SurveyAnswer,
)
from kyodo.models import User
from kyodo.services import DomainError, record_history_author, save_record
from partners.models import Partner
from projects.models import ImplementationForm, Project, Status
from projects.permissions import refuse_if_archived
from projects.policy import spec_for
from projects.services.project import project_add_partner, project_create

OPEN_STATUSES = (Status.ACTIVE, Status.EVALUATING)
RATING_FIELDS = [f"{key}_{part}" for key in ITEM_KEYS for part in ("rating", "comment")]


def _refuse_unless_open(project: Project) -> None:
    refuse_if_archived(project)
    if project.status not in OPEN_STATUSES:
        raise DomainError(
            f"評価を記録できるのは実施中か評価中の事業です（いまは「{project.get_status_display()}」）。"
        )


def evaluation_for(project: Project, *, partner: Partner | None = None) -> ProcessEvaluation | None:
    side = ProcessEvaluation.Side.PARTNER if partner else ProcessEvaluation.Side.CITY
    return ProcessEvaluation.objects.filter(project=project, side=side, partner=partner).first()


@transaction.atomic
def process_evaluation_save(
    *,
    project: Project,
    by: User,
    partner: Partner | None = None,
    expected_version: int | None,
    data: dict[str, Any],
    submit: bool,
    on_behalf: bool = False,
) -> ProcessEvaluation:
    """Save one side's six ratings as a draft, or submit them (every item rated)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _refuse_unless_open(project)
    if partner is not None and not project.project_partners.filter(partner=partner).exists():
        raise DomainError("この団体は、この事業のパートナーではありません。")
    evaluation = evaluation_for(project, partner=partner) or ProcessEvaluation(
        project=project,
        side=ProcessEvaluation.Side.PARTNER if partner else ProcessEvaluation.Side.CITY,
        partner=partner,
        entered_by=by,
    )
    if evaluation.is_submitted:
        raise DomainError(
            "提出した評価は変えられません。相手の評価を見た後に書き換えられないためです。"
        )
    if on_behalf and evaluation.pk is not None and not evaluation.on_behalf:
        raise DomainError(
            "パートナーが自分で入力している評価です。所管課が代わりに入力することはできません。"
        )
    for name in RATING_FIELDS:
        if name in data:
            setattr(evaluation, name, data[name])
    evaluation.entered_by = by
    evaluation.on_behalf = on_behalf
    if submit:
        if missing := evaluation.missing_items():
            raise DomainError(f"まだ選んでいない項目があります: {'、'.join(missing)}")
        evaluation.submitted_at = timezone.now()
    save_record(
        evaluation,
        expected_version=expected_version,
        by=by,
        reason=("提出" if submit else "下書き") + ("（代わりに入力）" if on_behalf else ""),
    )
    return evaluation


@transaction.atomic
def result_evaluation_save(
    *, project: Project, by: User, expected_version: int | None, data: dict[str, Any]
) -> ResultEvaluation:
    """Record what the project achieved, in words and figures."""
    _refuse_unless_open(project)
    result = ResultEvaluation.objects.filter(project=project).first() or ResultEvaluation(
        project=project
    )
    for name, value in data.items():
        setattr(result, name, value)
    save_record(result, expected_version=expected_version, by=by)
    return result


@transaction.atomic
def survey_save(
    *, project: Project, by: User, expected_version: int | None, data: dict[str, Any]
) -> BeneficiarySurvey:
    """Open or close the questionnaire and record the totals of a paper survey."""
    _refuse_unless_open(project)
    survey = BeneficiarySurvey.objects.filter(project=project).first() or BeneficiarySurvey(
        project=project
    )
    for name, value in data.items():
        setattr(survey, name, value)
    counted = survey.paper_done + survey.paper_mostly + survey.paper_hardly + survey.paper_not_done
    if counted > survey.paper_respondents:
        raise DomainError(
            f"紙の調査の回答の合計（{counted}人）が、回答者数（{survey.paper_respondents}人）を超えています。"
        )
    save_record(survey, expected_version=expected_version, by=by)
    return survey


def survey_answer(*, survey: BeneficiarySurvey, satisfaction: int, comment: str) -> SurveyAnswer:
    """Keep one anonymous answer of the questionnaire."""
    if not survey.is_open:
        raise DomainError("このアンケートは、いまは回答を受け付けていません。")
    return SurveyAnswer.objects.create(survey=survey, satisfaction=satisfaction, comment=comment)


def _next_year_project(project: Project, decision: ClosingDecision, *, by: User) -> Project:
    form = decision.next_form or project.implementation_form

    def shifted(day: date | None) -> date | None:
        if day is None:
            return None
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    successor = project_create(
        by=by,
        data={
            "title": project.title,
            "fiscal_year": project.fiscal_year + 1,
            "department": project.department,
            "implementation_form": form,
            "purpose": project.purpose,
            "content": project.content,
            "beneficiaries": project.beneficiaries,
            "expected_effect": project.expected_effect,
            "start_date": shifted(project.start_date),
            "end_date": shifted(project.end_date),
            "budget": project.budget,
            "origin": project,
        },
        detail_data={},
    )
    role = spec_for(form).partner_role
    for link in project.project_partners.select_related("partner"):
        if not link.partner.is_archived:
            project_add_partner(project=successor, by=by, partner=link.partner, role=role)
    return successor


@transaction.atomic
def closing_decide(
    *, project: Project, by: User, choice: str, next_form: str, reason: str
) -> ClosingDecision:
    """Record 次年度の方針; any way of going on starts next year's draft, linked to this one."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _refuse_unless_open(project)
    if ClosingDecision.objects.filter(project=project).exists():
        raise DomainError("次年度の方針はすでに決まっています。")
    if not reason.strip():
        raise DomainError("方針の理由を書いてください。")
    if choice == ClosingDecision.Choice.CHANGE_FORM:
        if next_form not in ImplementationForm.values:
            raise DomainError("次年度の実施形態を選んでください。")
        if next_form == project.implementation_form:
            raise DomainError("実施形態を変えるときは、いまとは違う形態を選んでください。")
    else:
        next_form = ""
    decision = ClosingDecision(
        project=project, choice=choice, next_form=next_form, reason=reason.strip(), decided_by=by
    )
    record_history_author(decision, by=by, reason="次年度の方針")
    decision.save()
    if decision.continues:
        decision.next_project = _next_year_project(project, decision, by=by)
        decision.save(update_fields=["next_project"])
    return decision


def evaluation_missing(project: Project) -> list[str]:
    """What the 評価 step lacks: both sides, the results, the survey if agreed, the decision."""
    gaps = []
    evaluations = list(ProcessEvaluation.objects.filter(project=project))
    city = next((e for e in evaluations if e.side == ProcessEvaluation.Side.CITY), None)
    if city is None or not city.is_submitted:
        gaps.append("市の協働プロセスの評価")
    submitted_partners = {e.partner_id for e in evaluations if e.partner_id and e.is_submitted}
    for link in project.project_partners.all():
        if link.partner_id not in submitted_partners:
            gaps.append(f"{link.partner.name}の協働プロセスの評価")
    result = ResultEvaluation.objects.filter(project=project).first()
    if result is None:
        gaps.append("成果の評価")
    elif result.beneficiary_survey_agreed and not survey_summary(project)["count"]:
        gaps.append("受益者による評価（回答1件以上）")
    if not ClosingDecision.objects.filter(project=project).exists():
        gaps.append("次年度の方針")
    return gaps


SATISFACTION_LEVELS = [
    (4, "とてもよかった"),
    (3, "まあよかった"),
    (2, "あまりよくなかった"),
    (1, "よくなかった"),
]


def survey_summary(project: Project) -> dict[str, Any]:
    """Counts per level and the average, online answers and paper totals together."""
    survey = BeneficiarySurvey.objects.filter(project=project).first()
    online = (
        dict(survey.answers.values_list("satisfaction").annotate(n=Count("pk")).order_by())
        if survey
        else {}
    )
    paper = (
        {
            4: survey.paper_done,
            3: survey.paper_mostly,
            2: survey.paper_hardly,
            1: survey.paper_not_done,
        }
        if survey
        else {}
    )
    rows = [
        (
            level,
            label,
            online.get(level, 0),
            paper.get(level, 0),
            online.get(level, 0) + paper.get(level, 0),
        )
        for level, label in SATISFACTION_LEVELS
    ]
    count = sum(row[4] for row in rows)
    average = round(sum(level * n for level, _l, _o, _p, n in rows) / count, 2) if count else None
    return {"survey": survey, "rows": rows, "count": count, "average": average}


def comparison(
    city: ProcessEvaluation | None, partner: ProcessEvaluation | None
) -> list[dict[str, Any]]:
    """Per item: both ratings side by side, and how far apart they are."""
    rows = []
    for key, label, _q in ITEMS:
        a = getattr(city, f"{key}_rating", None) if city else None
        b = getattr(partner, f"{key}_rating", None) if partner else None
        gap = abs(a - b) if a and b else None
        rows.append(
            {
                "label": label,
                "city": a,
                "partner": b,
                "city_label": Rating(a).label if a else "",
                "partner_label": Rating(b).label if b else "",
                "city_comment": getattr(city, f"{key}_comment", "") if city else "",
                "partner_comment": getattr(partner, f"{key}_comment", "") if partner else "",
                "gap": gap,
                "wide": gap is not None and gap >= 2,
            }
        )
    return rows
