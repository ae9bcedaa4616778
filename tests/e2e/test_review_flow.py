"""A 事業協力 project walks 企画 → 対象確認 → 審査 → 差戻し → 再提出 → 承認 in the browser,
and a 後援 project walks its shorter path to 完了. The screenshots feed docs/guide.md."""

import re

from playwright.sync_api import expect

from projects.models import Project, StatusChange


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()


def _open(page, live_server, title):
    page.goto(f"{live_server.url}/projects/?q={title}")
    page.get_by_role("link", name=title, exact=True).click()


def _fill_plan(page, title):
    page.get_by_label("事業名").fill(title)
    page.get_by_label("事業の目的").fill(
        "砂浜の植物を市民といっしょに守り、海辺の自然を次の世代に残す。"
    )
    page.get_by_label("事業の内容").fill("月1回の観察会と除草、年1回の報告会。")
    page.get_by_label("受益者・対象者").fill("海岸を利用する市民、参加する子どもたち")
    page.get_by_label("期待される効果").fill("参加者を年200人にし、砂浜植物の群落を2か所回復する。")
    page.get_by_label("事業開始日").fill("令和8年4月1日")
    page.get_by_label("事業終了日").fill("令和9年3月31日")


def _add_partner(page, name="NPO法人 湘南なぎさネット"):
    """On the project page: the partner every form needs before review."""
    page.get_by_label("団体").select_option(label=name)
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_text(f"{name} を追加しました。")).to_be_visible()


def _answer_eligibility(page):
    page.get_by_role("group", name=re.compile("サービスが広がる")).get_by_label("はい").check()
    page.get_by_label("そう考える理由*", exact=True).fill(
        "団体の観察記録があり、市だけより細かく見守れる。"
    )
    page.get_by_role("group", name=re.compile("市民の生活に直接")).get_by_label("はい").check()
    page.get_by_label("そう考える理由（生活へのかかわり）").fill("海岸は市民が毎日使う場所だから。")
    page.get_by_label("生かすパートナーの専門性・当事者性").fill(
        "20年続く海岸清掃の経験と植物の知識。"
    )
    page.get_by_role("group", name=re.compile("経費の削減だけ")).get_by_label("いいえ").check()
    page.get_by_label("そう考える理由（経費）").fill("目的は自然の保全で、費用の削減ではない。")


