"""Every remaining page once in the browser, each checked by axe (no page left unseen)."""

import re

from playwright.sync_api import expect

from projects.models import Consultation, Project


def test_it_passes_axe_on_the_remaining_pages(demo_data, page, live_server, login, check_page):
    staff_project = (
        Project.objects.filter(department__name="環境政策課", consultations__isnull=False)
        .distinct()
        .first()
    )
    assert Consultation.objects.filter(project=staff_project).exists()
    url = f"{live_server.url}/projects/{staff_project.pk}"
    login("staff")
    for path, name in [
        (f"{url}/consultations/", "consultations"),
        (f"{url}/selection/", "selection"),
        (f"{url}/eligibility/", "eligibility-done"),
        (f"{url}/disclosure/", "disclosure"),
        (f"{url}/agreement/", "agreement-with-amendment"),
        (f"{url}/archive/", "archive-confirm"),
        (f"{live_server.url}/accounts/password_change/", "password-change"),
        (f"{live_server.url}/projects/999999/", "not-found"),
        (f"{live_server.url}/projects/?fiscal_year=1800", "list-with-bad-filter"),
    ]:
        page.goto(path)
        check_page(f"page-{name}")
    page.goto(f"{url}/")
    page.get_by_role("link", name=re.compile("^外す")).first.click()
    check_page("page-partner-remove-confirm")
    page.goto(f"{live_server.url}/projects/{staff_project.pk}/agreement/compare/")
    check_page("page-agreement-compare-seeded")
    page.get_by_role("button", name="ログアウト").click()

    login("coordinator")
    page.goto(f"{live_server.url}/partners/")
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_role("link", name="アーカイブする").click()
    check_page("page-partner-archive-confirm")
    page.goto(f"{live_server.url}/projects/{staff_project.pk}/edit/")
    check_page("page-forbidden")
    page.get_by_role("button", name="ログアウト").click()

    login("partner")
    page.goto(f"{url}/consultations/")
    expect(page.get_by_role("heading", name="協議の場の記録")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("済みにする"))).to_be_visible()
    check_page("page-partner-consultations")
    page.goto(f"{live_server.url}/partners/")
    check_page("page-partner-directory-own")
