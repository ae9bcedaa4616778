"""The demo tables refer to one another only by names they define."""

from demo.data import (
    CITY_ISSUES,
    DEPARTMENTS,
    FORM_DEPARTMENTS,
    FORM_DETAILS,
    PARTNERS,
    THEMES,
    USERS,
)
from projects.models import ImplementationForm

DEPARTMENT_NAMES = {name for name, _, _ in DEPARTMENTS}
USERNAMES = {username for username, *_ in USERS}


def test_it_names_only_known_departments():
    used = {dept for _, _, dept, *_ in USERS if dept}
    used |= {name for names in FORM_DEPARTMENTS.values() for name in names}
    used |= {dept for dept, *_ in CITY_ISSUES}
    assert used <= DEPARTMENT_NAMES


def test_it_gives_every_form_themes_departments_and_details():
    forms = set(ImplementationForm)
    assert set(THEMES) == set(FORM_DEPARTMENTS) == set(FORM_DETAILS) == forms


def test_it_links_partner_users_to_listed_partners():
    indexes = [index for _, _, _, index, *_ in USERS if index is not None]
    assert all(0 <= index < len(PARTNERS) for index in indexes)
    assert len(set(indexes)) == len(indexes)


def test_it_posts_city_issues_as_demo_users():
    assert {username for _, username, *_ in CITY_ISSUES} <= USERNAMES
