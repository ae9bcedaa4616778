"""Responses that hand over a file: CSV (streamed, for Excel), xlsx and PDF.

Every download of the product goes through these, so that the encoding, the file name and
the guard against spreadsheet formulas are decided once.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote; the rest is kept."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


class _Line:
    """csv.writer target that hands back each line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Encoded CSV lines: UTF-8 with a BOM (Excel reads it as such), CRLF, formulas defused."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow([safe_cell(v) for v in header])).encode("utf-8")
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(v) for v in row]).encode("utf-8")


_Response = TypeVar("_Response", bound=HttpResponseBase)


def _named(response: _Response, filename: str, *, inline: bool) -> _Response:
    # No header at all for an inline file without a name (Django gives None for it).
    if disposition := content_disposition_header(not inline, filename):
        response["Content-Disposition"] = disposition
    return response


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download streamed row by row: memory does not grow with the number of rows."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    return _named(response, filename, inline=False)


def xlsx_response(filename: str, body: bytes) -> HttpResponse:
    return _named(HttpResponse(body, content_type=XLSX_TYPE), filename, inline=False)


def pdf_response(filename: str, body: bytes, *, inline: bool = True) -> HttpResponse:
    """A PDF shown in the browser (inline) or saved (attachment)."""
    return _named(HttpResponse(body, content_type="application/pdf"), filename, inline=inline)
