"""A member of staff records a project in the browser, the way they would on a Monday."""

import re

from playwright.sync_api import expect

from projects.models import HojoDetail, Project


def test_it_records_a_project_with_japanese_input_and_switches_the_form(
    demo_data, page, live_server, login, check_page
):
    login("staff")
    page.get_by_role("link", name="新しい協働事業を登録する").first.click()
    check_page("staff-choose-form")
    page.get_by_label("事業協力").check()
    page.get_by_role("button", name="この形態で入力を始める").click()
    expect(page.get_by_role("group", name=re.compile("形態ごとの詳細: 事業協力"))).to_be_visible()

    page.get_by_label("事業名").fill("浜辺の生き物しらべ")
    page.get_by_label("事業の目的").fill("海辺の自然を市民と記録し、保全に生かす。")
    page.get_by_label("事業開始日").fill("Ｒ８．５．１")
    page.get_by_label("事業終了日").fill("令和8年4月1日")  # before the start: refused
    page.get_by_label("事業費（円）").fill("１２０，０００円")

    # Switching to 補助 swaps in the subsidy's own fields (htmx), keeping what was typed.
    page.get_by_label("実施形態").select_option("hojo")
    expect(page.get_by_role("group", name=re.compile("形態ごとの詳細: 補助"))).to_be_visible()
    page.get_by_label("補助金額（円）").fill("５０，０００")
    page.get_by_label("財源").select_option(label="市民活動げんき基金（市民活動推進基金）")
    page.get_by_role("button", name="保存する").click()

    expect(
        page.get_by_text("終了日は開始日と同じか、それより後の日付にしてください。")
    ).to_be_visible()
    expect(page.get_by_label("事業名")).to_have_value("浜辺の生き物しらべ")
    expect(page.get_by_label("補助金額（円）")).to_have_value("５０，０００")
    check_page("staff-create-form-with-errors")

    page.get_by_label("事業終了日").fill("令和9年3月31日")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", name="浜辺の生き物しらべ", level=1)).to_be_visible()
    expect(page.get_by_text("令和8年5月1日 〜 令和9年3月31日")).to_be_visible()
    expect(page.get_by_text("120,000円")).to_be_visible()
    check_page("staff-project-created")

    project = Project.objects.get(title="浜辺の生き物しらべ")
    assert project.implementation_form == "hojo"
    assert project.budget == 120_000
    assert HojoDetail.objects.get(project=project).amount == 50_000

    page.get_by_role("link", name="編集する").click()
    page.get_by_label("期待される効果").fill("観察会の参加者を年100人にする。")
    check_page("staff-project-edit")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("変更を保存しました。")).to_be_visible()
    history = page.get_by_role("region", name="変更の履歴")
    expect(history.get_by_text("期待される効果")).to_be_visible()


def test_it_lets_the_coordinator_comment_and_staff_add_a_partner(
    demo_data, page, live_server, login, check_page
):
    login("staff")
    page.goto(live_server.url + "/projects/?q=自然観察会の定例化")
    page.get_by_role("link", name=re.compile("自然観察会の定例化")).click()
    page.get_by_label("団体").select_option(label="里山を守る会")
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_text("里山を守る会 を追加しました。")).to_be_visible()
    check_page("staff-project-partner-added")

    page.get_by_role("button", name="ログアウト").click()
    login("coordinator")
    page.goto(live_server.url + "/projects/?q=自然観察会の定例化")
    page.get_by_role("link", name=re.compile("自然観察会の定例化")).click()
    page.get_by_role("textbox", name=re.compile("コメント")).fill(
        "保険の扱いを協定書に明記してください。"
    )
    page.get_by_role("button", name="コメントを書き込む").click()
    expect(page.get_by_text("保険の扱いを協定書に明記してください。")).to_be_visible()
    check_page("coordinator-project-commented")


def test_it_lets_staff_register_and_edit_a_partner_group(
    demo_data, page, live_server, login, check_page
):
    login("coordinator")
    page.goto(live_server.url + "/partners/")
    page.get_by_role("link", name="団体を登録する").click()
    page.get_by_role("textbox", name="団体名*", exact=True).fill("茅ヶ崎ビーチクリーン隊")
    page.get_by_label("種別").select_option(label="市民活動団体")
    page.get_by_label("環境の保全").check()
    page.get_by_label("構成員数").fill("１２")
    check_page("coordinator-partner-create")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", name="茅ヶ崎ビーチクリーン隊")).to_be_visible()
    check_page("coordinator-partner-detail")
    page.get_by_role("link", name="編集する").click()
    page.get_by_label("活動テーマ").fill("毎月の海岸清掃")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("毎月の海岸清掃", exact=True)).to_be_visible()
