"""Model fields shared by the apps."""

from django.db import models


class MoneyField(models.PositiveBigIntegerField):
    """An amount in whole yen; its form field accepts １２，０００円 and the like."""

    def formfield(self, **kwargs):
        from kyodo.forms import YenField

        return super().formfield(**{"form_class": YenField, **kwargs})
