"""The text clean-up helpers and the one form policy (kyodo.text, kyodo.forms)."""

import re
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError

from kyodo.forms import (
    CleanCharField,
    NumberField,
    WarekiDateField,
    WarekiDateWidget,
    YenField,
    conflict_rows,
)
from kyodo.services import ConflictError, save_with_version
from kyodo.text import has_control_chars, normalize_for_search, search_index, strip_invisible
from partners.forms import PartnerForm
from partners.models import ActivityField, Partner
from projects.forms.project import ProjectForm
from projects.models import Project

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def refusal(field: forms.Field, value) -> ValidationError:
    """The error field.clean(value) raises; every message in it must be Japanese."""
    with pytest.raises(ValidationError) as excinfo:
        field.clean(value)
    for message in excinfo.value.messages:
        assert JAPANESE.search(message), f"message is not Japanese: {message!r}"
    return excinfo.value


def code_of(error: ValidationError) -> str:
    return error.error_list[0].code


# --- kyodo.text ------------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_it_strips_each_invisible_character(invisible):
    assert strip_invisible(f"{invisible}海岸{invisible}清掃{invisible}") == "海岸清掃"


def test_it_leaves_visible_text_and_spaces_alone_when_stripping():
    text = "ＮＰＯ法人　湘南 なぎさ\nネット\t(2025)"
    assert strip_invisible(text) == text


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066"])
def test_it_finds_control_characters_on_one_line_or_many(char):
    assert has_control_chars(f"事業{char}名", multiline=False)
    assert has_control_chars(f"事業{char}名", multiline=True)


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_it_allows_tabs_and_newlines_only_in_multiline_text(char):
    assert has_control_chars(f"一行目{char}二行目", multiline=False)
    assert not has_control_chars(f"一行目{char}二行目", multiline=True)


def test_it_finds_no_control_characters_in_ordinary_japanese():
    assert not has_control_chars("令和7年度　海岸の里親活動（１２，０００円）", multiline=False)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＮＰＯ協働", "npo協働"),
        ("NPO協働", "npo協働"),
        ("ﾌｫｰﾗﾑ", "フォーラム"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("１２３", "123"),
        ("  海岸　\n 清掃\t ", "海岸 清掃"),
        ("海\u200b岸", "海岸"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_it_folds_width_case_and_spacing_for_search(text, folded):
    assert normalize_for_search(text) == folded


def test_it_treats_none_as_empty_text_for_search():
    assert normalize_for_search(None) == ""


def test_it_builds_a_search_index_from_the_non_empty_parts():
    assert search_index("ＮＰＯ協働", "", None, "ﾌｫｰﾗﾑ", 2025) == "npo協働\nフォーラム\n2025"


# --- CleanCharField --------------------------------------------------------------------


def test_it_removes_zero_width_characters_from_typed_text():
    assert CleanCharField().clean("海岸\u200b清掃\ufeff") == "海岸清掃"


@pytest.mark.parametrize("typed", ["\u200b", " \u200b ", "\ufeff\u200d", "　"])
def test_it_counts_invisible_only_text_as_empty(typed):
    error = refusal(CleanCharField(), typed)
    assert code_of(error) == "required"
    assert CleanCharField(required=False).clean(typed) == ""


@pytest.mark.parametrize("typed", ["事業\x07名", "事業\x00", "\u202eemanelif"])
def test_it_refuses_control_characters_with_a_message(typed):
    error = refusal(CleanCharField(), typed)
    assert code_of(error) == "control_chars"
    assert error.messages == ["表示できない制御文字が含まれています。文字を打ち直してください。"]


def test_it_refuses_line_breaks_in_a_single_line_field():
    assert code_of(refusal(CleanCharField(), "一行目\n二行目")) == "control_chars"


def test_it_accepts_line_breaks_and_tabs_in_a_textarea():
    field = CleanCharField(widget=forms.Textarea)
    assert field.multiline
    assert field.clean("一行目\r\n\t二行目\n") == "一行目\r\n\t二行目"


def test_it_lets_the_caller_decide_whether_text_is_multiline():
    assert CleanCharField(multiline=True).clean("一行目\n二行目") == "一行目\n二行目"
    single = CleanCharField(widget=forms.Textarea, multiline=False)
    assert code_of(refusal(single, "一行目\n二行目")) == "control_chars"


def test_it_counts_the_length_after_removing_invisible_characters():
    field = CleanCharField(max_length=2)
    assert field.clean("海\u200b\u200b\u200b岸") == "海岸"
    assert code_of(refusal(field, "海岸線")) == "max_length"


# --- YenField --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("１２，０００円", 12000),
        ("12,000", 12000),
        ("¥12,000", 12000),
        ("12000円", 12000),
        (" １２０００ ", 12000),
        ("0", 0),
        (12000, 12000),
        ("1,000,000,000,000", 10**12),
    ],
)
def test_it_reads_yen_in_the_ways_people_type_it(typed, amount):
    assert YenField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["-5", "－５円", "¥-1", "▲100"])
