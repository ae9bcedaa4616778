"""Log-in throttling (kyodo/login.py) on the site and /admin/, the administrator's unlock,
session expiry after inactivity, and the password rules on the password-change page."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kyodo import login
from kyodo.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "kyodo-test-pass"  # tests/factories.py
Action = AuditEvent.Action
WRONG = "ユーザー名またはパスワードが違います"
BLOCKED = "ログインを一時的に止めています"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.KYODO_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    settings.KYODO_LOGIN_LOCK_SECONDS = 15 * 60
    settings.KYODO_BEHIND_PROXY = False


def _post(client, username, password=PASSWORD, url=None, **extra):
    data = {"username": username, "password": password}
    return client.post(url or reverse("login"), data, **extra)


def _fail(client, *usernames, url=None, **extra):
    for username in usernames:
        response = _post(client, username, "wrong-password", url=url, **extra)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def _logs_in(username, password=PASSWORD, url=None, **extra) -> bool:
    client = Client()
    response = _post(client, username, password, url=url, **extra)
    return response.status_code == 302 and "_auth_user_id" in client.session


def _age_events(seconds: int) -> None:
    AuditEvent.objects.update(at=timezone.now() - timedelta(seconds=seconds))


def test_it_locks_an_account_after_too_many_failures_whatever_the_case(client, staff):
    _fail(client, "Staff", "STAFF", "staff")

    response = _post(client, "staff")

    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "このユーザー名では、ログインの失敗が続いたため" in page
    assert "あと15分ほどたつと" in page
    assert "システム管理者に制限の解除を頼んで" in page
    assert 'value="staff"' in page
    locked = AuditEvent.objects.get(action=Action.LOGIN_LOCKED)
    assert (locked.username, locked.user, locked.address) == ("staff", staff, "127.0.0.1")
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 3


def test_it_does_not_check_the_password_while_locked(client, staff):
    _fail(client, "staff", "staff", "staff")

    with mock.patch("django.contrib.auth.forms.authenticate", wraps=authenticate) as spy:
        response = _post(client, "staff")

    spy.assert_not_called()
    assert BLOCKED in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.LOGIN_SUCCEEDED).exists()


def test_it_says_the_same_for_an_unknown_username_and_a_wrong_password(client, staff):
    unknown = _post(client, "nobody", "wrong-password").content.decode()
    wrong = _post(client, "staff", "wrong-password").content.decode()

    assert WRONG in unknown and WRONG in wrong
    assert 'value="nobody"' in unknown and 'value="staff"' in wrong
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("pk")
    assert [(e.username, e.user) for e in failed] == [("nobody", None), ("staff", staff)]


def test_it_locks_an_address_that_tries_many_usernames(client, staff):
    _fail(client, "a", "b", "c", "d", "e")

    response = _post(client, "staff")

    assert "この接続元からのログインの失敗が多いため" in response.content.decode()
    assert _logs_in("staff", REMOTE_ADDR="192.0.2.7")


def test_it_lifts_the_lock_when_the_window_has_passed(client, staff):
    _fail(client, "staff", "staff", "staff")
    _age_events(10 * 60)
    assert "あと5分ほど" in _post(client, "staff").content.decode()

    _age_events(15 * 60 + 1)

    assert _logs_in("staff")


def test_it_starts_the_count_again_after_a_successful_log_in(client, staff):
    _fail(client, "staff", "staff")
    assert _logs_in("staff")

    _fail(client, "staff", "staff")

    assert _logs_in("staff")
    succeeded = AuditEvent.objects.filter(action=Action.LOGIN_SUCCEEDED)
    assert [(e.username, e.user) for e in succeeded] == [("staff", staff)] * 2


def test_it_throttles_the_admin_log_in_with_the_same_count(client, admin_user):
    admin_login = reverse("admin:login")
    _fail(client, "admin", "admin", url=admin_login)
    _fail(client, "admin")  # the site's log-in counts for the admin's too

    response = _post(client, "admin", url=admin_login)

    assert BLOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _logs_in("admin", url=admin_login, REMOTE_ADDR="192.0.2.7") is False


def test_it_counts_a_non_staff_log_in_to_the_admin_as_a_failure(client, staff):
    response = _post(client, "staff", url=reverse("admin:login"))

    assert "管理画面を使えない利用者" in response.content.decode()
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert "パスワードは正しい" in failed.detail


def test_it_lets_an_administrator_unlock_users_from_the_user_list(client, admin_client, staff):
    _fail(client, "staff", "staff", "staff")
    changelist = reverse("admin:kyodo_user_changelist")
    assert "制限中" in admin_client.get(changelist).content.decode()

    response = admin_client.post(
        changelist,
        {"action": "unlock_login", "_selected_action": [staff.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "1人のログイン制限を解除しました（staff）" in page
    assert "制限中" not in page
    unlock = AuditEvent.objects.get(action=Action.UNLOCK)
    assert (unlock.username, unlock.user.username) == ("staff", "admin")
    assert _logs_in("staff")


def test_it_lets_an_administrator_unlock_an_address_from_the_audit_log(client, admin_client, staff):
    _fail(client, "a", "b", "c", "d", "e")
    event = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).first()

    response = admin_client.post(
        reverse("admin:kyodo_auditevent_changelist"),
        {"action": "unlock_login", "_selected_action": [event.pk]},
        follow=True,
    )

    assert f"ログイン制限を解除しました: {event.username} / 127.0.0.1" in response.content.decode()
    assert _logs_in("staff")


def test_it_keeps_the_restriction_column_to_one_query_per_page(client, admin_client, staff):
    changelist = reverse("admin:kyodo_user_changelist")
    admin_client.get(changelist)  # warm up the content types and permissions caches
    with CaptureQueriesContext(connection) as few:
        admin_client.get(changelist)
    for n in range(5):
        _fail(client, *[f"user-{n}"] * 3, REMOTE_ADDR=f"192.0.2.{n}")
        UserFactory(username=f"user-{n}")

    with CaptureQueriesContext(connection) as many:
        page = admin_client.get(changelist).content.decode()

    assert page.count("制限中") == 5
    assert len(many) == len(few)


def test_it_reads_the_address_from_x_forwarded_for_behind_a_proxy(client, settings, staff):
    settings.KYODO_BEHIND_PROXY = True
    _fail(client, "a", "b", "c", "d", "e", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5")

    assert not _logs_in("staff", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _logs_in("staff", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert AuditEvent.objects.filter(address="203.0.113.5").count() == 6


def test_it_ignores_x_forwarded_for_without_a_proxy(client, staff):
    _fail(client, "a", "b", "c", "d", "e", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert not _logs_in("staff", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert not AuditEvent.objects.exclude(address="127.0.0.1").exists()


def test_it_needs_a_username_or_an_address_to_unlock(admin_user):
    with pytest.raises(ValueError):
        login.unlock(by=admin_user)


def test_it_moves_the_session_expiry_forward_on_every_request(client, settings, staff):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(staff)
    sessions = Session.objects.filter(session_key=client.session.session_key)
    sessions.update(expire_date=timezone.now() + timedelta(seconds=60))

    assert client.get(reverse("projects:list")).status_code == 200

    left = sessions.get().expire_date - timezone.now()
    assert timedelta(seconds=590) < left <= timedelta(seconds=600)


def test_it_sends_an_idle_user_to_the_log_in_page(client, settings, staff):
    client.force_login(staff)
    # As if the last request was SESSION_COOKIE_AGE (KYODO_SESSION_AGE_SECONDS) and 1 s ago.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("projects:list"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "ログイン" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short-1", "このパスワードは短すぎます。最低 10 文字以上必要です。"),
        ("qwertyuiop", "このパスワードは一般的すぎます。"),
    ],
)
def test_it_refuses_a_short_or_common_new_password(client, staff, new_password, message):
    client.force_login(staff)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
