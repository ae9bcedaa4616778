from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kyodo.admin_helpers import ArchivedFilter, ReadOnlyAdmin
from partners.models import ActivityField, CityIssue, Interest, Partner


@admin.register(ActivityField)
class ActivityFieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "representative", "archived_at"]
    list_filter = [ArchivedFilter, "kind", "activity_fields"]
    search_fields = ["name", "name_kana"]
    filter_horizontal = ["activity_fields"]
    readonly_fields = ["archived_at", "version"]


@admin.register(CityIssue)
class CityIssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "open_until", "closed_at", "archived_at"]
    list_filter = [ArchivedFilter, "department", "activity_fields"]
    list_select_related = ["department"]
    search_fields = ["title"]
    readonly_fields = ["created_by", "closed_at", "archived_at", "version"]


@admin.register(Interest)
class InterestAdmin(ReadOnlyAdmin):
    list_display = ["issue", "partner", "by", "created_at"]
    list_select_related = ["issue", "partner", "by"]
    search_fields = ["issue__title", "partner__name"]
