"""Sections that apps above partners add to a partner's page (e.g. the projects it is in).

partners sits below projects in the layers, so it cannot import them; projects registers a
section here in its AppConfig.ready() instead, and the partner page renders what it gets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from partners.models import Partner


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any]


SectionBuilder = Callable[[HttpRequest, Partner], Section | None]
_BUILDERS: list[SectionBuilder] = []


def register_partner_section(builder: SectionBuilder) -> SectionBuilder:
    """Add a section to every partner page; the builder returns None to show nothing."""
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    return builder


def partner_sections(request: HttpRequest, partner: Partner) -> list[Section]:
    sections = (builder(request, partner) for builder in _BUILDERS)
    return [section for section in sections if section is not None]
