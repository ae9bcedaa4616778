"""Write a backup: the database, the stored files (MEDIA_ROOT) and a manifest.

One directory per backup, by default var/backups/<YYYYmmdd-HHMMSS>/ (KYODO_BACKUP_DIR to move
it), holding database.pgdump (pg_dump --format=custom) or database.sqlite3 (a consistent copy
through SQLite's backup API, safe while the app runs), media.tar.gz, and manifest.json with
the time, the engine, the applied migrations and each file's size and SHA-256. `restore`
reads it back (docs/deploy.md).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "kyodo-backup/1"
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
STAMP = re.compile(r"^\d{8}-\d{6}$")
# OPTIONS that Django uses itself; the rest (sslmode, sslrootcert, ...) are libpq's.
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}


def default_parent() -> Path:
    return Path(getattr(settings, "KYODO_BACKUP_DIR", "") or Path(settings.VAR_DIR) / "backups")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore with the connection from settings; the password goes by env."""
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} が見つかりません。PostgreSQL のクライアント（postgresql-client）を"
            "入れてください。"
        )
    params = {
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER") or "",
        "dbname": settings_dict["NAME"],
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int):
            params[key] = str(value)
    conninfo = " ".join(
        "{}='{}'".format(key, value.replace("\\", "\\\\").replace("'", "\\'"))
        for key, value in params.items()
        if value
    )
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    # --no-password: a timer must fail rather than wait for someone to type one.
    return [program, "--no-password", f"--dbname={conninfo}"], env


def sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy one SQLite database over another in a single consistent step (backup API)."""
    waited = 0

    def give_up_when_locked(status: int, remaining: int, total: int) -> None:
        nonlocal waited
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            waited += 1
            if waited > 240:  # Python retries every 0.25 s, for ever: stop after a minute
                raise CommandError("データベースが使用中のため、1分待っても読めませんでした。")

    # pages=-1 copies everything in one step: a single snapshot, even while the app (WAL)
    # keeps writing.
    source.backup(target, pages=-1, progress=give_up_when_locked)


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} が失敗しました:\n{result.stderr.strip()}")


class Command(BaseCommand):
    help = "データベースと保存ファイル（提案書、協定書PDFなど）をバックアップします。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            metavar="DIR",
            help="書き出す先のディレクトリ（空か、まだ無いもの）。"
            "省略すると var/backups/<日時>/（KYODO_BACKUP_DIR で変更可）。",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="書き出したあと、既定の置き場所の古いバックアップを消し、新しい N 個だけ残す。",
        )

    def handle(self, *args, **options):
        if options["keep"] is not None and (options["keep"] < 1 or options["to"]):
            raise CommandError("--keep は 1 以上で、--to と一緒には使えません。")
        if options["to"]:
            target = Path(options["to"])
        else:
            target = default_parent() / timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} は空ではありません。別の場所を指定してください。")
        created = not target.exists()
        # The backup holds every record, personal data included: readable by this user only.
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            self._write(target)
        except BaseException:
            # Leave nothing that could pass for a backup.
            if created:
                shutil.rmtree(target, ignore_errors=True)
            else:
                for path in target.iterdir():
                    path.unlink()
            raise
        self.stdout.write(self.style.SUCCESS(f"バックアップを書き出しました: {target}"))
        if options["keep"]:
            self._rotate(default_parent(), options["keep"])

    def _write(self, target: Path) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        engine = connection.vendor
        if engine not in DATABASE_FILES:
            raise CommandError(f"{engine} のデータベースのバックアップには対応していません。")
        database_file = target / DATABASE_FILES[engine]
        started = timezone.now()
        # The database first, then the files: a file uploaded in between is only an extra
        # file, whereas the other order could leave a record pointing at a missing file.
        if engine == "postgresql":
            command, env = libpq_command("pg_dump", connection.settings_dict)
            run([*command, "--format=custom", f"--file={database_file}"], env)
        else:
            if connection.in_atomic_block:
                # SQLite cannot copy from a connection that is writing: it would wait for ever.
                raise CommandError("トランザクションの中ではバックアップできません。")
            connection.ensure_connection()
            copy = sqlite3.connect(database_file)
            try:
                sqlite_copy(connection.connection, copy)
                # A self-contained file: no -wal beside it, readable from a read-only place.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(target / MEDIA_ARCHIVE, "w:gz", compresslevel=6) as archive:
            if media_root.is_dir():
                archive.add(media_root, "media")
            else:  # nothing uploaded yet
                folder = tarfile.TarInfo("media")
                folder.type, folder.mode = tarfile.DIRTYPE, 0o755
                archive.addfile(folder)
        media_count = (
            sum(path.is_file() for path in media_root.rglob("*")) if media_root.is_dir() else 0
        )

        applied: dict[str, list[str]] = {}
        for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
            applied.setdefault(app, []).append(name)
        files = {}
        for path in (database_file, target / MEDIA_ARCHIVE):
            os.chmod(path, 0o600)
            files[path.name] = {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime(started).isoformat(timespec="seconds"),
            "engine": engine,
            "database": str(connection.settings_dict["NAME"]),
            "django": django.get_version(),
            "media_files": media_count,
            "migrations": applied,
            "files": files,
        }
        # Written last: a directory without a manifest is an unfinished backup.
        manifest_path = target / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        os.chmod(manifest_path, 0o600)

    def _rotate(self, parent: Path, keep: int) -> None:
        backups = sorted(
            path
            for path in parent.iterdir()
            if path.is_dir() and STAMP.match(path.name) and (path / MANIFEST).is_file()
        )
        for old in backups[:-keep]:
            shutil.rmtree(old)
            self.stdout.write(f"古いバックアップを消しました: {old}")
