"""The page with one form, written once: show it, save it through one service, say so.

GET shows the form. A valid POST calls the service; on success the user is told and sent on
(post/redirect/get). A refusal of the service (DomainError) or a conflict with someone
else's save goes onto the form, and the page is shown again with everything typed kept.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.forms import VersionedFormMixin, save_or_explain
from kyodo.services import DomainError

T = TypeVar("T")


def cleaned(form: forms.Form, *leave_out: str) -> dict[str, Any]:
    """The form's cleaned data for a service: without the version and the fields named."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", *leave_out)}


def expected_version(form: forms.Form) -> int | None:
    """The version the user started from (None: they saw no record yet)."""
    return form.cleaned_data.get("version")


@dataclass
class Posted:
    """What became of a form on this request: saved (with the service's result) or not."""

    tried: bool = False  # the forms were valid and the service was asked
    saved: bool = False
    result: Any = None
    conflict: list | None = None


def submit_form(
    request: HttpRequest,
    form: VersionedFormMixin | None,
    save: Callable[[], T],
    *,
    also: Iterable[Any] = (),
) -> Posted:
    """On a POST with valid forms, run save(); a refusal or a conflict lands on the form."""
    if form is None or request.method != "POST":
        return Posted()
    # Every form is validated, so that each one shows its own errors at once.
    valid = [form.is_valid(), *(other.is_valid() for other in also)]
    if not all(valid):
        return Posted()
    outcome: dict[str, Any] = {}

    def run() -> None:
        outcome["result"] = save()

    saved, conflict = save_or_explain(form, run)
    return Posted(tried=True, saved=saved, result=outcome.get("result"), conflict=conflict)


def form_page(
    request: HttpRequest,
    form: VersionedFormMixin,
    *,
    save: Callable[[], T],
    done: str | Callable[[T], str],
    then: Any | Callable[[T], Any],
    template: str,
    context: dict[str, Any] | None = None,
    also: Iterable[Any] = (),
) -> HttpResponse:
    """The whole page with one form: `then` is what redirect() takes, or made from the result."""
    posted = submit_form(request, form, save, also=also)
    if posted.saved:
        messages.success(request, done(posted.result) if callable(done) else done)
        return redirect(then(posted.result) if callable(then) else then)
    return render(request, template, {**(context or {}), "form": form, "conflict": posted.conflict})


def run_action(
    request: HttpRequest, action: Callable[[], object], *, done: str, then: Any
) -> HttpResponse:
    """A button that changes one thing: run the service, say what came of it, go back.

    A refusal of the service is shown as an error message on the page the user returns to.
    """
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(then)
