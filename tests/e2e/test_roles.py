"""Each demo role logs in and walks its main pages; every page passes axe."""

import re

from playwright.sync_api import expect

ROLES = ["staff", "staff2", "coordinator", "partner", "partner2", "admin"]


def test_it_walks_each_role_through_its_main_pages(demo_data, page, live_server, login, check_page):
    # One test for all roles: the demo data is seeded once instead of six times.
    for username in ROLES:
        _walk(username, page, login, check_page)
        page.get_by_role("button", name="ログアウト").click()


def _walk(username, page, login, check_page):
    login(username)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(f"{username}-dashboard")

    nav = page.get_by_role("navigation", name="メインメニュー")
    nav.get_by_role("link", name="協働事業", exact=True).click()
    expect(page.get_by_role("heading", name="協働事業の一覧")).to_be_visible()
    check_page(f"{username}-project-list")

    page.get_by_role("table", name="協働事業の一覧").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    check_page(f"{username}-project-detail")

    if username.startswith("partner"):
        nav.get_by_role("link", name="団体の情報", exact=True).click()
        check_page(f"{username}-partner-profile")
    else:
        nav.get_by_role("link", name="パートナー", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("パートナー"))).to_be_visible()
        check_page(f"{username}-partner-list")


def test_it_shows_a_welcome_and_login_page_to_anonymous_visitors(page, live_server, check_page):
    page.goto(live_server.url + "/")
    check_page("anonymous-welcome")
    page.get_by_role("link", name="ログインする").click()
    check_page("anonymous-login")
