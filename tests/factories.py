"""factory_boy factories for the test suite."""

import factory

from kyodo.models import Department, User
from kyodo.text import search_index
from partners.models import Partner
from projects.models import ImplementationForm, Project, ProjectPartner


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト課{n}")
    bureau = "テスト部"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"テスト団体{n}")
    name_kana = factory.Sequence(lambda n: f"てすとだんたい{n}")
    kind = Partner.Kind.CIVIC
    mission = "地域をよくする"
    # As partners.services does, so that name searches find factory-made groups too.
    search_index = factory.LazyAttribute(lambda o: search_index(o.name, o.name_kana, o.mission))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.DEPARTMENT
    department = factory.SubFactory(DepartmentFactory)
    last_name = "試験"
    first_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.PostGenerationMethodCall("set_password", "kyodo-test-pass")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"テスト事業{n}")
    fiscal_year = 2025
    department = factory.SubFactory(DepartmentFactory)
    implementation_form = ImplementationForm.JIGYO_KYORYOKU
    purpose = "市民と市が共有する目的"


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = "agreement"