def test_it_refuses_a_negative_amount(typed):
    error = refusal(YenField(), typed)
    assert error.messages == ["0円以上の金額を入力してください。"]


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("abc", "金額を読み取れません。"),
        ("十二万円", "金額を読み取れません。"),
        ("12.5", "小数は使えません"),
        ("1,20,000", "カンマの位置"),
        ("1" * 16, "桁数が多すぎます"),
    ],
)
def test_it_refuses_what_is_not_an_amount_in_yen(typed, fragment):
    error = refusal(YenField(), typed)
    assert code_of(error) == "invalid"
    assert fragment in error.messages[0]


def test_it_refuses_more_than_one_trillion_yen():
    assert code_of(refusal(YenField(), "1,000,000,000,001")) == "max_value"
    assert YenField(max_value=10**15).max_value == 10**12


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_it_reads_a_blank_amount_as_none_or_requires_it(typed):
    assert YenField(required=False).clean(typed) is None
    assert code_of(refusal(YenField(), typed)) == "required"


def test_it_shows_a_stored_amount_with_separators():
    field = YenField()
    assert field.prepare_value(1234000) == "1,234,000"
    assert field.prepare_value("１２，０００円") == "１２，０００円"
    assert field.clean(field.prepare_value(1234000)) == 1234000


def test_it_renders_yen_as_a_numeric_text_box_without_number_limits():
    form = forms.Form()
    form.fields["budget"] = YenField()
    widget = str(form["budget"])
    assert 'type="text"' in widget
    assert 'inputmode="numeric"' in widget
    assert "min=" not in widget
    assert "max=" not in widget


def test_it_reads_full_width_whole_numbers():
    assert NumberField().clean("１，２００") == 1200
    assert code_of(refusal(NumberField(), "十二")) == "invalid"


# --- WarekiDateField -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "令和7年4月1日",
        "令和７年４月１日",
        "R7.4.1",
        "r7.4.1",
        "Ｒ７．４．１",
        "R7/4/1",
        "2025/4/1",
        "２０２５／４／１",
        "2025-04-01",
        "2025年4月1日",
        "20250401",
        " 令和 7年 4月 1日 ",
        date(2025, 4, 1),
    ],
)
def test_it_reads_a_date_in_wareki_or_seireki(typed):
    assert WarekiDateField().to_python(typed) == date(2025, 4, 1)


def test_it_reads_the_first_year_of_an_era_written_as_gan():
    assert WarekiDateField().to_python("令和元年5月1日") == date(2019, 5, 1)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("令和7年2月30日", "存在しない日付です。"),
        ("2025/2/29", "存在しない日付です。"),
        ("R7.13.1", "存在しない日付です。"),
        ("令和0年4月1日", "令和元年"),
        ("平成32年4月1日", "平成は"),
        ("令和元年4月30日", "令和は2019年5月1日から"),
        ("大正10年1月1日", "明治・大正"),
        ("来週の月曜日", "日付を読み取れません。"),
    ],
)
def test_it_refuses_a_date_that_does_not_exist_or_cannot_be_read(typed, fragment):
    error = refusal(WarekiDateField(), typed)
    assert code_of(error) == "invalid"
    assert fragment in error.messages[0]


@pytest.mark.parametrize("typed", ["", "  ", None])
def test_it_reads_a_blank_date_as_none(typed):
    assert WarekiDateField().to_python(typed) is None
    assert WarekiDateField(required=False).clean(typed) is None


def test_it_shows_a_stored_date_in_wareki_and_typed_text_as_typed():
    widget = WarekiDateWidget()
    assert widget.format_value(date(2025, 4, 1)) == "令和7年4月1日"
    assert widget.format_value("R7.4.1") == "R7.4.1"
    assert "令和7年4月1日" in widget.attrs["placeholder"]


