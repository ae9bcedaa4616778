"""Turn django-simple-history rows into "who changed what, when" for the record pages."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from kyodo.display import display_value


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    record: str
    action: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


_ACTIONS = {"+": "登録", "~": "変更", "-": "削除"}
_HIDDEN = {"version", "updated_at", "created_at", "search_index", "archived_at"}


def _display(db_field: models.Field, value: Any, related: dict[tuple[Any, Any], Any]) -> str:
    if isinstance(db_field, models.ForeignKey) and value is not None:
        return str(related.get((db_field.related_model, value), value))
    text = display_value(db_field, value, empty="（なし）")
    return text if len(text) <= 200 else text[:200] + "…"


def history_entries(*querysets: models.QuerySet[Any]) -> list[Entry]:
    """Entries newest first from several historical querysets, each diffed per object."""
    rows: list[Any] = []  # simple-history's historical records, which are not typed
    for qs in querysets:
        rows.extend(qs.select_related("history_user").order_by("history_date", "history_id"))
    # Merge the querysets into one timeline; the sort is stable, so each object keeps its order.
    rows.sort(key=lambda row: row.history_date)
    # Resolve foreign keys once per model, not per row.
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for row in rows:
        model = row.instance_type
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.name not in {"created_by"}:
                value = getattr(row, f.attname)
                if value is not None:
                    # Once the apps are loaded, a foreign key's "self" is its model class.
                    wanted[f.related_model].add(value)  # type: ignore[index]
    related = {
        (rel_model, obj.pk): obj
        for rel_model, ids in wanted.items()
        for obj in rel_model._default_manager.filter(pk__in=ids)
    }
    previous: dict[tuple[Any, Any], Any] = {}
    entries = []
    for row in rows:
        model = row.instance_type
        key = (model, getattr(row, model._meta.pk.attname))
        prev = previous.get(key)
        changes = []
        if row.history_type == "~" and prev is not None:
            for f in model._meta.concrete_fields:
                if f.name in _HIDDEN or f.primary_key:
                    continue
                old, new = getattr(prev, f.attname, None), getattr(row, f.attname, None)
                if old != new:
                    changes.append(
                        Change(
                            label=str(f.verbose_name),
                            old=_display(f, old, related),
                            new=_display(f, new, related),
                        )
                    )
        elif row.history_type == "-":
            changes.append(Change(label="対象", old=_describe(row, model, related), new="（削除）"))
        elif row.history_type == "+" and model._meta.model_name == "projectpartner":
            changes.append(Change(label="対象", old="", new=_describe(row, model, related)))
        previous[key] = row
        action = _ACTIONS.get(row.history_type, row.history_type)
        reason = row.history_change_reason or ""
        if reason == action:
            reason = ""
        if row.history_type == "~" and not changes and not reason:
            continue
        who = row.history_user.display_name if row.history_user else "（システム）"
        entries.append(
            Entry(
                when=row.history_date,
                who=who,
                record=str(model._meta.verbose_name),
                action=action,
                reason=reason,
                changes=changes,
            )
        )
    entries.reverse()
    return entries


def _describe(row: Any, model: type[models.Model], related: dict[tuple[Any, Any], Any]) -> str:
    """Name a link row by its foreign keys and choices (not by str(), which would query)."""
    parts = [
        _display(f, getattr(row, f.attname), related)
        for f in model._meta.concrete_fields
        if (isinstance(f, models.ForeignKey) and f.name != "project") or f.choices
    ]
    return (
        "（".join(parts[:1] + ["、".join(parts[1:]) + "）"]) if len(parts) > 1 else "".join(parts)
    )
