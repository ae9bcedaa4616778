"""Who someone is: the role predicates every app's permissions build on.

Object-level rules live in each app's permissions.py; they combine these predicates.
"""

from collections.abc import Callable
from typing import Protocol, TypeGuard

import rules
from django.contrib.auth.models import AnonymousUser

from kyodo.models import User


class RolePredicate(Protocol):
    """A rules predicate on the user alone; true only for a logged-in User of the role."""

    def __call__(self, user: User | AnonymousUser, /) -> TypeGuard[User]: ...
    def __and__(self, other: "rules.Predicate | RolePredicate") -> rules.Predicate: ...
    def __or__(self, other: "rules.Predicate | RolePredicate") -> rules.Predicate: ...
    def __invert__(self) -> rules.Predicate: ...


def role_predicate(fn: Callable[[User | AnonymousUser], bool]) -> RolePredicate:
    """rules.predicate, typed so that a true answer tells mypy the user is a User."""
    return rules.predicate(fn)


@role_predicate
def is_department_staff(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role == User.Role.DEPARTMENT


@role_predicate
def is_coordinator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role == User.Role.COORDINATOR


@role_predicate
def is_partner_user(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role == User.Role.PARTNER and user.partner_id is not None


@role_predicate
def is_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.role == User.Role.ADMIN or user.is_superuser)


# City staff of any kind: they may read every project and the whole partner directory.
is_city_staff = is_department_staff | is_coordinator | is_admin
