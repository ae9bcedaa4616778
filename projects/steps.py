"""Where a project stands on the guideline's steps: derived from its data, never stored.

Each step has a check that lists what is still missing; the form policy says whether the
project's 実施形態 requires it. Screens (the step bar, the transitions' guards) ask here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import reverse

from kyodo.display import model_field
from projects.models import AgreementVersion, Eligibility, FormDetail, Project
from projects.policy import Need, Step, spec_for
from projects.services.project import project_detail

PLAN_FIELDS = ("title", "purpose", "content", "beneficiaries", "expected_effect")
PLAN_DATES = ("start_date", "end_date")


@dataclass(frozen=True)
class StepHelp:
    section: str
    asks: str
    why: str
    good: str


HELP: dict[Step, StepHelp] = {
    Step.PLAN: StepHelp(
        "第2",
        "事業の目的、内容、対象となる市民、期待する効果、期間と費用を書きます。"
        "あわせて、7つの実施形態からいちばん近いものを選びます。",
        "目的がはっきりしていないと、パートナーと同じ方向を向けません。",
        "目的は「だれのために、何がどう変わるか」を一文で。効果はできれば数字で。",
    ),
    Step.ELIGIBILITY: StepHelp(
        "第2-1",
        "この事業を協働で行う意味があるかを、いくつかの問いで確かめます。",
        "協働は目的ではなく手段です。パートナーが加わることで良くなる事業に使います。"
        "経費を減らすことだけが目的なら、通常の委託で足ります。",
        "「はい」「いいえ」だけでなく、理由を具体的に。どの団体のどんな経験が生きるかを書きます。",
    ),
    Step.SELECTION: StepHelp(
        "第2-2",
        "パートナーを、公募やプロポーザルで公平に選び、その経過を記録します。",
        "選び方が開かれていることが、市民からの信頼と、よい提案につながります。",
        "1者に決めるときは、その団体にしかできない理由を具体的に書きます。",
    ),
    Step.AGREEMENT: StepHelp(
        "第2-3",
        "目的、役割、責任、経費、期間、成果物、協議の場、変更のしかたを、対等な立場で話し合い、"
        "協定書などにまとめます。",
        "あいまいなまま始めると、事故や変更のときに困るのは双方です。",
        "役割と経費は表にし、保険の負担や成果物の帰属まで書きます。",
    ),
    Step.IMPLEMENTATION: StepHelp(
        "第2-3(2)",
        "事業の途中で、定期的に協議の場を持ち、話し合ったことと決めたことを記録します。",
        "小さな食い違いを早く見つけ、ともに直すためです。",
        "日付、出席者、話し合った内容、決めたこと、次までの宿題を残します。",
    ),
    Step.EVALUATION: StepHelp(
        "第2-4",
        "結果だけでなく、協働の進め方を、市とパートナーのそれぞれが6つの観点で振り返ります。",
        "次の年度に続けるか、形を変えるか、やめるかを決める材料になります。",
        "できたこと・できなかったことを率直に。受益者の声があれば添えます。",
    ),
    Step.DISCLOSURE: StepHelp(
        "原則4",
        "事業の内容、選び方や協定などの過程、そして結果を市民に公開するかを決めます。",
        "協働は市民の税金と信頼で成り立ちます。見えることが次の参加を生みます。",
        "公開が原則です。出さない部分があるときは、個人情報などその理由を書きます。",
    ),
}


@dataclass
class StepState:
    step: Step
    need: Need
    missing: list[str] = field(default_factory=list)
    url: str | None = None

    @property
    def done(self) -> bool:
        return not self.missing

    @property
    def help(self) -> StepHelp:
        return HELP[self.step]

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def mark(self) -> str:
        if self.need == Need.NOT_APPLICABLE:
            return "不要"
        return "済" if self.done else "未了"


def _label(model: type[models.Model], name: str) -> str:
    return str(model_field(model, name).verbose_name)


def _plan_missing(project: Project, detail: FormDetail | None) -> list[str]:
    spec = spec_for(project.implementation_form)
    missing = [_label(Project, n) for n in (*PLAN_FIELDS, *PLAN_DATES) if not getattr(project, n)]
    if spec.needs_budget and project.budget is None:
        missing.append(_label(Project, "budget"))
    for name in spec.plan_fields:
        if detail is None or getattr(detail, name) in (None, ""):
            missing.append(_label(spec.detail_model, name))
    for condition, name in spec.plan_fields_if:
        if detail is not None and getattr(detail, condition) and not getattr(detail, name):
            missing.append(_label(spec.detail_model, name))
    # Every form is done with someone: the partner is known before 市民自治推進課 reviews it.
    if not project.project_partners.all():
        missing.append("パートナー（1団体以上）")
    return missing


def start_missing(project: Project, detail: FormDetail | None) -> list[str]:
    """The form's facts that must be recorded before the project starts (実施中)."""
    spec = spec_for(project.implementation_form)
    return [
        _label(spec.detail_model, name)
        for name in spec.start_fields
        if detail is None or getattr(detail, name) in (None, "")
    ]


