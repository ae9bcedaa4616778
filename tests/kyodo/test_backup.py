"""backup and restore: a backup restored into an empty database serves the same pages.

A backup is written outside any test's transaction: pg_dump only sees committed rows, and
SQLite cannot copy from a connection that is inside a transaction.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kyodo.management.commands.backup import libpq_command
from kyodo.models import User
from projects.services import agreements

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4 agreed and stored\n%%EOF\n"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": ?)"[^"]+"')


def counts() -> dict[str, int]:
    """Rows per model, join tables and history included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def pages(username: str, project_pk: int) -> dict[str, str]:
    """What the user is shown, CSRF tokens aside (they differ per session)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    shown = {}
    for name, args in [
        ("projects:list", []),
        ("projects:detail", [project_pk]),
        ("projects:agreement", [project_pk]),
        ("projects:agreement_pdf", [project_pk]),
        ("partners:list", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        body = b"".join(response) if response.streaming else response.content
        shown[name] = CSRF.sub(r"\1-", body.decode("latin-1"))
    return shown


# Run in a fresh process pointed at the restored copy: restore (refused the second time
# without --force), then what the restored database holds and shows.
RESTORED = """
import io, json
from django.core.management import CommandError, call_command
from tests.kyodo.test_backup import counts, pages

def restore(*args):
    call_command("restore", {source!r}, *args, stdout=io.StringIO(), verbosity=0)

restore()
counted = counts()
try:
    restore()
    refused = ""
except CommandError as error:
    refused = str(error)
