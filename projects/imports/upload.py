"""The uploaded file: checking that it is an .xlsx, and keeping it until it is confirmed."""

import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from kyodo.uploads import OLD_OFFICE, XLSX, check_upload
from projects.imports.errors import ImportRefused

STALE_AFTER_SECONDS = 24 * 60 * 60
SESSION_KEY = "project_imports"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def check_workbook_upload(upload: UploadedFile) -> None:
    """Refuse an upload that is not an .xlsx by its content (whatever its name says)."""
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        if exc.code == "bad_type":
            raise ImportRefused(
                "このファイルは表計算のファイル（Excelの .xlsx）ではありません。"
            ) from exc
        raise ImportRefused(" ".join(exc.messages)) from exc
    if checked.kind == OLD_OFFICE:
        raise ImportRefused(
            "古い形式のファイル（.xls など）は読めません。Excelで開き、"
            "「Excel ブック（.xlsx）」として保存し直してから選んでください。"
        )
    if checked.kind != XLSX:
        raise ImportRefused(
            f"このファイルは{checked.kind.label}です。Excelのファイル（.xlsx）を選んでください。"
        )


# --- keeping the file between the preview and the confirmation --------------------------


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _stored_path(token: str) -> Path:
    if not _TOKEN.fullmatch(token or ""):
        raise ImportRefused("取り込むファイルが見つかりません。もう一度アップロードしてください。")
    return _import_dir() / f"{token}.xlsx"


def store_upload(upload: UploadedFile) -> str:
    """Keep an uploaded file under a random name until it is imported; return the name."""
    folder = _import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    token = secrets.token_urlsafe(32)
    with _stored_path(token).open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def stored_file(token: str) -> Path:
    """Return the path of the file kept under token, refusing if it is gone."""
    path = _stored_path(token)
    if not path.is_file():
        raise ImportRefused(
            "取り込むファイルが見つかりません。時間がたって消えたか、すでに取り込まれています。"
            "もう一度アップロードしてください。"
        )
    return path


def discard(token: str) -> None:
    """Delete the file kept under token, if there is one."""
    if _TOKEN.fullmatch(token or ""):
        _stored_path(token).unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    # Files of previews that were never confirmed are not kept beyond a day.
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


@contextmanager
def claim_stored(token: str) -> Iterator[Path]:
    """Take the stored file for this import only: a second confirmation finds it gone."""
    path = stored_file(token)
    claimed = path.with_suffix(".importing")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        raise ImportRefused(
            "このファイルは、すでに取り込み中か取り込み済みです。一覧を確かめてください。"
        ) from None
    try:
        yield claimed
    except BaseException:
        claimed.rename(path)  # not imported: the preview may be confirmed again later
        raise
    claimed.unlink(missing_ok=True)
