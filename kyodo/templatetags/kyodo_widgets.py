"""Widget markup written in Python where Django's templates are too slow for it."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def select_options(optgroups: Iterable[tuple[str | None, list[dict[str, Any]], int]]) -> SafeString:
    """The <option>s (and <optgroup>s) of a <select>, from ChoiceWidget's optgroups.

    Django renders one template per option: a drop-down of 60 課 cost ~5 ms a page
    (bench/). A plain <select> gives its options no attribute but "selected".
    """
    parts = []
    for group_name, options, _index in optgroups:
        rows = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    str(o["value"]),
                    mark_safe(" selected") if o["attrs"].get("selected") else "",
                    o["label"],
                )
                for o in options
            ),
        )
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', group_name, rows)
            if group_name
            else rows
        )
    return mark_safe("".join(parts))


_WIDGET_CLASS = {"select": "form-select", "checkbox": "form-check-input"}


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """A bound field's widget with Bootstrap's class, marked invalid with its errors named.

    For filter bars: crispy's field templates cost ~1 ms a field, and a list page has eight.
    """
    css = _WIDGET_CLASS.get(field.widget_type, "form-control")
    attrs: dict[str, str | bool] = {"class": css}
    if field.errors:
        attrs["class"] = f"{css} is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)
