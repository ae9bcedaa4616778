"""The partner create and edit forms under bad input, optimistic locking, and list search."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from partners import services
from partners.models import ActivityField, Partner

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
REQUIRED = "このフィールドは必須です。"
CONFLICT = "ほかの人がこの記録を更新しました"


def edit_url(partner: Partner) -> str:
    return reverse("partners:edit", args=[partner.pk])


def create_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "NPO法人 湘南みどりの会",
        "name_kana": "しょうなんみどりのかい",
        "kind": "npo",
        "representative": "",
        "postal_code": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "mission": "",
        "themes": "",
        "track_record": "",
        "member_count": "",
        "founded_year": "",
    }
    return {**data, **overrides}


def edit_data(partner: Partner, **overrides: str) -> dict[str, str]:
    data = create_data(
        name=partner.name,
        name_kana=partner.name_kana,
        kind=partner.kind,
        mission=partner.mission,
        version=str(partner.version),
    )
    return {**data, **overrides}


def widget_tag(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no widget with id {field_id}"
    return match.group(0)


def error_block(html: str, field_id: str) -> str:
    start = html.find(f'<div id="{field_id}_error"')
    assert start != -1, f"no error shown next to {field_id}"
    return html[start : html.index("</div>", start)]


def assert_refused_next_to_field(response, field: str, message: str | None) -> None:
    """The page is re-rendered (200) with Japanese messages beside the field.

    message=None: any wording will do (it depends on the database's integer range).
    """
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field, [])
    assert errors
    assert all(JAPANESE.search(error) for error in errors), errors
    shown = [message] if message else errors
    assert any(text in error for text in shown for error in errors), errors
    html = response.content.decode()
    assert 'aria-invalid="true"' in widget_tag(html, f"id_{field}")
    block = error_block(html, f"id_{field}")
    assert all(escape(text) in block for text in shown)


BAD_INPUT = [
    pytest.param({"name": ""}, "name", REQUIRED, "", id="empty-name"),
    pytest.param({"name": "\u200b\u200b"}, "name", REQUIRED, "\u200b\u200b", id="zero-width-name"),
    pytest.param(
        {"name": "湘南\x1bの会"},
        "name",
        "表示できない制御文字が含まれています。",
        "湘南\x1bの会",
        id="control-char",
    ),
    pytest.param(
        {"email": "info@@example"},
        "email",
        "有効なメールアドレスを入力してください。",
        "info@@example",
        id="invalid-email",
    ),
    pytest.param({"founded_year": "99999"}, "founded_year", None, "99999", id="founded-year-99999"),
    pytest.param(
        {"founded_year": "3000"},
        "founded_year",
        "設立年は西暦4桁で入力してください",
        "3000",
        id="founded-year-3000",
    ),
    pytest.param(
        {"founded_year": "令和2"},
        "founded_year",
        "整数を入力してください。",
        "令和2",
        id="wareki-year",
    ),
    pytest.param(
        {"member_count": "-5"}, "member_count", "0 以上", "-5", id="negative-member-count"
    ),
    pytest.param(
        {"kind": "<b>club</b>"}, "kind", "正しく選択してください。", None, id="unknown-kind"
    ),
    pytest.param(
        {"name": "<script>alert(1)</script>", "email": "x"},
        "email",
        "有効なメールアドレスを入力してください。",
        "<script>alert(1)</script>",
        id="markup-kept-escaped",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message", "typed"), BAD_INPUT)
def test_it_refuses_bad_input_on_create_beside_the_field_and_keeps_it(
    client, staff, overrides, field, message, typed
):
    client.force_login(staff)
    response = client.post(reverse("partners:create"), create_data(**overrides))
    assert_refused_next_to_field(response, field, message)
    if typed is not None:
        assert escape(typed) in response.content.decode()
    assert not Partner.objects.exists()


@pytest.mark.parametrize(("overrides", "field", "message", "typed"), BAD_INPUT)
def test_it_refuses_bad_input_on_edit_beside_the_field_and_keeps_it(
    client, partner_user, partner_org, overrides, field, message, typed
):
    client.force_login(partner_user)
    response = client.post(edit_url(partner_org), edit_data(partner_org, **overrides))
    assert_refused_next_to_field(response, field, message)
    if typed is not None:
        assert escape(typed) in response.content.decode()
    stored = Partner.objects.get(pk=partner_org.pk)
    assert (stored.name, stored.email, stored.version) == (partner_org.name, "", 1)


def test_it_keeps_the_ticked_activity_fields_when_another_field_is_wrong(client, staff):
    fields = list(ActivityField.objects.all()[:2])
    client.force_login(staff)
    data = create_data(name="")
    response = client.post(
        reverse("partners:create"), {**data, "activity_fields": [f.pk for f in fields]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in fields:
        box = re.search(rf'<input[^>]*name="activity_fields"[^>]*value="{field.pk}"[^>]*>', html)
        assert box and "checked" in box.group(0)


def test_it_stores_a_partner_with_clean_text_and_full_width_numbers(client, staff):
    fields = list(ActivityField.objects.all()[:2])
    client.force_login(staff)
    data = create_data(
        name="湘南\u200bみどりの会",
        member_count="１，２００",
        founded_year="２０１０",
        email="info@example.jp",
    )
    response = client.post(
        reverse("partners:create"), {**data, "activity_fields": [f.pk for f in fields]}
    )
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.name, partner.member_count, partner.founded_year) == (
        "湘南みどりの会",
        1200,
        2010,
    )
    assert set(partner.activity_fields.all()) == set(fields)
    assert set(partner.history.values_list("history_user", flat=True)) == {staff.pk}


def test_it_shows_markup_in_a_partner_name_escaped(client, staff):
    client.force_login(staff)
    name = "<script>alert(1)</script>"
    response = client.post(reverse("partners:create"), create_data(name=name), follow=True)
    assert response.status_code == 200
    assert Partner.objects.get().name == name
    html = response.content.decode()
    assert "<script>alert" not in html
    assert escape(name) in html


# --- optimistic locking ----------------------------------------------------------------


def version_in(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form carries no version"
    return match.group(1)


def test_it_refuses_a_stale_edit_keeps_the_input_and_lets_the_user_save_knowingly(
    client, staff, partner_user, partner_org
):
    client.force_login(partner_user)
    partner_version = version_in(client.get(edit_url(partner_org)).content.decode())
    client.force_login(staff)
    staff_version = version_in(client.get(edit_url(partner_org)).content.decode())
    assert partner_version == staff_version == "1"

    saved = client.post(
        edit_url(partner_org), edit_data(partner_org, phone="0467-00-0001", version=staff_version)
    )
    assert saved.status_code == 302

    client.force_login(partner_user)
    stale = client.post(
        edit_url(partner_org),
        edit_data(partner_org, phone="0467-99-9999", version=partner_version),
    )
    assert stale.status_code == 200
    assert any(CONFLICT in error for error in stale.context["form"].non_field_errors())
    html = stale.content.decode()
    assert CONFLICT in html
    assert 'value="0467-99-9999"' in widget_tag(html, "id_phone")
    assert ("電話番号", "0467-00-0001", "0467-99-9999") in stale.context["conflict"]
    assert Partner.objects.get(pk=partner_org.pk).phone == "0467-00-0001"

    current_version = version_in(html)
    assert current_version == "2"
    again = client.post(
        edit_url(partner_org),
        edit_data(partner_org, phone="0467-99-9999", version=current_version),
    )
    assert again.status_code == 302
    partner_org.refresh_from_db()
    assert (partner_org.phone, partner_org.version) == ("0467-99-9999", 3)


def test_it_shows_a_conflict_on_activity_fields_as_lists_of_names(
    client, staff, partner_user, partner_org
):
    environment, welfare = ActivityField.objects.all()[:2]
    client.force_login(staff)
    client.post(
        edit_url(partner_org), {**edit_data(partner_org), "activity_fields": [environment.pk]}
    )
    client.force_login(partner_user)
    stale = client.post(
        edit_url(partner_org), {**edit_data(partner_org), "activity_fields": [welfare.pk]}
    )
    assert stale.status_code == 200
    assert ("活動分野", environment.name, welfare.name) in stale.context["conflict"]
    assert list(Partner.objects.get(pk=partner_org.pk).activity_fields.all()) == [environment]


# --- list search -----------------------------------------------------------------------


def register(by, name: str, **data) -> Partner:
    return services.partner_create(
        by=by, data={"name": name, "kind": "civic", **data}, activity_fields=[]
    )


def found(client, q: str) -> set[str]:
    response = client.get(reverse("partners:list"), {"q": q})
    assert response.status_code == 200
    return {p.name for p in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("npo", {"ＮＰＯ法人 ＡＢＣ会", "npo法人 みどり"}),
        ("ＮＰＯ", {"ＮＰＯ法人 ＡＢＣ会", "npo法人 みどり"}),
        ("abc", {"ＮＰＯ法人 ＡＢＣ会"}),
        ("ＡＢＣ　npo", {"ＮＰＯ法人 ＡＢＣ会"}),
        ("ﾐﾄﾞﾘ", {"ミドリ商店"}),
        ("ごみ拾い", {"ミドリ商店"}),
        ("xyz", set()),
    ],
)
def test_it_finds_partners_whether_typed_in_full_or_half_width(client, staff, q, expected):
    register(staff, "ＮＰＯ法人 ＡＢＣ会")
    register(staff, "npo法人 みどり")
    register(staff, "ミドリ商店", themes="海岸のごみ拾い")
    client.force_login(staff)
    assert found(client, q) == expected


def test_it_finds_a_partner_by_the_name_it_was_given_in_an_edit(client, staff):
    partner = register(staff, "旧い名前の会")
    client.force_login(staff)
    response = client.post(edit_url(partner), edit_data(partner, name="ＮＥＷ名前の会"))
    assert response.status_code == 302
    assert found(client, "new") == {"ＮＥＷ名前の会"}
    assert found(client, "旧い") == set()


def test_it_searches_only_the_partner_users_own_organisation(client, staff, partner_user):
    register(staff, "ほかの海岸の会")
    partner_user.partner.name = "わたしたちの海岸の会"
    services.partner_update(
        partner=partner_user.partner,
        by=partner_user,
        expected_version=1,
        data={},
        activity_fields=[],
    )
    client.force_login(partner_user)
    assert found(client, "海岸") == {"わたしたちの海岸の会"}
