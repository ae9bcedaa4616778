from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Fund, Project, ProjectPartner


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["partner"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown for reference only: edits go through kyodo's screens, which keep the search index,
    the version and the workflow consistent."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "fiscal_year", "department", "implementation_form", "status"]
    list_filter = ["fiscal_year", "implementation_form", "status", "department"]
    list_select_related = ["department"]
    search_fields = ["title"]
    raw_id_fields = ["origin"]
    readonly_fields = ["version", "archived_at", "archive_reason", "created_by"]
    inlines = [ProjectPartnerInline]
