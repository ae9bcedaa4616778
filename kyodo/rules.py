"""Who someone is: the role predicates every app's permissions build on.

Object-level rules live in each app's permissions.py; they combine these predicates.
"""

import rules

from kyodo.models import User


@rules.predicate
def is_department_staff(user) -> bool:
    return user.is_authenticated and user.role == User.Role.DEPARTMENT


@rules.predicate
def is_coordinator(user) -> bool:
    return user.is_authenticated and user.role == User.Role.COORDINATOR


@rules.predicate
def is_partner_user(user) -> bool:
    return user.is_authenticated and user.role == User.Role.PARTNER and user.partner_id is not None


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and (user.role == User.Role.ADMIN or user.is_superuser)


# City staff of any kind: they may read every project and the whole partner directory.
is_city_staff = is_department_staff | is_coordinator | is_admin
