from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from kyodo.models import AuditEvent, Department, User

admin.site.site_header = "kyodo 管理画面"
admin.site.site_title = "kyodo 管理"
admin.site.index_title = "マスタデータの管理"


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "bureau", "sort_order", "is_active"]
    list_filter = ["bureau", "is_active"]
    search_fields = ["name", "bureau"]
    list_editable = ["sort_order"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "partner", "is_active"]
    list_filter = ["role", "is_active", "department__bureau"]
    list_select_related = ["department", "partner"]
    search_fields = ["username", "last_name", "first_name", "email"]
    autocomplete_fields = ["partner"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("kyodo での役割", {"fields": ("role", "department", "partner")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            "kyodo での役割",
            {"fields": ("role", "department", "partner", "last_name", "first_name")},
        ),
    )

    @admin.display(description="氏名")
    def display_name(self, obj: User) -> str:
        return obj.display_name


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: who read agreements and files, archived, or logged in."""

    list_display = ["at", "action", "username", "object_label", "address", "detail"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_label", "address", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
