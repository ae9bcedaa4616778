"""Both sides evaluate one project in the browser, compare, and continue it as 事業協力."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from evaluations.models import ClosingDecision
from kyodo.models import User
from partners.models import Partner
from projects.models import Project, Status
from projects.services import project as services

ITEMS = ["目的の共有", "役割分担", "相互理解", "自主性・自立性", "透明性・公開性", "相乗効果"]


@pytest.fixture
def subsidy(demo_data):
    staff = User.objects.get(username="staff")
    project = services.project_create(
        by=staff,
        data={
            "title": "干潟の観察会",
            "fiscal_year": 2025,
            "implementation_form": "hojo",
            "purpose": "干潟の生き物を親子で知り、海辺を大切にする人を増やす。",
            "start_date": date(2025, 4, 1),
            "end_date": date(2026, 3, 31),
        },
        detail_data={},
    )
    services.project_add_partner(
        project=project,
        by=staff,
        partner=Partner.objects.get(name="NPO法人 湘南なぎさネット"),
        role="grantee",
    )
    Project.objects.filter(pk=project.pk).update(status=Status.EVALUATING)
    return project


def _rate(page, choices: list[str]):
    for item, choice in zip(ITEMS, choices, strict=True):
        group = page.get_by_role("group", name=re.compile(f"^{re.escape(item)}"))
        group.get_by_label(choice, exact=True).check()


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()


def test_it_has_both_sides_evaluate_and_continue_as_jigyo_kyoryoku(
    subsidy, page, live_server, login, check_page
):
    project = subsidy
    login("staff")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="評価のページ").click()
    page.get_by_role("link", name="市の評価を入力する").click()
    _rate(
        page,
        ["できた", "あまりできなかった", "おおむねできた", "できた", "おおむねできた"] + ["できた"],
    )
    page.get_by_label("役割分担のコメント").fill("当日の運営が団体に偏った。")
    check_page("evaluation-city-form", guide="16-evaluation-form")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("評価を提出しました。")).to_be_visible()
    partner_row = page.get_by_role("row", name=re.compile("NPO法人 湘南なぎさネット"))
    expect(partner_row).to_contain_text("未入力")
    check_page("evaluation-overview-waiting")
    _logout(page)

    login("partner")
    page.get_by_role(
        "link", name=re.compile("協働の評価の入力を待っています: 干潟の観察会")
    ).click()
    # Submitting with an item left out points at it and keeps what was chosen.
    for item in ITEMS[:5]:
        group = page.get_by_role("group", name=re.compile(f"^{re.escape(item)}"))
        group.get_by_label("できた", exact=True).check()
    page.get_by_label("目的の共有のコメント").fill("毎回の打ち合わせで目的を確かめた。")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("「相乗効果」の評価を選んでください。")).to_be_visible()
    expect(page.get_by_label("目的の共有のコメント")).to_have_value(
        "毎回の打ち合わせで目的を確かめた。"
    )
    check_page("evaluation-partner-missing")
    group = page.get_by_role("group", name=re.compile("^相乗効果"))
    group.get_by_label("おおむねできた", exact=True).check()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("評価を提出しました。")).to_be_visible()
    page.get_by_role("link", name="両方の評価を見比べる").click()
    expect(page.get_by_text("差が大きい", exact=True)).to_be_visible()
    check_page("evaluation-compare", guide="17-evaluation-compare")
    _logout(page)

    login("staff")
    page.goto(f"{live_server.url}/projects/{project.pk}/evaluation/")
    page.get_by_role("link", name="成果の評価を記録する").click()
    page.get_by_label("目的に対して達成できたこと").fill("観察会を8回開き、親子240人が参加した。")
    page.get_by_label("参加者数（人）").fill("２４０")
    page.get_by_label("実施回数（回）").fill("8")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("成果の評価を保存しました。")).to_be_visible()
    page.get_by_role("link", name="次年度の方針を決める").click()
    page.get_by_label("実施形態を変えて続ける").check()
    page.get_by_label("次年度の実施形態（形態を変えるとき）").select_option(label="事業協力")
    page.get_by_label("理由").fill(
        "団体が運営を担えるようになったので、役割を分け合う事業協力にする。"
    )
    check_page("evaluation-decision")
    page.get_by_role("button", name="この方針に決める").click()
    expect(page.get_by_text(re.compile("次年度の下書き「干潟の観察会」"))).to_be_visible()
    check_page("evaluation-overview-done", guide="18-evaluation-done")
    decision = ClosingDecision.objects.get(project=project)
    successor = decision.next_project
    assert (successor.fiscal_year, successor.implementation_form) == (2026, "jigyo_kyoryoku")
    assert successor.origin_id == project.pk
    page.get_by_role("link", name=re.compile("干潟の観察会（令和8年度・事業協力・下書き）")).click()
    expect(page.get_by_text("前身の事業")).to_be_visible()
    check_page("evaluation-next-year-draft")
    _logout(page)

    login("coordinator")
    page.goto(f"{live_server.url}/evaluations/?year=2025")
    expect(page.get_by_role("img", name=re.compile("協働プロセスの評価"))).to_be_visible()
    check_page("evaluation-report", guide="19-evaluation-report")