def test_it_walks_a_jigyo_kyoryoku_project_through_review(
    demo_data, page, live_server, login, check_page
):
    title = "砂浜植物の保全活動"
    login("staff")
    page.goto(live_server.url + "/projects/new/")
    page.get_by_text("どれを選べばよいか迷ったら").click()
    page.get_by_label("市とパートナーが経費を出し合う").check()
    page.get_by_label("市とパートナーが対等にいっしょに").check()
    page.get_by_label("一定期間、続けて行う").check()
    page.get_by_role("button", name="おすすめの形態を見る").click()
    expect(page.locator("#suggestion")).to_contain_text("おすすめ: 事業協力")
    check_page("flow-choose-form-guide", guide="01-choose-form")
    page.get_by_role("button", name="この形態で入力を始める").click()

    _fill_plan(page, title)
    page.get_by_label("事業費（円）").fill("３００，０００")
    check_page("flow-plan", guide="02-plan")
    page.get_by_role("button", name="保存する").click()
    _add_partner(page)

    bar = page.get_by_role("navigation", name=re.compile("協働の進め方"))
    expect(bar.get_by_role("link", name=re.compile("企画.*済み"))).to_be_visible()
    expect(page.get_by_text("審査に出す前に、次の段階を終えてください")).to_be_visible()
    check_page("flow-detail-before-eligibility", guide="03-step-bar")

    bar.get_by_role("link", name=re.compile("対象確認")).click()
    expect(page.get_by_role("heading", name=re.compile("ガイドライン第2-1"))).to_be_visible()
    _answer_eligibility(page)
    check_page("flow-eligibility", guide="04-eligibility")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("対象確認を保存しました。")).to_be_visible()

    page.get_by_label("コメント（任意）").fill("審査をお願いします。")
    page.get_by_role("button", name="審査に出す").click()
    expect(page.get_by_text(f"「{title}」: 審査に出しました。")).to_be_visible()
    _logout(page)

    login("coordinator")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="審査").click()
    expect(page.get_by_role("heading", name="審査を待っている協働事業")).to_be_visible()
    check_page("flow-review-queue", guide="05-review-queue")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_text("差し戻す理由と、直してほしい点を書いてください。")).to_be_visible()
    page.get_by_label("差し戻す理由と、直してほしい点（必須）").fill(
        "協議の場の頻度を、事業の内容に書き加えてください。"
    )
    check_page("flow-return", guide="06-return")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_text(f"「{title}」: 差し戻しました。")).to_be_visible()
    _logout(page)

    login("staff")
    expect(page.get_by_role("link", name=re.compile("差し戻された事業.*1件"))).to_be_visible()
    check_page("flow-dashboard-returned", guide="07-dashboard-returned")
    _open(page, live_server, title)
    expect(page.get_by_text("協議の場の頻度を、事業の内容に書き加えてください。")).to_be_visible()
    page.get_by_role("link", name="編集する").click()
    page.get_by_label("事業の内容").fill("月1回の観察会と除草、年1回の報告会。協議の場は毎月1回。")
    page.get_by_role("button", name="保存する").click()
    page.get_by_label("コメント（任意）").fill("協議の場を毎月1回と書き加えました。")
    page.get_by_role("button", name="審査に出す").click()
    _logout(page)

    login("coordinator")
    _open(page, live_server, title)
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_text(f"「{title}」: 承認しました。")).to_be_visible()
    thread = page.get_by_role("region", name="やりとりと手続きの記録")
    expect(thread.get_by_text("「審査中」から「承認」へ")).to_be_visible()
    check_page("flow-approved", guide="08-approved")

    project = Project.objects.get(title=title)
    assert project.status == "approved"
    trail = list(
        StatusChange.objects.filter(project=project).values_list("from_status", "to_status")
    )
    assert trail == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]


def test_it_walks_a_koen_project_to_completion(demo_data, page, live_server, login, check_page):
    title = "海辺の写真展への後援"
    login("staff")
    page.goto(live_server.url + "/projects/new/koen/")
    _fill_plan(page, title)
    page.get_by_label("催しの名称").fill("海辺の写真展")
    page.get_by_label("開催日").fill("R8.8.10")
    page.get_by_label("後援の承認日").fill("R8.6.1")
    page.get_by_label("承認の番号").fill("茅ケ崎市指令第123号")
    page.get_by_role("button", name="保存する").click()
    _add_partner(page)
    bar = page.get_by_role("navigation", name=re.compile("協働の進め方"))
    selection = bar.get_by_role("listitem").filter(has_text="パートナー選定")
    expect(selection).to_contain_text("この形態では不要")
    check_page("koen-detail")
    bar.get_by_role("link", name=re.compile("対象確認")).click()
    _answer_eligibility(page)
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("button", name="審査に出す").click()
    _logout(page)

    login("coordinator")
    _open(page, live_server, title)
    page.get_by_role("button", name="承認する").click()
    _logout(page)

    login("staff")
    _open(page, live_server, title)
    page.get_by_role("button", name="実施を始める").click()
    expect(page.get_by_text(f"「{title}」: 実施を始めました。")).to_be_visible()
    page.get_by_role("button", name="評価に進む").click()
    page.get_by_role("button", name="完了にする").click()
    expect(page.get_by_text(re.compile("公開（公開するかどうかの判断）"))).to_be_visible()
    check_page("koen-complete-refused")
    bar = page.get_by_role("navigation", name=re.compile("協働の進め方"))
    bar.get_by_role("link", name=re.compile("公開")).click()
    page.get_by_label("公開する", exact=True).check()
    check_page("koen-disclosure", guide="09-disclosure")
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("button", name="完了にする").click()
    expect(page.get_by_text(f"「{title}」: 完了にしました。")).to_be_visible()
    check_page("koen-completed")
    assert Project.objects.get(title=title).status == "completed"
