"""The demo data's selections and evaluations, as each role meets them; every page through axe."""

import re

from playwright.sync_api import expect

from evaluations.models import BeneficiarySurvey, ProcessEvaluation
from partners.models import Selection


def test_it_shows_the_demo_selections_and_evaluations_to_each_role(
    demo_data, page, live_server, login, check_page
):
    decided = Selection.objects.filter(
        state=Selection.State.DECIDED, reviewers__isnull=False
    ).first()
    sole = Selection.objects.filter(
        method=Selection.Method.SOLE,
        project__department__name="環境政策課",
        candidates__isnull=False,
    ).first()
    survey = BeneficiarySurvey.objects.get()
    finished = survey.project
    waiting = (
        ProcessEvaluation.objects.filter(
            side="city", submitted_at__isnull=False, project__status="evaluating"
        )
        .exclude(project=finished)
        .first()
        .project
    )
    base = live_server.url

    login("staff")
    # The pending score sheet of a panel the demo "staff" sits on, from the dashboard.
    page.get_by_role("link", name=re.compile("パートナー選定の採点")).click()
    expect(page.get_by_role("button", name="採点を提出する")).to_be_visible()
    check_page("demo-score-sheet-pending")
    page.get_by_role("link", name="パートナー選定", exact=True).click()
    expect(page.get_by_text("ご自分の採点を提出すると")).to_be_visible()
    check_page("demo-selection-reviewing")
    for path, name in [
        (f"/projects/{decided.project_id}/selection/", "demo-selection-decided"),
        (f"/projects/{decided.project_id}/selection/ranking/", "demo-selection-ranking"),
        (f"/projects/{sole.project_id}/selection/", "demo-selection-sole"),
        (f"/projects/{finished.pk}/evaluation/", "demo-evaluation-finished"),
        (f"/projects/{finished.pk}/evaluation/compare/", "demo-evaluation-compare"),
        (f"/projects/{waiting.pk}/evaluation/", "demo-evaluation-waiting"),
        (f"/projects/{waiting.pk}/evaluation/results/", "demo-evaluation-results-form"),
        (f"/projects/{waiting.pk}/evaluation/survey/", "demo-evaluation-survey-form"),
    ]:
        page.goto(base + path)
        check_page(name)
    page.goto(f"{base}/projects/{decided.project_id}/selection/")
    page.get_by_role("link", name=decided.candidates.first().partner.name).click()
    check_page("demo-selection-candidate")
    page.get_by_role("button", name="ログアウト").click()

    login("partner")
    page.get_by_role("link", name=re.compile("協働の評価の入力を待っています")).first.click()
    check_page("demo-evaluation-partner-form")
    page.goto(f"{base}/projects/{decided.project_id}/selection/")
    expect(page.get_by_role("heading", name=re.compile("見つかりません"))).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()

    page.goto(f"{base}/survey/{survey.token}/")
    check_page("demo-survey-public")
    page.get_by_label("とてもよかった").check()
    page.get_by_label("ご意見・ご感想（任意）").fill("<script>alert(1)</script>また参加したい")
    page.get_by_role("button", name="送る").click()
    expect(page.get_by_role("heading", name="ご回答ありがとうございました")).to_be_visible()
    check_page("demo-survey-thanks")
    assert survey.answers.filter(comment__startswith="<script>").exists()
