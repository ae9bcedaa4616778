"""Response headers every page carries."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Scripts, fonts and images from this site only; no inline script anywhere.

    Styles may be inline (SVG charts carry style attributes; htmx adds its indicator style).
    A view that serves uploaded files sets a stricter policy of its own, which is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.KYODO_CSP)
        return response
