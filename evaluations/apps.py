from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "評価"

    def ready(self) -> None:
        from evaluations import permissions  # noqa: F401  registers the rules
        from evaluations.services import evaluation_missing
        from projects.policy import Step
        from projects.steps import register_step

        register_step(Step.EVALUATION, check=evaluation_missing, url_name="evaluations:overview")
