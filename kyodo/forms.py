"""The one form policy: every form in kyodo is built on these fields and base classes.

- Text: zero-width characters are removed; control characters are refused with a message.
- Numbers in yen accept full-width digits, separators and 円 (１２，０００円 → 12000).
- Dates accept 和暦 and 西暦 in full or half width (令和7年4月1日, R7.4.1, 2025/4/1), from
  昭和元年 on: an earlier day could not be shown in 和暦.
- Choices of several records refuse ids no integer column can hold.
- Edit forms carry the record's version so that a stale save is refused, not lost.
"""

from collections.abc import Callable
from datetime import date
from typing import cast

from django import forms
from django.db import models
from django.http import QueryDict

from kyodo import fiscal
from kyodo.fields import MoneyField
from kyodo.formfields import (
    CleanCharField,
    ModelMultipleChoiceField,
    NumberField,
    WarekiDateField,
    WarekiDateWidget,
    YenField,
)
from kyodo.services import ConflictError, DomainError

__all__ = [
    "CleanCharField",
    "KyodoModelForm",
    "ModelMultipleChoiceField",
    "NumberField",
    "VersionedFormMixin",
    "WarekiDateField",
    "WarekiDateWidget",
    "YenField",
    "conflict_rows",
    "kyodo_formfield",
    "save_or_explain",
]


def kyodo_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """Map model fields to kyodo's form fields (used as Meta.formfield_callback)."""
    if isinstance(db_field, models.ManyToManyField):
        return db_field.formfield(form_class=ModelMultipleChoiceField, **kwargs)
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return db_field.formfield(form_class=WarekiDateField, **kwargs)
    if isinstance(db_field, MoneyField):
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        return db_field.formfield(form_class=NumberField, **kwargs)
    if isinstance(db_field, models.TextField) and not db_field.choices:
        return db_field.formfield(
            form_class=CleanCharField, widget=forms.Textarea(attrs={"rows": 4}), **kwargs
        )
    if isinstance(db_field, models.CharField) and not db_field.choices:
        return db_field.formfield(form_class=CleanCharField, **kwargs)
    return db_field.formfield(**kwargs)


class KyodoModelForm(forms.ModelForm):
    """Base of every model form: kyodo's fields for text, dates and yen."""

    class Meta:
        formfield_callback = kyodo_formfield


class VersionedFormMixin(forms.Form):
    """Carries the version the user started from, for optimistic locking.

    A blank version means "I saw no record yet": a page that creates its record on the first
    save (対象確認, 選定, 評価) may find that someone else created it meanwhile. The service
    then answers with the conflict (kept input, the other person's values beside it) instead
    of a "required" error on a hidden field that the user could never fix.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["version"].initial = instance.version

    def take_current_version(self, current_version: int) -> None:
        """After a conflict: let the next save, made knowingly, replace the newer version."""
        data = cast(QueryDict, self.data).copy()  # a bound form's data is a QueryDict
        data[self.add_prefix("version")] = str(current_version)
        self.data = data


def conflict_rows(form: forms.BaseForm, current: models.Model) -> list[tuple[str, str, str]]:
    """After a conflict: (label, value saved by the other person, value this user typed)."""
    rows = []
    for name, typed in form.cleaned_data.items():
        if name == "version" or not hasattr(current, name):
            continue
        saved = getattr(current, name)
        if hasattr(saved, "all"):
            saved, typed = set(saved.all()), set(typed or [])
        if saved != typed:
            rows.append((str(form.fields[name].label), _show(saved), _show(typed)))
    return rows


def _show(value) -> str:
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, set):
        return "、".join(sorted(str(v) for v in value)) or "（なし）"
    if isinstance(value, date):
        return fiscal.wareki_date(value)
    return str(value)


def save_or_explain(
    form: VersionedFormMixin, save: Callable[[], object]
) -> tuple[bool, list | None]:
    """Run save(); a conflict or a refused rule becomes a message on the form, input kept.

    Returns (saved, conflict rows for includes/conflict.html).
    """
    try:
        save()
    except ConflictError as exc:
        rows = conflict_rows(form, exc.current)
        form.add_error(None, str(exc))
        form.take_current_version(exc.current_version)
        return False, rows
    except DomainError as exc:
        form.add_error(None, str(exc))
        return False, None
    return True, None
