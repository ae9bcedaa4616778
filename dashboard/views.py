"""The dashboard: each role's starting page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.services import home_context


@require_GET
def dashboard(request):
    if not request.user.is_authenticated:
        return render(request, "dashboard/welcome.html")
    return render(request, "dashboard/index.html", home_context(request.user))
