"""Printed documents read the shipped font and nothing else (kyodo/pdf.py)."""

import logging

import pytest
from django.conf import settings

from kyodo.pdf import font_url, html_to_pdf, static_only


def test_it_reads_the_shipped_font():
    assert static_only(font_url()) == (settings.BASE_DIR / "static/fonts/ipaexm.ttf").resolve()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        (settings.BASE_DIR / "config" / "settings.py").as_uri(),
        (settings.BASE_DIR / "static" / ".." / "manage.py").as_uri(),
        "http://example.com/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "data:text/plain,hello",
    ],
)
def test_it_refuses_to_read_anything_but_static_files(url):
    with pytest.raises(ValueError, match="only files of static/"):
        static_only(url)


def test_it_leaves_a_server_file_out_of_the_pdf(caplog):
    secret = settings.BASE_DIR / "config" / "settings.py"
    uri = secret.as_uri()
    html = f'<p>協定書</p><img src="{uri}"><link rel="stylesheet" href="{uri}">'

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf(html)

    assert pdf.startswith(b"%PDF")
    assert "only files of static/" in caplog.text
    assert b"SECRET_KEY" not in pdf
