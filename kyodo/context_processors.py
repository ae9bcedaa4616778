"""What every page's header needs: the navigation for the user's role."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items = []
    if user.is_authenticated:
        items.append(("dashboard", "ホーム", reverse("dashboard")))
        items.append(("projects", "協働事業", reverse("projects:list")))
        if user.has_perm("projects.view_review_queue"):
            items.append(("review", "審査", reverse("review")))
        if user.has_perm("evaluations.view_report"):
            items.append(("evaluation_report", "評価の集計", reverse("evaluation_report:index")))
        if user.has_perm("partners.add_partner"):
            items.append(("partners", "パートナー", reverse("partners:list")))
        elif user.partner_id:
            items.append(
                ("partners", "団体の情報", reverse("partners:detail", args=[user.partner_id]))
            )
        items.append(("issues", "市の課題", reverse("partners:issues")))
        if user.is_staff:
            items.append(("admin", "管理画面", reverse("admin:index")))
    # Open to everyone, logged in or not.
    items.append(("stats", "協働の実績", reverse("stats:index")))
    items.append(("public", "公開事業", reverse("public:list")))
    return {
        "nav_items": items,
        "nav_active": _active_key(request),
        "city_name": settings.KYODO_CITY_NAME,
    }


def _active_key(request: HttpRequest) -> str:
    """Which menu item the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name == "partners" and (match.url_name or "").startswith("issue"):
        return "issues"
    return match.app_name or match.url_name or ""
