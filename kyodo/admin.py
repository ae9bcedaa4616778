from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.functional import SimpleLazyObject
from simple_history.admin import SimpleHistoryAdmin

from kyodo import login
from kyodo.login_forms import AdminLoginForm
from kyodo.models import AuditEvent, Department, User

admin.site.site_header = "kyodo 管理画面"
admin.site.site_title = "kyodo 管理"
admin.site.index_title = "マスタデータの管理"
# /admin/ has its own log-in page; it is throttled like the site's.
admin.site.login_form = AdminLoginForm


class UnlockPermissionMixin:
    """Who may change users may lift their log-in restriction."""

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm("kyodo.change_user")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "bureau", "sort_order", "is_active"]
    list_filter = ["bureau", "is_active"]
    search_fields = ["name", "bureau"]
    list_editable = ["sort_order"]


@admin.register(User)
class UserAdmin(UnlockPermissionMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "partner", "is_active"]
    list_filter = ["role", "is_active", "department__bureau"]
    list_select_related = ["department", "partner"]
    search_fields = ["username", "last_name", "first_name", "email"]
    autocomplete_fields = ["partner"]
    actions = ["unlock_login"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
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

    def get_list_display(self, request):
        # One query for the whole page, made only when the column is drawn.
        locked = SimpleLazyObject(login.locked_usernames)

        @admin.display(description="ログイン制限")
        def login_restriction(obj: User) -> str:
            return "制限中" if obj.username.lower() in locked else ""

        return [*super().get_list_display(request), login_restriction]

    @admin.action(description="ログイン制限を解除", permissions=["unlock"])
    def unlock_login(self, request, queryset):
        names = []
        for user in queryset:
            login.unlock(username=user.username, by=request.user)
            names.append(user.username)
        self.message_user(
            request,
            f"{len(names)}人のログイン制限を解除しました（{'、'.join(names)}）。",
            messages.SUCCESS,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(UnlockPermissionMixin, admin.ModelAdmin):
    """The audit log, read-only: who read agreements and files, archived, or logged in."""

    list_display = ["at", "action", "username", "object_label", "address", "detail"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_label", "address", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 100
    actions = ["unlock_login"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description="選んだ記録のユーザー名・接続元のログイン制限を解除", permissions=["unlock"]
    )
    def unlock_login(self, request, queryset):
        pairs = set(queryset.values_list("username", "address").order_by())
        done = []
        for username, address in sorted(pairs, key=lambda p: (p[0], p[1] or "")):
            if username or address:
                login.unlock(username=username, address=address, by=request.user)
                done.append(" / ".join(part for part in (username, address) if part))
        if not done:
            self.message_user(
                request, "選んだ記録には、ユーザー名も接続元もありません。", messages.WARNING
            )
            return
        self.message_user(
            request, f"ログイン制限を解除しました: {'、'.join(done)}", messages.SUCCESS
        )
