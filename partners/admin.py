from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partners.models import ActivityField, Partner
from projects.admin import ReadOnlyAdmin


@admin.register(ActivityField)
class ActivityFieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "representative", "archived_at"]
    list_filter = ["kind", "activity_fields"]
    search_fields = ["name", "name_kana"]
    filter_horizontal = ["activity_fields"]
    readonly_fields = ["archived_at", "version"]
