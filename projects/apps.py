from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "協働事業"

    def ready(self) -> None:
        from projects import permissions  # noqa: F401  registers the rules
