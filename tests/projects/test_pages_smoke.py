import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_shows_every_main_page_to_the_owning_staff(client, staff, project):
    client.force_login(staff)
    for url in [
        reverse("dashboard"),
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:edit", args=[project.pk]),
        reverse("projects:choose_form"),
        reverse("projects:create", args=["itaku"]),
        reverse("partners:list"),
    ]:
        assert client.get(url).status_code == 200, url
