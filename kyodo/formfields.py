"""Form fields that accept what people type: full width, 和暦, separators, invisible characters.

kyodo/forms.py builds every form on these; kyodo/fields.py gives model fields their form field.
"""

import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from kyodo import fiscal
from kyodo.text import has_control_chars, strip_invisible


class CleanCharField(forms.CharField):
    """A CharField that drops invisible characters and refuses control characters."""

    def __init__(self, *args, multiline: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = (
            multiline if multiline is not None else isinstance(self.widget, forms.Textarea)
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = strip_invisible(value)
            if has_control_chars(value.replace("\r\n", "\n"), multiline=self.multiline):
                raise ValidationError(
                    "表示できない制御文字が含まれています。文字を打ち直してください。",
                    code="control_chars",
                )
        return super().to_python(value)


class YenField(forms.IntegerField):
    """An amount in whole yen; accepts full-width digits, commas, ¥ and 円."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        # One trillion yen is far beyond any city budget line; it also keeps SQLite safe.
        kwargs["max_value"] = min(kwargs.get("max_value") or 10**12, 10**12)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")
        self.error_messages["min_value"] = "0円以上の金額を入力してください。"

    def widget_attrs(self, widget):
        # A text box, so min/max/step number attributes would only confuse the browser.
        return {}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int):
            return value
        try:
            return fiscal.parse_yen(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}"
        return value


class NumberField(forms.IntegerField):
    """A whole number typed in a text box; full-width digits and commas are accepted."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").strip()
        return super().to_python(value)


# 和暦 is written from 昭和 on; an earlier day could be saved but not shown.
FIRST_WAREKI_DAY = fiscal.ERAS[0].start


class WarekiDateWidget(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": "例: 令和7年4月1日 / R7.4.1 / 2025/4/1", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            if value < FIRST_WAREKI_DAY:
                return f"{value.year}/{value.month}/{value.day}"  # no 和暦 to write it in
            return fiscal.wareki_date(value)
        return super().format_value(value)


class WarekiDateField(forms.DateField):
    """A date typed as 和暦 or 西暦, full or half width, from 昭和元年 on."""

    widget = WarekiDateWidget

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, date):
            return value
        try:
            return fiscal.parse_date(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and value < FIRST_WAREKI_DAY:
            first = FIRST_WAREKI_DAY
            raise ValidationError(
                f"{first.year}年{first.month}月{first.day}日（昭和元年）より前の日付は"
                "入力できません。",
                code="invalid",
            )


# What a 64-bit integer column can hold; SQLite raises OverflowError beyond it.
_ID_RANGE = range(-(2**63), 2**63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id; an id beyond any integer column is refused as not offered.

    Django keeps such ids from `pk=` lookups but not from the `pk__in=` this field makes,
    which on SQLite ends in OverflowError: a server error for a forged form.
    """

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        assert self.queryset is not None  # the field is always given one
        meta = self.queryset.model._meta
        column = meta.pk if key == "pk" else meta.get_field(key)
        if isinstance(column, models.IntegerField):
            for item in value:
                try:
                    number = int(str(item))
                except ValueError:
                    continue  # not a number: Django refuses it as invalid_pk_value
                if number not in _ID_RANGE:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        # Django's private method, which django-stubs does not declare.
        return super()._check_values(value)  # type: ignore[misc]
