"""The project create and edit forms under bad input, optimistic locking, history, archive."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from projects.models import HojoDetail, Project
from tests.factories import ProjectFactory, UserFactory

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
REQUIRED = "このフィールドは必須です。"
CONFLICT = "ほかの人がこの記録を更新しました"


def create_url(form_code: str = "jigyo_kyoryoku") -> str:
    return reverse("projects:create", args=[form_code])


def edit_url(project: Project) -> str:
    return reverse("projects:edit", args=[project.pk])


def create_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "海岸清掃の協働",
        "fiscal_year": "2025",
        "implementation_form": "jigyo_kyoryoku",
        "purpose": "きれいな海岸を次の世代に手渡す",
        "content": "",
        "beneficiaries": "",
        "expected_effect": "",
        "start_date": "",
        "end_date": "",
        "budget": "",
        "origin": "",
    }
    return {**data, **overrides}


def edit_data(project: Project, **overrides: str) -> dict[str, str]:
    data = create_data(
        title=project.title,
        fiscal_year=str(project.fiscal_year),
        implementation_form=project.implementation_form,
        purpose=project.purpose,
        version=str(project.version),
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


def assert_refused_next_to_field(response, field: str, message: str, *, detail=False) -> None:
    """The page is re-rendered (200) with a Japanese message beside the field."""
    assert response.status_code == 200
    form = response.context["detail_form" if detail else "form"]
    errors = form.errors.get(field, [])
    assert any(message in error for error in errors), errors
    assert all(JAPANESE.search(error) for error in errors), errors
    html = response.content.decode()
    field_id = f"id_detail-{field}" if detail else f"id_{field}"
    assert 'aria-invalid="true"' in widget_tag(html, field_id)
    assert escape(message) in error_block(html, field_id)


def assert_kept(response, typed: str) -> None:
    """What the user typed is shown again, escaped."""
    assert escape(typed) in response.content.decode()


# --- bad input on create ---------------------------------------------------------------

BAD_INPUT = [
    pytest.param({"title": ""}, "title", REQUIRED, "", id="empty-title"),
    pytest.param({"purpose": ""}, "purpose", REQUIRED, "", id="empty-purpose"),
    pytest.param(
        {"title": "長" * 10_000}, "title", "200 文字以下", "長" * 10_000, id="10000-char-title"
    ),
    pytest.param(
        {"start_date": "2025/4/10", "end_date": "令和7年4月1日"},
        "end_date",
        "終了日は開始日と同じか、それより後の日付にしてください。",
        "令和7年4月1日",
        id="end-before-start",
    ),
    pytest.param(
        {"budget": "-5"}, "budget", "0円以上の金額を入力してください。", "-5", id="negative"
    ),
    pytest.param({"budget": "abc"}, "budget", "金額を読み取れません。", "abc", id="non-numeric"),
    pytest.param(
        {"start_date": "令和7年2月30日"},
        "start_date",
        "存在しない日付です。",
        "令和7年2月30日",
        id="non-existent-date",
    ),
    pytest.param(
        {"title": "海岸\x07清掃"},
        "title",
        "表示できない制御文字が含まれています。",
        "海岸\x07清掃",
        id="control-char",
    ),
    pytest.param({"title": "\u200b"}, "title", REQUIRED, "\u200b", id="zero-width-only"),
    pytest.param(
        {"title": "<script>alert(1)</script>", "purpose": ""},
        "purpose",
        REQUIRED,
        "<script>alert(1)</script>",
        id="markup-kept-escaped",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message", "typed"), BAD_INPUT)
def test_it_refuses_bad_input_on_create_beside_the_field_and_keeps_it(
    client, staff, overrides, field, message, typed
):
    client.force_login(staff)
    response = client.post(create_url(), create_data(**overrides))
    assert_refused_next_to_field(response, field, message)
    assert_kept(response, typed)
    assert not Project.objects.exists()


def test_it_keeps_every_typed_value_when_one_field_is_wrong(client, staff):
    client.force_login(staff)
    typed = create_data(
        title="A&B <協働>",
        content='内容の"下書き"',
        start_date="R7.4.1",
        budget="１２，０００円",
        purpose="",
    )
    response = client.post(create_url(), typed)
    assert_refused_next_to_field(response, "purpose", REQUIRED)
    html = response.content.decode()
    assert f'value="{escape("A&B <協働>")}"' in html
    assert escape('内容の"下書き"') in html
    assert 'value="R7.4.1"' in html
    assert 'value="１２，０００円"' in html
    assert "<協働>" not in html


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("amount", "abc", "金額を読み取れません。"),
        ("amount", "-1", "0円以上の金額を入力してください。"),
        ("decision_date", "令和7年2月30日", "存在しない日付です。"),
        ("decision_number", "第\x0b1号", "表示できない制御文字が含まれています。"),
    ],
)
def test_it_refuses_bad_input_in_the_detail_form_beside_the_field(
    client, staff, field, typed, message
):
    client.force_login(staff)
    data = create_data(implementation_form="hojo", **{f"detail-{field}": typed})
    response = client.post(create_url("hojo"), data)
    assert_refused_next_to_field(response, field, message, detail=True)
    assert_kept(response, typed)
    assert not Project.objects.exists()
    assert not HojoDetail.objects.exists()


# --- accepted input on create ----------------------------------------------------------


def test_it_stores_a_full_width_budget_with_yen_as_an_integer(client, staff):
    client.force_login(staff)
    response = client.post(create_url(), create_data(budget="１２，０００円"))
    assert response.status_code == 302
    assert Project.objects.get().budget == 12000


@pytest.mark.parametrize("typed", ["R7.4.1", "Ｒ７．４．１", "令和7年4月1日", "2025/4/1"])
def test_it_stores_a_wareki_or_seireki_date_as_that_day(client, staff, typed):
    client.force_login(staff)
    response = client.post(create_url(), create_data(start_date=typed))
    assert response.status_code == 302
    assert Project.objects.get().start_date == date(2025, 4, 1)


def test_it_accepts_an_end_date_on_the_start_date(client, staff):
    client.force_login(staff)
    response = client.post(create_url(), create_data(start_date="R7.4.1", end_date="2025/4/1"))
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.start_date == project.end_date == date(2025, 4, 1)


def test_it_stores_the_detail_of_a_subsidy_from_full_width_and_wareki_input(client, staff):
    client.force_login(staff)
    data = create_data(
        implementation_form="hojo",
        **{"detail-amount": "３０，０００円", "detail-decision_date": "R7.5.15"},
    )
    response = client.post(create_url("hojo"), data)
    assert response.status_code == 302
    detail = HojoDetail.objects.get(project=Project.objects.get())
    assert (detail.amount, detail.decision_date) == (30000, date(2025, 5, 15))


def test_it_removes_zero_width_characters_inside_text_when_storing(client, staff):
    client.force_login(staff)
    data = create_data(title="海岸\u200b清掃\ufeff", purpose="目的\u200dです")
    assert client.post(create_url(), data).status_code == 302
    project = Project.objects.get()
    assert (project.title, project.purpose) == ("海岸清掃", "目的です")


def test_it_stores_markup_in_the_title_as_text_and_shows_it_escaped(client, staff):
    client.force_login(staff)
    title = "<script>alert(1)</script>"
    response = client.post(create_url(), create_data(title=title), follow=True)
    assert response.status_code == 200
    assert Project.objects.get().title == title
    html = response.content.decode()
    assert "<script>alert" not in html
    assert escape(title) in html


def test_it_files_a_new_project_under_the_staff_members_department(client, staff):
    client.force_login(staff)
    response = client.post(create_url(), create_data(department="999"))
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.department, project.created_by, project.version) == (
        staff.department,
        staff,
        1,
    )


# --- bad input on edit -----------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "field", "message", "typed"), BAD_INPUT)
def test_it_refuses_bad_input_on_edit_beside_the_field_and_keeps_it(
    client, staff, project, overrides, field, message, typed
):
    client.force_login(staff)
    response = client.post(edit_url(project), edit_data(project, **overrides))
    assert_refused_next_to_field(response, field, message)
    assert_kept(response, typed)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.title, stored.purpose, stored.version) == (
        project.title,
        project.purpose,
        project.version,
    )


def test_it_refuses_an_edit_without_the_version_it_started_from(client, staff, project):
    client.force_login(staff)
    data = edit_data(project, title="新しい名前")
    del data["version"]
    response = client.post(edit_url(project), data)
    assert response.status_code == 200
    assert "ほかの人がこの記録を更新しました" in response.content.decode()
    assert "新しい名前" in response.content.decode()  # what was typed is kept
    assert Project.objects.get(pk=project.pk).title == project.title


def test_it_saves_an_edit_with_full_width_budget_and_wareki_date(client, staff, project):
    client.force_login(staff)
    data = edit_data(project, budget="１２，０００円", start_date="R7.4.1")
    assert client.post(edit_url(project), data).status_code == 302
    project.refresh_from_db()
    assert (project.budget, project.start_date, project.version) == (12000, date(2025, 4, 1), 2)


def test_it_shows_the_stored_budget_and_date_in_the_form_as_typed_by_people(client, staff, project):
    project.budget, project.start_date = 1_234_000, date(2025, 4, 1)
    project.save()
    client.force_login(staff)
    html = client.get(edit_url(project)).content.decode()
    assert 'value="1,234,000"' in widget_tag(html, "id_budget")
    assert 'value="令和7年4月1日"' in widget_tag(html, "id_start_date")
    # What the form shows must be accepted back unchanged.
    data = edit_data(project, budget="1,234,000", start_date="令和7年4月1日")
    assert client.post(edit_url(project), data).status_code == 302
    project.refresh_from_db()
    assert (project.budget, project.start_date) == (1_234_000, date(2025, 4, 1))


# --- optimistic locking ----------------------------------------------------------------


def version_in(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form carries no version"
    return match.group(1)


def test_it_refuses_a_stale_edit_keeps_the_input_and_lets_the_user_save_knowingly(
    client, staff, project
):
    colleague = UserFactory(department=staff.department)
    client.force_login(staff)
    staff_version = version_in(client.get(edit_url(project)).content.decode())
    client.force_login(colleague)
    colleague_version = version_in(client.get(edit_url(project)).content.decode())
    assert staff_version == colleague_version == str(project.version)

    saved = client.post(
        edit_url(project), edit_data(project, title="同僚の事業名", version=colleague_version)
    )
    assert saved.status_code == 302

    client.force_login(staff)
    stale = client.post(
        edit_url(project), edit_data(project, title="わたしの事業名", version=staff_version)
    )
    assert stale.status_code == 200
    form = stale.context["form"]
    assert any(CONFLICT in error for error in form.non_field_errors())
    html = stale.content.decode()
    assert CONFLICT in html
    assert 'value="わたしの事業名"' in widget_tag(html, "id_title")
    assert ("事業名", "同僚の事業名", "わたしの事業名") in stale.context["conflict"]
    assert Project.objects.get(pk=project.pk).title == "同僚の事業名"

    current_version = version_in(html)
    assert current_version == str(project.version + 1)
    again = client.post(
        edit_url(project), edit_data(project, title="わたしの事業名", version=current_version)
    )
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("わたしの事業名", 3)


def test_it_still_refuses_the_stale_version_after_showing_the_conflict(client, staff, project):
    client.force_login(staff)
    first = client.post(edit_url(project), edit_data(project, title="一度目"))
    assert first.status_code == 302
    for _ in range(2):
        stale = client.post(edit_url(project), edit_data(project, title="古い版から"))
        assert stale.status_code == 200
        assert stale.context["conflict"]
    assert Project.objects.get(pk=project.pk).title == "一度目"


# --- history ---------------------------------------------------------------------------


def history_section(html: str) -> str:
    start = html.index('id="history-heading"')
    return html[start : html.index("</section>", start)]


def test_it_shows_who_changed_which_field_from_what_to_what(client, staff):
    client.force_login(staff)
    client.post(create_url(), create_data(title="旧い事業名"))
    project = Project.objects.get()
    response = client.post(
        edit_url(project), edit_data(project, title="新しい事業名", budget="１２，０００円")
    )
    assert response.status_code == 302
    assert project.history.count() == 2

    page = client.get(reverse("projects:detail", args=[project.pk]))
    newest = page.context["history"][0]
    assert (newest.who, newest.action) == (staff.display_name, "変更")
    changes = {(c.label, c.old, c.new) for c in newest.changes}
    assert ("事業名", "旧い事業名", "新しい事業名") in changes
    assert ("事業費（円）", "（なし）", "12,000円") in changes
    assert page.context["history"][-1].action == "登録"

    section = history_section(page.content.decode())
    assert staff.display_name in section
    change = re.search(r"事業名: <del>.*?旧い事業名</del> → <ins>.*?新しい事業名</ins>", section)
    assert change, section
    assert "12,000円" in section


def test_it_lists_changes_to_the_project_its_detail_and_partners_newest_first(
    client, staff, partner_org
):
    client.force_login(staff)
    client.post(create_url(), create_data(title="旧い事業名"))
    project = Project.objects.get()
    client.post(
        reverse("projects:partner_add", args=[project.pk]),
        {"partner": partner_org.pk, "role": "agreement"},
    )
    client.post(edit_url(project), edit_data(project, title="新しい事業名"))
    history = client.get(reverse("projects:detail", args=[project.pk])).context["history"]
    assert [(e.record, e.action) for e in history] == [
        ("協働事業", "変更"),
        ("事業のパートナー", "登録"),
        ("事業協力の詳細", "登録"),
        ("協働事業", "登録"),
    ]
    assert [e.when for e in history] == sorted((e.when for e in history), reverse=True)


def test_it_records_nothing_new_when_an_edit_changes_nothing(client, staff, project):
    client.force_login(staff)
    assert client.post(edit_url(project), edit_data(project)).status_code == 302
    page = client.get(reverse("projects:detail", args=[project.pk]))
    assert not any(entry.action == "変更" for entry in page.context["history"])


def test_it_hides_the_history_from_the_projects_partner(client, staff, partner_user, project):
    client.force_login(staff)
    client.post(edit_url(project), edit_data(project, title="新しい事業名"))
    client.force_login(partner_user)
    page = client.get(reverse("projects:detail", args=[project.pk]))
    assert page.status_code == 200
    assert 'id="history-heading"' not in page.content.decode()


# --- archive instead of delete ---------------------------------------------------------


def listed_titles(client, **params: str) -> list[str]:
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return [p.title for p in response.context["page"].object_list]


@pytest.mark.parametrize("reason", ["", "   ", "\u200b"])
def test_it_refuses_to_archive_without_a_reason(client, staff, project, reason):
    client.force_login(staff)
    response = client.post(reverse("projects:archive", args=[project.pk]), {"reason": reason})
    assert response.status_code == 200
    assert REQUIRED in response.context["form"].errors["reason"]
    assert escape(REQUIRED) in error_block(response.content.decode(), "id_reason")
    assert Project.objects.get(pk=project.pk).archived_at is None


def test_it_archives_out_of_the_list_and_restores_without_deleting_anything(client, staff, project):
    client.force_login(staff)
    assert listed_titles(client) == [project.title]

    response = client.post(
        reverse("projects:archive", args=[project.pk]), {"reason": "重複して登録したため"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.archived_at is not None
    assert project.archive_reason == "重複して登録したため"
    assert listed_titles(client) == []
    assert listed_titles(client, archived="on") == [project.title]
    detail = client.get(reverse("projects:detail", args=[project.pk]))
    assert detail.status_code == 200
    assert "重複して登録したため" in detail.content.decode()
    assert client.get(edit_url(project)).status_code == 403

    response = client.post(reverse("projects:restore", args=[project.pk]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.archived_at, project.archive_reason) == (None, "")
    assert listed_titles(client) == [project.title]

    assert Project.objects.filter(pk=project.pk).exists()
    assert project.project_partners.count() == 1
    assert not project.history.filter(history_type="-").exists()
    reasons = list(project.history.values_list("history_change_reason", flat=True))
    assert "アーカイブ: 重複して登録したため" in reasons
    assert "アーカイブから戻す" in reasons


def test_it_refuses_to_restore_a_project_that_is_not_archived(client, staff, project):
    client.force_login(staff)
    assert client.post(reverse("projects:restore", args=[project.pk])).status_code == 403


def test_it_offers_no_retired_fund_to_a_new_subsidy(db):
    from projects.forms.project import detail_form_for
    from projects.models import Fund

    retired = Fund.objects.create(name="廃止した基金", is_active=False)
    offered = detail_form_for("hojo").fields["fund"].queryset
    assert retired not in offered and offered.exists()

    kept = HojoDetail(project=ProjectFactory(implementation_form="hojo"), fund=retired)
    kept.save()
    assert retired in detail_form_for("hojo", instance=kept).fields["fund"].queryset


def test_it_lets_the_coordinating_division_run_its_own_projects(client, coordinator):
    own = ProjectFactory(department=coordinator.department, title="市民活動の相談会")
    elsewhere = ProjectFactory(title="ほかの課の事業")
    client.force_login(coordinator)

    assert client.get(edit_url(own)).status_code == 200
    assert client.get(edit_url(elsewhere)).status_code == 403
    assert client.get(reverse("projects:create", args=["koen"])).status_code == 200