def _eligibility_missing(project: Project) -> list[str]:
    try:
        answers = project.eligibility
    except Eligibility.DoesNotExist:
        return ["対象確認の回答"]
    if not answers.is_kyodo:
        return ["協働の対象と認められる回答（今の回答では協働にあたりません）"]
    return []


def _agreement_missing(project: Project) -> list[str]:
    if AgreementVersion.objects.filter(
        agreement__project=project, agreed_at__isnull=False
    ).exists():
        return []
    return ["全当事者が確認した協定（合意済）"]


def _implementation_missing(project: Project) -> list[str]:
    return [] if project.consultations.exists() else ["協議の記録（1回以上）"]


def _disclosure_missing(project: Project) -> list[str]:
    if not project.disclosure:
        return ["公開するかどうかの判断"]
    if project.disclosure != "public" and not project.disclosure_reason.strip():
        return ["公開しない部分とその理由"]
    return []


StepCheck = Callable[[Project], list[str]]


@dataclass(frozen=True)
class _Registered:
    check: StepCheck
    url_name: str


# Each step's check and page. projects registers the steps it keeps itself; the selection
# and evaluations apps register theirs in AppConfig.ready(), so this module imports neither.
_REGISTRY: dict[Step, _Registered] = {}


def register_step(step: Step, *, check: StepCheck, url_name: str) -> None:
    """Say how to tell what a step still lacks and where its page is (one app per step)."""
    if step in _REGISTRY and _REGISTRY[step].check is not check:
        raise ImproperlyConfigured(f"The step {step} is registered twice.")
    _REGISTRY[step] = _Registered(check, url_name)


register_step(Step.ELIGIBILITY, check=_eligibility_missing, url_name="projects:eligibility")
register_step(Step.AGREEMENT, check=_agreement_missing, url_name="projects:agreement")
register_step(Step.IMPLEMENTATION, check=_implementation_missing, url_name="projects:consultations")
register_step(Step.DISCLOSURE, check=_disclosure_missing, url_name="projects:disclosure")


def step_states(project: Project, detail: FormDetail | None = None) -> list[StepState]:
    """Every step of the guideline for this project, in order, with what is missing."""
    spec = spec_for(project.implementation_form)
    states = []
    for step in Step:
        state = StepState(step=step, need=spec.steps[step])
        if step == Step.PLAN:
            # The plan's check needs the detail record, which the caller usually holds.
            state.missing = _plan_missing(project, detail)
            state.url = reverse("projects:edit", args=[project.pk])
        else:
            try:
                registered = _REGISTRY[step]
            except KeyError:
                raise ImproperlyConfigured(f"No app registered the step {step}.") from None
            state.missing = registered.check(project)
            state.url = reverse(registered.url_name, args=[project.pk])
        states.append(state)
    return states


def blocking(states: list[StepState], steps: tuple[Step, ...]) -> list[StepState]:
    """The required steps among `steps` that are not done yet."""
    return [s for s in states if s.step in steps and s.need == Need.REQUIRED and not s.done]


def step_context(project: Project, step: Step) -> dict[str, Any]:
    """What a step's pages show around their content: the step bar and this step's state."""
    steps = step_states(project, project_detail(project))
    return {"project": project, "steps": steps, "step": next(s for s in steps if s.step == step)}