restore("--force")
print("RESULT" + json.dumps({{
    "refused": refused,
    "counts": counted,
    "counts_after_force": counts(),
    "pages": pages({username!r}, {project_pk}),
}}))
"""


@pytest.fixture
def agreed_project(project, staff):
    """A project whose agreed agreement is stored as a PDF in MEDIA_ROOT."""
    version = agreements.agreement_start(project=project, by=staff)
    version.frozen_at = version.agreed_at = timezone.now()
    version.pdf_sha256 = "ab" * 32
    version.pdf.save("agreement.pdf", ContentFile(PDF), save=False)
    version.save()
    return project


@pytest.fixture
def empty_database(tmp_path):
    """Environment for a process whose database is a new, empty one (dropped afterwards)."""
    env = {**os.environ, "KYODO_VAR_DIR": str(tmp_path / "restored")}
    env.pop("DATABASE_URL", None)
    if connection.vendor != "postgresql":
        yield env  # SQLite: KYODO_VAR_DIR/kyodo.sqlite3, which does not exist yet
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed")
    import psycopg

    params = connection.settings_dict
    name = f"kyodo_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(params["USER"], safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    env["DATABASE_URL"] = (
        f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"
    )
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def backup(to: Path) -> Path:
    call_command("backup", "--to", str(to), stdout=io.StringIO())
    return to


@pytest.mark.django_db(transaction=True)  # committed, so that pg_dump sees it
def test_it_restores_a_backup_into_an_empty_database_that_shows_the_same_pages(
    agreed_project, staff, partner_user, tmp_path, empty_database
):
    shown = pages(staff.username, agreed_project.pk)
    assert shown["projects:agreement_pdf"] == PDF.decode("latin-1")
    before = counts()
    assert before["projects.AgreementVersion"] == 1

    source = backup(tmp_path / "backup")

    manifest = json.loads((source / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["projects"]
    assert manifest["media_files"] == 1
    assert sorted(manifest["files"]) == sorted(
        [
            "media.tar.gz",
            "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3",
        ]
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c"]
        + [
            RESTORED.format(
                source=str(source), username=staff.username, project_pk=agreed_project.pk
            )
        ],
        cwd=ROOT,
        env=empty_database,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout.split("RESULT", 1)[1])

    assert restored["counts"] == before
    assert restored["counts_after_force"] == before
    assert "--force" in restored["refused"]
    assert restored["pages"] == shown
    media = Path(empty_database["KYODO_VAR_DIR"]) / "media"
    assert [p.read_bytes() for p in media.rglob("*.pdf")] == [PDF]


@pytest.fixture(scope="module")
def _backup_of_the_test_database(django_db_setup, django_db_blocker, tmp_path_factory):
    # Made once, outside any test's transaction, from whatever the test database holds: the
    # refusals below happen before the contents matter.
    folder = tmp_path_factory.mktemp("backup")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media"):
        return backup(folder / "backup")


@pytest.fixture
def made_backup(_backup_of_the_test_database, tmp_path) -> Path:
    """A copy of a real backup, to spoil as a test likes."""
    return Path(shutil.copytree(_backup_of_the_test_database, tmp_path / "backup"))


@pytest.mark.django_db
def test_it_refuses_to_restore_over_a_database_that_has_data(made_backup, staff):
    with pytest.raises(CommandError, match="すでにデータがあります.*--force"):
        call_command("restore", str(made_backup), stdout=io.StringIO())

    assert User.objects.filter(pk=staff.pk).exists()


# The tests below have no database access: a refusal must come before touching it.


@pytest.mark.parametrize("which", ["database", "media"])
def test_it_refuses_a_tampered_backup(made_backup, which):
    (tampered,) = made_backup.glob(f"{which}.*")
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="照合値（SHA-256）と一致しません"):
        call_command("restore", str(made_backup), stdout=io.StringIO())


def test_it_refuses_a_backup_from_a_newer_kyodo(made_backup):
    path = made_backup / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "migrations": {"projects": ["9999_from_the_future"]}}))

    with pytest.raises(CommandError, match="新しい版.*projects.9999_from_the_future"):
        call_command("restore", str(made_backup), stdout=io.StringIO())


def test_it_refuses_a_backup_of_the_other_database_engine(made_backup):
    other, name = (
        ("sqlite", "database.sqlite3")
        if connection.vendor == "postgresql"
        else ("postgresql", "database.pgdump")
    )
    path = made_backup / "manifest.json"
    manifest = json.loads(path.read_text())
    (database_file,) = made_backup.glob("database.*")
    database_file.rename(made_backup / name)
    files = {
        name: manifest["files"][database_file.name],
        "media.tar.gz": manifest["files"]["media.tar.gz"],
    }
    path.write_text(json.dumps({**manifest, "engine": other, "files": files}))

    with pytest.raises(CommandError, match=f"{other} のものです"):
        call_command("restore", str(made_backup), stdout=io.StringIO())


def test_it_refuses_a_folder_that_is_not_a_finished_backup(made_backup):
    (made_backup / "manifest.json").unlink()  # written last: missing if the backup broke off

    with pytest.raises(CommandError, match="manifest.json がありません"):
        call_command("restore", str(made_backup), stdout=io.StringIO())


def test_it_keeps_only_the_newest_backups_when_asked(settings, tmp_path, django_db_blocker):
    settings.KYODO_BACKUP_DIR = tmp_path
    for stamp in ("20240101-020000", "20240102-020000", "20240103-020000"):
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / "manifest.json").write_text("{}")
    (tmp_path / "20200101-000000").mkdir()  # no manifest: not a backup, left alone
    (tmp_path / "keep-me").mkdir()

    with django_db_blocker.unblock():
        call_command("backup", "--keep", "2", stdout=io.StringIO())

    (new,) = [
        p for p in tmp_path.iterdir() if re.fullmatch(r"\d{8}-\d{6}", p.name) and p.name > "2025"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "20200101-000000",
        "20240103-020000",
        new.name,
        "keep-me",
    ]
    assert new.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_it_gives_pg_dump_the_connection_from_settings_and_the_password_only_by_env():
    command, env = libpq_command(
        "pg_dump",
        {
            "NAME": "kyodo",
            "USER": "kyodo",
            "PASSWORD": "pa'ss word",
            "HOST": "db.example.lg.jp",
            "PORT": "5433",
            "OPTIONS": {"sslmode": "require", "server_side_binding": True},
        },
    )

    assert command == [
        "pg_dump",
        "--no-password",
        "--dbname=host='db.example.lg.jp' port='5433' user='kyodo' dbname='kyodo' "
        "sslmode='require'",
    ]
    assert env["PGPASSWORD"] == "pa'ss word"
