from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "パートナーの選定"

    def ready(self) -> None:
        from projects.policy import Step
        from projects.steps import register_step
        from selection import permissions  # noqa: F401  registers the rules
        from selection.models import Selection

        def selection_missing(project) -> list[str]:
            try:
                selection = project.selection
            except Selection.DoesNotExist:
                return ["選定の記録"]
            return selection.missing()

        register_step(Step.SELECTION, check=selection_missing, url_name="selection:overview")
