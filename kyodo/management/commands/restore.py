"""Bring a backup written by `backup` back: the database, the stored files, then migrate.

Refuses a database that already holds data unless --force, a backup whose files do not match
their SHA-256 in the manifest, a backup of the other engine, and one made by a newer kyodo
(migrations this code does not have: `migrate` cannot go back).
"""

import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from kyodo.management.commands.backup import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA_ARCHIVE,
    libpq_command,
    run,
    sha256_of,
    sqlite_copy,
)

# Django's bookkeeping, not kyodo's data.
NOT_DATA = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


def read_manifest(source: Path) -> dict:
    """The backup's manifest, once every file it lists is present and matches its SHA-256."""
    path = source / MANIFEST
    if not path.is_file():
        raise CommandError(
            f"{path} がありません。バックアップのディレクトリではないか、書き出しが途中で"
            "止まったものです。"
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise CommandError(f"{path} を読めません: {error}") from error
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("migrations"), dict)
    ):
        raise CommandError(f"{path} は kyodo のバックアップの目録（{FORMAT}）ではありません。")
    files = manifest.get("files") or {}
    expected = {DATABASE_FILES.get(manifest.get("engine", ""), "database"), MEDIA_ARCHIVE}
    if set(files) != expected:
        raise CommandError(f"目録のファイルの一覧が違います: {sorted(files)}")
    for name, facts in files.items():
        file = source / name
        if not file.is_file():
            raise CommandError(f"{file} がありません。")
        if file.stat().st_size != facts.get("bytes") or sha256_of(file) != facts.get("sha256"):
            raise CommandError(
                f"{file} が目録の照合値（SHA-256）と一致しません。壊れているか、"
                "書き換えられています。戻すのを中止しました。"
            )
    return manifest


class Command(BaseCommand):
    help = "backup で書き出したバックアップから、データベースと保存ファイルを戻します。"

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="DIR", help="バックアップのディレクトリ")
        parser.add_argument(
            "--force",
            action="store_true",
            help="データの入っているデータベースでも、消してバックアップの内容に置き換える。",
        )

    def handle(self, *args, **options):
        source = Path(options["source"])
        manifest = read_manifest(source)
        connection = connections[DEFAULT_DB_ALIAS]
        engine = connection.vendor
        if manifest["engine"] != engine:
            raise CommandError(
                f"このバックアップは {manifest['engine']} のものです。"
                f"設定のデータベースは {engine} なので戻せません。"
            )
        self._check_migrations_known(manifest["migrations"])
        # Only the SQLite backend has is_in_memory_db(); the vendor check says it is that one.
        if engine == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
            Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        tables = connection.introspection.table_names()
        filled = [table for table in tables if table not in NOT_DATA and self._has_rows(table)]
        name = connection.settings_dict["NAME"]
        if filled and not options["force"]:
            raise CommandError(
                f"データベース {name} にはすでにデータがあります（{', '.join(filled[:3])} など）。"
                "作ったばかりの空のデータベース（migrate もしていないもの）に戻してください。"
                "いまのデータを消してよいときだけ --force を付けます。"
            )

        database_file = source / DATABASE_FILES[engine]
        if engine == "postgresql":
            self._restore_postgresql(database_file, tables)
        else:
            self._restore_sqlite(database_file)
        count = self._unpack_media(source / MEDIA_ARCHIVE)
        self.stdout.write(f"データベース {name} と保存ファイル {count} 件を戻しました。")
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        self.stdout.write(
            self.style.SUCCESS(f"{manifest['created_at']} のバックアップから戻しました。")
        )

    def _check_migrations_known(self, applied: dict[str, list[str]]) -> None:
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown = [
            f"{app}.{name}"
            for app, names in applied.items()
            for name in names
            if (app, name) not in known
        ]
        if unknown:
            raise CommandError(
                "このバックアップは、いまのプログラムより新しい版の kyodo で作られています"
                f"（知らないマイグレーション: {', '.join(unknown[:3])}）。"
                "先にプログラムを新しくしてください。"
            )

    def _has_rows(self, table: str) -> bool:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            return cursor.fetchone() is not None

    def _restore_postgresql(self, dump: Path, tables: list[str]) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        command, env = libpq_command("pg_restore", connection.settings_dict)  # before dropping
        if tables:
            # Tables the dump does not know (from newer migrations) would make the final
            # migrate fail with "already exists": the database must hold what the backup held.
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        # pg_restore's own connection must not wait for a lock held by this one.
        connection.close()
        run(
            [
                *command,
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--single-transaction",
                str(dump),
            ],
            env,
        )

    def _restore_sqlite(self, copy: Path) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        # SQLite's backup API, from the copy into the live connection: it replaces the whole
        # database in one step and keeps the WAL files consistent, which copying the file
        # over an open database would not.
        source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        try:
            sqlite_copy(source, connection.connection)
        finally:
            source.close()

    def _unpack_media(self, archive_path: Path) -> int:
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        count = 0
        with (
            tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as unpacked,
            tarfile.open(archive_path, "r:gz") as archive,
        ):
            # The "data" filter refuses absolute paths, "..", links out of the tree and
            # device files: an archive cannot write outside MEDIA_ROOT.
            archive.extractall(unpacked, filter="data")
            top = Path(unpacked) / "media"
            for path in sorted(top.rglob("*")):
                target = media_root / path.relative_to(top)
                if path.is_dir():
                    target.mkdir(exist_ok=True)
                else:
                    os.replace(path, target)
                    count += 1
        return count
