"""Browser tests: Playwright drives the system's Chromium against Django's live_server."""

import importlib
import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import override_settings

CHROMIUM = os.environ.get("KYODO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# `make guide` sets this so that the user guide's pictures are taken from the real screens.
GUIDE_DIR = os.environ.get("KYODO_GUIDE_DIR")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


REFERENCE_DATA = [
    "partners.migrations.0002_activity_fields",
    "projects.migrations.0002_funds",
    "stats.migrations.0002_guideline_figures",
]


def _load_reference_data() -> None:
    for module in REFERENCE_DATA:
        importlib.import_module(module).load(django_apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a browser test's database flush (the last of its teardown), put the data
    migrations' rows back for whatever test this worker runs next."""
    result = yield
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _load_reference_data()
    return result


@pytest.fixture
def demo_data(transactional_db):
    # A transactional test flushes the tables afterwards, data migrations' rows included;
    # load them again (idempotently) so that every browser test starts from the same data.
    _load_reference_data()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def login(page, live_server):
    def do_login(username: str, password: str = "kyodo-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{live_server.url}/")

    return do_login


_axe = Axe()


@pytest.fixture
def check_page(page):
    """Screenshot the page and assert axe finds no serious or critical violation."""

    def check(name: str, *, guide: str | None = None):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if guide and GUIDE_DIR:
            Path(GUIDE_DIR).mkdir(parents=True, exist_ok=True)
            shot = Path(GUIDE_DIR) / f"{guide}.jpg"
            page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=70)
        results = _axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} → "
            + "; ".join(n["target"][0] if n["target"] else "" for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{name}: " + "\n".join(bad)

    return check
