"""Where a rule refuses, the page says why instead of offering a button that would fail."""

from playwright.sync_api import expect

from kyodo.models import User
from projects.models import AgreementVersion
from projects.permissions import ARCHIVED
from projects.services.project import project_archive


def test_it_explains_fixed_parties_and_an_archived_agreement(
    demo_data, page, live_server, login, check_page
):
    # The demo's agreement that waits for the partner's confirmation.
    version = AgreementVersion.objects.select_related("agreement__project").get(
        frozen_at__isnull=False, agreed_at__isnull=True
    )
    project = version.agreement.project
    staff = User.objects.get(username="staff")
    city = (
        staff
        if project.department_id == staff.department_id
        else User.objects.get(username="admin")
    )
    partner = User.objects.filter(
        role=User.Role.PARTNER, partner__project_links__project=project
    ).first()
    url = f"{live_server.url}/projects/{project.pk}"

    login(city.username)
    page.goto(f"{url}/")
    expect(page.locator("#parties-refusal")).to_contain_text("確認待ちの協定があるため")
    expect(page.get_by_role("button", name="追加する")).to_have_count(0)
    check_page("refusal-parties-fixed")
    page.goto(f"{url}/agreement/")
    expect(page.locator("#confirm-refusal")).to_have_text("あなたの側はすでに確認しています。")
    check_page("refusal-already-confirmed")
    page.get_by_role("button", name="ログアウト").click()

    project_archive(project=project, by=city, reason="重複して登録した")
    login(partner.username)
    page.goto(f"{url}/agreement/")
    expect(page.locator("#confirm-refusal")).to_have_text(ARCHIVED)
    expect(page.get_by_role("button", name="この内容で確認する")).to_have_count(0)
    check_page("refusal-archived-agreement")