# --- the form policy applied to model forms --------------------------------------------


def test_it_builds_model_forms_from_kyodos_fields(staff):
    fields = ProjectForm(user=staff).fields
    assert isinstance(fields["title"], CleanCharField)
    assert isinstance(fields["purpose"], CleanCharField)
    assert fields["purpose"].multiline
    assert not fields["title"].multiline
    assert isinstance(fields["start_date"], WarekiDateField)
    assert isinstance(fields["budget"], YenField)
    assert isinstance(fields["implementation_form"], forms.TypedChoiceField)
    assert isinstance(PartnerForm().fields["member_count"], NumberField)


def test_it_carries_the_version_of_an_existing_record(staff, project):
    project.version = 4
    editing = ProjectForm(user=staff, instance=project)
    assert editing.fields["version"].initial == 4
    # Blank means "I saw no record": the service answers it as a conflict, never a field error.
    assert not editing.fields["version"].required
    assert not ProjectForm(user=staff, instance=Project()).fields["version"].required


def test_it_takes_the_current_version_after_a_conflict_keeping_the_rest(partner_org):
    form = PartnerForm(
        {"name": "わたしの団体名", "kind": "civic", "version": "1"}, instance=partner_org
    )
    form.take_current_version(7)
    assert form.data["version"] == "7"
    assert form.data["name"] == "わたしの団体名"
    assert form.is_valid()
    assert form.cleaned_data["version"] == 7


# --- conflict_rows ---------------------------------------------------------------------


def test_it_lists_only_the_fields_that_differ_from_the_saved_record(staff, project):
    form = ProjectForm(
        {
            "title": "わたしの事業名",
            "fiscal_year": str(project.fiscal_year),
            "implementation_form": project.implementation_form,
            "purpose": project.purpose,
            "start_date": "R7.5.1",
            "budget": "",
            "version": "1",
        },
        user=staff,
        instance=project,
    )
    assert form.is_valid(), form.errors
    current = Project.objects.get(pk=project.pk)
    current.title, current.start_date, current.budget = "同僚の事業名", date(2025, 4, 1), 5000
    current.version = 2
    assert conflict_rows(form, current) == [
        ("事業名", "同僚の事業名", "わたしの事業名"),
        ("事業開始日", "令和7年4月1日", "令和7年5月1日"),
        ("事業費（円）", "5000", "（空欄）"),
    ]


def test_it_compares_many_to_many_choices_as_sets_of_names(partner_org):
    environment, welfare, safety = ActivityField.objects.order_by("name")[:3]
    form = PartnerForm(
        {
            "name": partner_org.name,
            "kind": partner_org.kind,
            "mission": partner_org.mission,
            "name_kana": partner_org.name_kana,
            "activity_fields": [welfare.pk, environment.pk],
            "version": "1",
        },
        instance=partner_org,
    )
    assert form.is_valid(), form.errors
    current = Partner.objects.get(pk=partner_org.pk)
    current.activity_fields.set([safety])
    names = "、".join(sorted([environment.name, welfare.name]))
    assert conflict_rows(form, current) == [("活動分野", safety.name, names)]
    current.activity_fields.set([welfare, environment])
    assert conflict_rows(form, current) == []


# --- save_with_version -----------------------------------------------------------------


def test_it_saves_from_the_current_version_and_bumps_it(staff, project):
    project.title = "新しい事業名"
    save_with_version(project, expected_version=1, by=staff, reason="名称変更")
    stored = Project.objects.get(pk=project.pk)
    assert (stored.title, stored.version, project.version) == ("新しい事業名", 2, 2)
    latest = stored.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff, "名称変更")


def test_it_refuses_a_save_from_an_old_version_and_keeps_the_newer_one(staff, project):
    Project.objects.filter(pk=project.pk).update(title="同僚の事業名", version=2)
    project.title = "わたしの事業名"
    with pytest.raises(ConflictError) as excinfo:
        save_with_version(project, expected_version=1, by=staff)
    assert excinfo.value.current.title == "同僚の事業名"
    assert excinfo.value.current.version == 2
    assert "ほかの人がこの記録を更新しました" in str(excinfo.value)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.title, stored.version) == ("同僚の事業名", 2)
