"""Model fields shared by the apps."""

from typing import Any

from django import forms
from django.db import models

from kyodo.formfields import YenField


class MoneyField(models.PositiveBigIntegerField):
    """An amount in whole yen; its form field accepts １２，０００円 and the like."""

    def formfield(
        self,
        form_class: type[forms.Field] | None = YenField,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class, choices_form_class=choices_form_class, **kwargs
        )
