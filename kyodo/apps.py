from django.apps import AppConfig


class KyodoConfig(AppConfig):
    name = "kyodo"
    verbose_name = "職員・所管課"
