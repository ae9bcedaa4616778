from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "協働事業"

    def ready(self) -> None:
        from partners.sections import register_partner_section
        from projects import permissions  # noqa: F401  registers the rules
        from projects.views.project import partner_projects_section

        register_partner_section(partner_projects_section)
