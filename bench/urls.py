"""kyodo's URLs plus /bench/bare/: the machine's ceiling for a Django page."""

from django.shortcuts import render
from django.urls import path

from kyodo.urls import urlpatterns as kyodo_urlpatterns


def bare(request):
    """A bare Django view rendering a minimal template: no database, no session work."""
    return render(request, "bench/bare.html", {"title": "bare"})


urlpatterns = [path("bench/bare/", bare), *kyodo_urlpatterns]
