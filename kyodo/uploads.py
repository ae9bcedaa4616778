"""Uploaded files: the type is read from the content, and must agree with the name.

A file called 提案書.pdf that is really something else is refused, and so is anything
that is not one of the kinds below, whatever its name says.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    suffixes: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG画像", "image/png", (".png",))
JPEG = Kind("JPEG画像", "image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("GIF画像", "image/gif", (".gif",))
DOCX = Kind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
OLD_OFFICE = Kind("Word/Excel（旧形式）", "application/x-ole-storage", (".doc", ".xls"))
KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, OLD_OFFICE)
ACCEPTED_SUFFIXES = ",".join(s for kind in KINDS for s in kind.suffixes)
ACCEPTED_LABEL = "PDF、Word、Excel、画像（PNG・JPEG・GIF）"


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    name: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return settings.KYODO_UPLOAD_MAX_BYTES


def _sniff(upload: UploadedFile) -> Kind | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLD_OFFICE
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse a file that is too large, of a kind not accepted, or not what its name says."""
    limit = max_upload_bytes()
    size = upload.size
    assert size is not None  # Django sets it on every uploaded file
    if size > limit:
        raise ValidationError(
            f"ファイルが大きすぎます（{_mb(size)}）。{_mb(limit)}までにしてください。",
            code="too_large",
        )
    if size == 0:
        raise ValidationError("ファイルが空です。", code="empty")
    name = PurePath(upload.name or "").name[:200]
    suffix = PurePath(name).suffix.lower()
    kind = _sniff(upload)
    if kind is None:
        raise ValidationError(
            f"このファイルの中身は、受け付けている種類（{ACCEPTED_LABEL}）ではありません。",
            code="bad_type",
        )
    if suffix not in kind.suffixes:
        raise ValidationError(
            f"ファイル名（{suffix or '拡張子なし'}）と中身（{kind.label}）が合いません。"
            "正しいファイルか確かめてください。",
            code="mismatch",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind=kind, name=name, size=size, sha256=digest.hexdigest())


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"
