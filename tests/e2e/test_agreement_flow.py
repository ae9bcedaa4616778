"""Both sides agree on a 協定書 in the browser, print it, then amend it."""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kyodo.models import User
from partners.models import Partner
from projects.models import AgreementVersion, Project
from projects.services import project as services

OUT = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def two_partner_project(demo_data):
    staff = User.objects.get(username="staff")
    project = services.project_create(
        by=staff,
        data={
            "title": "海岸と子どもの居場所づくり",
            "fiscal_year": 2026,
            "implementation_form": "jigyo_kyoryoku",
            "purpose": "海辺を子どもが安心して過ごせる居場所にする。",
            "start_date": __import__("datetime").date(2026, 4, 1),
            "end_date": __import__("datetime").date(2027, 3, 31),
        },
        detail_data={},
    )
    for name in ("NPO法人 湘南なぎさネット", "茅ヶ崎子ども食堂ネットワーク"):
        services.project_add_partner(
            project=project, by=staff, partner=Partner.objects.get(name=name), role="agreement"
        )
    return project


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()


def _confirm_as(page, live_server, login, username, project):
    login(username)
    waiting = page.get_by_role(
        "link", name=re.compile(f"協定の確認を待っています: {project.title}")
    )
    expect(waiting).to_be_visible()
    waiting.click()
    page.get_by_role("button", name="この内容で確認する").click()
    expect(page.get_by_text("協定の内容を確認しました。")).to_be_visible()
    _logout(page)


def test_it_agrees_prints_and_amends_an_agreement(
    two_partner_project, page, live_server, login, check_page
):
    project = two_partner_project
    login("staff")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="協定書", exact=True).click()
    page.get_by_role("button", name="協定の案を作る").click()

    page.get_by_label("責任の分担").fill(
        "活動中の事故は各自が対応し、重大なものは甲乙丙で協議する。"
    )
    page.get_by_label("事故への備えと損害保険").fill("甲が市民活動保険に加入し、保険料を負担する。")
    page.get_by_label("協議の場").fill("毎月第1水曜日に定例会議を開く。")
    page.get_by_label("途中で変更するときの方法").fill("協議のうえ、変更協定を書面で結ぶ。")
    page.get_by_label("守秘義務").fill("活動で知った個人の情報を外にもらさない。")
    roles = page.get_by_role("group", name=re.compile("第2 役割分担 1行目"))
    roles.get_by_label("役割（作業）").fill("海岸の清掃と観察会の運営")
    roles.get_by_label("担う者").select_option(label="NPO法人 湘南なぎさネット")
    roles = page.get_by_role("group", name=re.compile("第2 役割分担 2行目"))
    roles.get_by_label("役割（作業）").fill("子どもの見守りと食事の提供")
    roles.get_by_label("担う者").select_option(label="茅ヶ崎子ども食堂ネットワーク")
    roles = page.get_by_role("group", name=re.compile("第2 役割分担 3行目"))
    roles.get_by_label("役割（作業）").fill("広報と会場の確保")
    roles.get_by_label("担う者").select_option(label="市（甲）")
    costs = page.get_by_role("group", name=re.compile("第4 経費負担 1行目"))
    costs.get_by_label("経費の項目").fill("清掃用具")
    costs.get_by_label("負担する者").select_option(label="市（甲）")
    costs.get_by_label("金額（円）").fill("１２，０００円")
    costs = page.get_by_role("group", name=re.compile("第4 経費負担 2行目"))
    costs.get_by_label("経費の項目").fill("食材費")
    costs.get_by_label("負担する者").select_option(label="茅ヶ崎子ども食堂ネットワーク")
    costs.get_by_label("金額（円）").fill("８０，０００")
    milestone = page.get_by_role("group", name=re.compile("スケジュール.* 1行目"))
    milestone.get_by_label("日付").fill("令和9年4月10日")  # outside the period: refused
    milestone.get_by_label("内容").fill("報告会")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("スケジュール「報告会」の日付が事業期間の外です。")).to_be_visible()
    expect(page.get_by_label("協議の場")).to_have_value("毎月第1水曜日に定例会議を開く。")
    milestone = page.get_by_role("group", name=re.compile("スケジュール.* 1行目"))
    milestone.get_by_label("日付").fill("R9.3.10")
    check_page("agreement-edit", guide="10-agreement-edit")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("協定の案を保存しました。")).to_be_visible()
    check_page("agreement-draft")

    page.get_by_role("button", name="案を確定して確認を依頼する").click()
    page.get_by_role("button", name="この内容で確認する").click()
    expect(page.get_by_text("協定の内容を確認しました。")).to_be_visible()
    _logout(page)

    _confirm_as(page, live_server, login, "partner", project)
    login("partner2")
    page.goto(f"{live_server.url}/projects/{project.pk}/agreement/")
    check_page("agreement-partner-confirm", guide="11-agreement-confirm")
    page.get_by_role("button", name="この内容で確認する").click()
    expect(page.get_by_text(re.compile("合意済: 原協定"))).to_be_visible()
    check_page("agreement-agreed")

    version = AgreementVersion.objects.get(agreement__project=project, number=1)
    assert version.is_agreed and version.pdf
    response = page.request.get(f"{live_server.url}/projects/{project.pk}/agreement.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "agreement.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)  # lines wrap anywhere in Japanese text
    for expected in [
        "協定書",
        "第1条",
        "第2条",
        "第4条",
        "茅ヶ崎市（以下「甲」という。）",
        "NPO法人 湘南なぎさネット（以下「乙」という。）",
        "茅ヶ崎子ども食堂ネットワーク（以下「丙」という。）",
        "令和8年4月1日から令和9年3月31日まで",
        "海岸の清掃と観察会の運営",
        "80,000円",
        "令和9年3月10日",
        version.short_hash,
    ]:
        assert re.sub(r"\s+", "", expected) in flat, expected
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "IPAexMincho" in fonts
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(OUT / "agreement-page"),
        ],
        check=True,
    )
    _logout(page)

    login("staff")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.get_by_text(version.short_hash)).to_be_visible()
    page.get_by_role("link", name="協定書", exact=True).click()
    page.get_by_role("button", name="変更協定の案を作る").click()
    page.get_by_label("変更の理由").fill("食材費の増額のため。")
    costs = page.get_by_role("group", name=re.compile("第4 経費負担 2行目"))
    costs.get_by_label("金額（円）").fill("95,000")
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("link", name="版どうしの違いを見る").click()
    changed = page.get_by_role("row").filter(has_text="第4 経費負担")
    expect(changed).to_contain_text("変更あり")
    expect(changed).to_contain_text("95,000円")
    check_page("agreement-compare", guide="12-agreement-compare")
    assert Project.objects.get(pk=project.pk).agreement.versions.count() == 2
