from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "パートナー（市民活動団体等）"

    def ready(self) -> None:
        from partners import permissions  # noqa: F401  registers the rules
