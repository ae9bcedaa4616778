"""kyodo's URLs plus /bench/bare/: the machine's ceiling for a Django page."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as kyodo_urlpatterns

BARE = engines["django"].from_string(
    '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ title }}</title>'
    "</head><body><p>{{ title }}</p></body></html>"
)


def bare(request):
    """A bare Django view rendering a minimal template: no database, no session work."""
    return HttpResponse(BARE.render({"title": "bare"}))


urlpatterns = [path("bench/bare/", bare), *kyodo_urlpatterns]
