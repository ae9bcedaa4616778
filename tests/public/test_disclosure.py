"""What citizens see: disclosed projects only, organisations by name, no personal data."""

import json

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosed(project, staff):
    project.disclosure = "public"
    project.status = "active"
    project.save()
    return project


def test_it_lists_and_shows_a_disclosed_project_without_log_in(client, disclosed, partner_user):
    listing = client.get(reverse("public:list")).content.decode()
    assert disclosed.title in listing
    page = client.get(reverse("public:detail", args=[disclosed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "NPO法人 湘南なぎさネット" in html
    assert partner_user.last_name not in html  # a person of the partner is never named


def test_it_answers_404_for_a_project_that_is_not_disclosed(client, project, other_project):
    other_project.disclosure = "private"
    other_project.disclosure_reason = "個人の情報を含むため"
    other_project.save()
    for target in (project, other_project):
        assert client.get(reverse("public:detail", args=[target.pk])).status_code == 404


def test_it_finds_projects_with_full_and_half_width_words(client, department):
    from kyodo.text import search_index

    ProjectFactory(
        title="ＡＩ相談会",
        department=department,
        disclosure="public",
        status="active",
        search_index=search_index("ＡＩ相談会"),
    )
    for q in ("AI", "ａｉ", "ＡＩ"):
        html = client.get(reverse("public:list"), {"q": q}).content.decode()
        assert "ＡＩ相談会" in html, q


def test_it_streams_open_data_of_disclosed_projects_only(client, disclosed, other_project):
    response = client.get(reverse("public:open_data", args=["csv"]))
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert disclosed.title in body and other_project.title not in body
    data = json.loads(
        b"".join(client.get(reverse("public:open_data", args=["json"])).streaming_content)
    )
    assert [p["title"] for p in data["projects"]] == [disclosed.title]
    assert data["projects"][0]["partners"] == "NPO法人 湘南なぎさネット"


def test_it_pages_ten_thousand_disclosed_projects_in_a_bounded_number_of_queries(
    client, department, django_assert_max_num_queries
):
    from projects.models import Project

    Project.objects.bulk_create(
        Project(
            title=f"公開事業{n}",
            fiscal_year=2024,
            department=department,
            implementation_form="koen",
            purpose="目的",
            disclosure="public",
            status="completed",
        )
        for n in range(300)
    )
    for project in Project.objects.all()[:20]:
        ProjectPartnerFactory(project=project)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("public:list"), {"page": 2}).status_code == 200


@pytest.mark.parametrize(("disclosure", "shown"), [("public", True), ("partial", False)])
def test_it_shows_the_budget_only_of_a_project_published_in_full(
    client, project, disclosure, shown
):
    project.disclosure = disclosure
    project.status = "active"
    project.disclosure_reason = "" if disclosure == "public" else "団体の内部の事情"
    project.budget = 345_678
    project.save()

    page = client.get(reverse("public:detail", args=[project.pk])).content.decode()
    csv_body = b"".join(
        client.get(reverse("public:open_data", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    records = json.loads(
        b"".join(client.get(reverse("public:open_data", args=["json"])).streaming_content)
    )["projects"]

    assert ("345,678円" in page) is shown
    assert ("345678" in csv_body) is shown
    assert records[0]["budget"] == (345_678 if shown else "")


@pytest.mark.parametrize(
    ("status", "public"),
    [
        ("draft", False),
        ("submitted", False),
        ("returned", False),
        ("approved", True),
        ("active", True),
        ("evaluating", True),
        ("completed", True),
    ],
)
def test_it_publishes_a_project_only_once_it_has_been_approved(client, project, status, public):
    project.disclosure = "public"
    project.status = status
    project.save()

    detail = client.get(reverse("public:detail", args=[project.pk]))
    listing = client.get(reverse("public:list")).content.decode()
    data = json.loads(
        b"".join(client.get(reverse("public:open_data", args=["json"])).streaming_content)
    )

    assert detail.status_code == (200 if public else 404)
    assert (project.title in listing) is public
    assert bool(data["projects"]) is public


def test_it_never_names_an_individual_in_public(client, project, partner_org):
    from tests.factories import PartnerFactory

    person = PartnerFactory(name="山田 花子", kind="individual")
    ProjectPartnerFactory(project=project, partner=person)
    project.disclosure = "public"
    project.status = "active"
    project.save()

    outputs = {
        "page": client.get(reverse("public:detail", args=[project.pk])).content,
        "list": client.get(reverse("public:list")).content,
        "csv": b"".join(client.get(reverse("public:open_data", args=["csv"])).streaming_content),
        "json": b"".join(client.get(reverse("public:open_data", args=["json"])).streaming_content),
        "search": client.get(reverse("public:list"), {"partner": "山田"}).content,
    }
    for name, body in outputs.items():
        text = body.decode("utf-8-sig")
        if name == "search":
            text = text.replace('value="山田"', "")  # the search box keeps what was typed
        assert "山田" not in text, name
    assert "個人" in outputs["page"].decode() and partner_org.name in outputs["page"].decode()
    assert "海岸の里親活動" not in outputs["search"].decode()  # not found by the person's name


def test_it_defuses_formulas_in_the_open_data_csv(client, project):
    project.title = '=HYPERLINK("http://example.com","押す")'
    project.disclosure = "public"
    project.status = "active"
    project.save()

    body = b"".join(client.get(reverse("public:open_data", args=["csv"])).streaming_content).decode(
        "utf-8-sig"
    )

    assert "'=HYPERLINK" in body
    assert ',"=HYPERLINK' not in body and "\n=HYPERLINK" not in body


def test_it_keeps_an_agreement_naming_an_individual_off_the_public_page(
    project, staff, partner_org
):
    from projects.models import Agreement, AgreementConfirmation, AgreementVersion
    from public.disclosure import may_publish_agreement_pdf
    from tests.factories import PartnerFactory

    project.disclosure = "public"
    project.status = "active"
    project.publish_agreement_pdf = True
    project.save()
    version = AgreementVersion.objects.create(
        agreement=Agreement.objects.create(project=project), number=1, purpose="目的"
    )
    for key in ("city", f"partner:{partner_org.pk}"):
        AgreementConfirmation.objects.create(version=version, party_key=key, by=staff)
    assert may_publish_agreement_pdf(project, version)

    # A person who was a party on that day (even if no longer one today).
    person = PartnerFactory(kind="individual")
    AgreementConfirmation.objects.create(
        version=version, party_key=f"partner:{person.pk}", by=staff
    )
    assert not may_publish_agreement_pdf(project, version)


STATUSES = ["draft", "submitted", "returned", "approved", "active", "evaluating", "completed"]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("level", ["public", "partial", "private", ""])
def test_it_answers_every_public_output_by_disclosure_level_and_status(
    client, project, staff, level, status
):
    """Page, open data (CSV, JSON) and the agreement PDF, for each decision and status."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from projects.models import Agreement, AgreementConfirmation, AgreementVersion

    project.disclosure = level
    project.disclosure_reason = "" if level in ("public", "") else "個人情報を含むため"
    project.status = status
    project.budget = 123_456
    project.publish_agreement_pdf = True
    project.save()
    version = AgreementVersion(
        agreement=Agreement.objects.create(project=project),
        number=1,
        purpose="目的",
        frozen_at=timezone.now(),
        agreed_at=timezone.now(),
        pdf_sha256="0" * 64,
    )
    version.pdf.save("agreement.pdf", ContentFile(b"%PDF-1.4 stored"), save=False)
    version.save()
    AgreementConfirmation.objects.create(version=version, party_key="city", by=staff)

    published = level in ("public", "partial") and status not in ("draft", "submitted", "returned")
    page = client.get(reverse("public:detail", args=[project.pk]))
    pdf = client.get(reverse("public:agreement_pdf", args=[project.pk]))
    if pdf.streaming:
        b"".join(pdf.streaming_content)
    csv_body = b"".join(
        client.get(reverse("public:open_data", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    records = json.loads(
        b"".join(client.get(reverse("public:open_data", args=["json"])).streaming_content)
    )["projects"]

    assert page.status_code == (200 if published else 404)
    assert (project.title in csv_body) is published
    assert len(records) == (1 if published else 0)
    # In full only: the budget and the signed document.
    full = published and level == "public"
    assert pdf.status_code == (200 if full else 404)
    assert ("123456" in csv_body) is full
    if published:
        assert records[0]["budget"] == (123_456 if full else "")
        assert ("123,456円" in page.content.decode()) is full
