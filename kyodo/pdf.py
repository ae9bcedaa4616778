"""Printed documents: one helper that turns a template into PDF bytes with WeasyPrint."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def font_url() -> str:
    """The Japanese font shipped in static/fonts, as a file URL WeasyPrint can read."""
    return (settings.BASE_DIR / "static" / "fonts" / "ipaexm.ttf").as_uri()


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, {**context, "font_url": font_url()})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which is slow to start

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render template_name with context to a PDF (fonts subset-embedded)."""
    return html_to_pdf(render_html(template_name, context))
