"""Every page carries a Content-Security-Policy without inline scripts; production passes
Django's deployment checks."""

import os
import subprocess
import sys

from django.urls import reverse


def test_it_sends_a_content_security_policy_without_unsafe_inline_scripts(client, db):
    response = client.get(reverse("stats:index"))
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_it_passes_the_deployment_checks_in_production():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789abc",
        "DJANGO_ALLOWED_HOSTS": "kyodo.example.jp",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
