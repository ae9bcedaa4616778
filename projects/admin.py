from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from kyodo.admin_helpers import ArchivedFilter, ReadOnlyAdmin, audit_log_url
from projects.models import AgreementVersion, Fund, Project, ProjectPartner


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "fiscal_year",
        "department",
        "implementation_form",
        "status",
        "archived_at",
    ]
    list_filter = [ArchivedFilter, "fiscal_year", "implementation_form", "status", "department"]
    list_select_related = ["department"]
    search_fields = ["title"]
    raw_id_fields = ["origin"]
    readonly_fields = ["version", "archived_at", "archive_reason", "created_by", "audit_log"]
    inlines = [ProjectPartnerInline]

    @admin.display(description="監査ログ")
    def audit_log(self, obj: Project) -> str:
        here = audit_log_url(object_type="projects.project", object_id=obj.pk)
        links = [(here, "アーカイブ・元に戻す")]
        versions = list(
            AgreementVersion.objects.filter(agreement__project=obj).values_list("pk", flat=True)
        )
        if versions:
            read = audit_log_url(
                object_type="projects.agreementversion",
                object_id__in=",".join(map(str, versions)),
            )
            links.append((read, "協定の閲覧"))
        return format_html(
            "この事業の記録: {}", format_html_join("、", '<a href="{}">{}</a>', links)
        )
