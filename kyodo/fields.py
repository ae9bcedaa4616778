"""Model fields shared by the apps."""

from django.db import models

from kyodo.formfields import YenField


class MoneyField(models.PositiveBigIntegerField):
    """An amount in whole yen; its form field accepts １２，０００円 and the like."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": YenField, **kwargs})
