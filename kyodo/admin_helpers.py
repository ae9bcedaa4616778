"""Pieces every app's admin uses: read-only registers, the archive filter, audit-log links."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown for reference only: edits go through kyodo's screens, which keep the search index,
    the version and the workflow consistent."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArchivedFilter(admin.SimpleListFilter):
    """Archived records or those in use; who archived them is in the audit log."""

    title = "アーカイブ"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "アーカイブ済み"), ("no", "使用中")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


def audit_log_url(**filters: str) -> str:
    """The audit log in the admin, narrowed to filters (e.g. object_type and object_id)."""
    return f"{reverse('admin:kyodo_auditevent_changelist')}?{urlencode(filters)}"
