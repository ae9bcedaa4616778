"""Printed documents: one helper that turns a template into PDF bytes with WeasyPrint."""

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string


def font_url() -> str:
    """The Japanese font shipped in static/fonts, as a file URL WeasyPrint can read."""
    return (settings.BASE_DIR / "static" / "fonts" / "ipaexm.ttf").as_uri()


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, {**context, "font_url": font_url()})


def static_root() -> Path:
    return (settings.BASE_DIR / "static").resolve()


def static_only(url: str) -> Path:
    """The file under static/ that url names; anything else is refused (ValueError).

    A printed document reads the shipped font and nothing more: no server file through a
    file:// link in a template or a record, and no request to the network.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"only files of static/ may be read into a PDF, not {url}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(static_root()) or not path.is_file():
        raise ValueError(f"only files of static/ may be read into a PDF, not {url}")
    return path


def html_to_pdf(html: str) -> bytes:
    # Imported late: WeasyPrint loads Pango, which is slow to start.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_only(url)
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    fetcher = StaticOnlyFetcher(allowed_protocols={"file"})
    return HTML(string=html, base_url=str(static_root()), url_fetcher=fetcher).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render template_name with context to a PDF (fonts subset-embedded)."""
    return html_to_pdf(render_html(template_name, context))
