"""The demo data's selections, evaluations and public pages, as each role and an anonymous
citizen meet them; every page through axe."""

import re

from playwright.sync_api import expect

from evaluations.models import BeneficiarySurvey, ProcessEvaluation
from projects.models import Project
from selection.models import Selection


def test_it_shows_the_demo_selections_evaluations_and_public_pages(
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
    published = Project.objects.filter(publish_agreement_pdf=True).first()
    hidden = Project.objects.filter(disclosure="private").first()

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

    # 市の課題: the partners that fit, best first, and the interest the demo partner sent.
    page.get_by_role("link", name="市の課題").click()
    check_page("demo-issues")
    page.get_by_role("link", name="海岸のマイクロプラスチックを減らしたい").click()
    expect(page.get_by_text("NPO法人 湘南なぎさネット").first).to_be_visible()
    check_page("demo-issue-detail")
    page.goto(f"{base}/partners/issues/")
    page.get_by_role("link", name="課題を登録する").click()
    check_page("demo-issue-form")
    page.get_by_role("button", name="ログアウト").click()

    login("coordinator")
    page.goto(f"{base}/projects/import/")
    check_page("demo-import")
    # The template as downloaded still holds its example row: the preview says so.
    template = page.request.get(f"{base}/projects/import/template.xlsx").body()
    page.get_by_label(re.compile("取り込むファイル")).set_input_files(
        {"name": "past.xlsx", "mimeType": "application/octet-stream", "buffer": template}
    )
    page.get_by_role("button", name="読み取って確認する").click()
    check_page("demo-import-preview")
    page.get_by_role("button", name="ログアウト").click()

    login("partner")
    page.get_by_role("link", name=re.compile("協働の評価の入力を待っています")).first.click()
    check_page("demo-evaluation-partner-form")
    page.get_by_role("link", name="市の課題").click()
    page.get_by_role("link", name="放課後の子どもの居場所を増やしたい").click()
    check_page("demo-issue-partner-view")
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

    # A citizen, not logged in: the figures, the disclosed projects, the open data.
    page.goto(f"{base}/")
    page.get_by_role("link", name="協働の実績").first.click()
    expect(page.get_by_role("cell", name="521")).to_be_visible()  # 平成28年度's total
    expect(page.get_by_text("出典の切り替わり")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("年度ごとの協働事業の件数"))).to_be_visible()
    check_page("public-stats", guide="20-public-stats")
    csv_response = page.request.get(f"{base}/stats/export.csv")
    assert csv_response.body().decode("utf-8-sig").splitlines()[1] == (
        "平成28年度,63,23,140,24,61,24,186,521"
    )
    page.get_by_role("link", name="公開事業").first.click()
    check_page("public-list")
    page.get_by_label("ことばで探す").fill(published.title[:4])
    page.get_by_role("button", name="探す").click()
    page.get_by_role("link", name=published.title).first.click()
    expect(page.get_by_role("heading", name="進め方")).to_be_visible()
    expect(page.get_by_role("link", name="合意した協定書（PDF）")).to_be_visible()
    check_page("public-detail", guide="21-public-detail")
    pdf = page.request.get(f"{base}/public/projects/{published.pk}/agreement.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    opendata = page.request.get(f"{base}/public/projects.json").json()
    ids = {p["id"] for p in opendata["projects"]}
    assert published.pk in ids and hidden.pk not in ids
    page.goto(f"{base}/public/projects/{hidden.pk}/")
    expect(page.get_by_role("heading", name="ページが見つかりません")).to_be_visible()
