"""How a stored value reads on a page: choices by label, dates in 和暦, money in yen."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from kyodo import fiscal
from kyodo.fields import MoneyField

EMPTY = "（未入力）"


def model_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """The field called name on model: a column, not a reverse relation or a generic key."""
    db_field = model._meta.get_field(name)
    if not isinstance(db_field, models.Field):
        raise FieldDoesNotExist(f"{model._meta.label}.{name} is not a model field")
    return db_field


def display_value(db_field: models.Field, value: Any, *, empty: str = EMPTY) -> str:
    """The text a person reads for value stored in db_field."""
    if value is None or value == "":
        return empty
    if db_field.choices:
        return str(dict(db_field.flatchoices).get(value, value))
    if isinstance(db_field, models.BooleanField):
        return "はい" if value else "いいえ"
    if isinstance(value, date) and not isinstance(value, datetime):
        return fiscal.wareki_date(value)
    if isinstance(db_field, MoneyField):
        return fiscal.format_yen(value)
    return str(value)


def record_rows(instance: models.Model, names: list[str]) -> list[tuple[str, str]]:
    """(label, text) for the named fields of instance, in order."""
    rows = []
    for name in names:
        db_field = model_field(instance, name)
        rows.append((str(db_field.verbose_name), display_value(db_field, getattr(instance, name))))
    return rows
