"""Matching (第3-1(3)): city issues, the partners that fit them, and partners' interest.

`issue` is an open issue of staff's department (環境政策課); partner and partner2 are partner
users of two other organisations; staff2 works in another department.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kyodo.services import DomainError
from partners import services
from partners.matching import (
    FIELD_WEIGHT,
    issue_terms,
    open_issues_for_partner,
    partners_for_issue,
    score,
)
from partners.models import ActivityField, CityIssue, Interest
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

LOGIN = 302


# Building blocks


def field(name: str) -> ActivityField:
    return ActivityField.objects.get(name=name)


def make_partner(name: str, *, fields=(), themes: str = "", mission: str = "", **kwargs):
    partner = PartnerFactory(name=name, themes=themes, mission=mission, **kwargs)
    partner.activity_fields.set([field(f) for f in fields])
    return partner


def make_issue(by, *, title, description="", fields=(), department=None, **data) -> CityIssue:
    return services.issue_create(
        by=by,
        department=department or by.department,
        data={"title": title, "description": description, **data},
        activity_fields=[field(f) for f in fields],
    )


@pytest.fixture
def issue(staff) -> CityIssue:
    return make_issue(
        staff,
        title="海岸のプラスチックごみを減らしたい",
        description="海岸清掃に参加する人を増やし、ごみの持ち帰りを広めたい。",
        fields=["環境の保全"],
    )


@pytest.fixture
def mailboxes(staff, staff2, coordinator, partner_user):
    """Give the personas e-mail addresses, so that who is notified can be seen."""
    for user in (staff, staff2, coordinator, partner_user):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])


def names(matches) -> list[str]:
    return [m.partner.name for m in matches]


# Matching partners to an issue


def test_it_puts_a_shared_field_above_any_number_of_words(issue):
    make_partner(
        "言葉だけ合う会",
        themes="海岸清掃、プラスチック削減、ごみの持ち帰り運動、参加者を増やす工夫",
        mission="海岸をきれいにする",
    )
    make_partner("分野だけ合う会", fields=["環境の保全"])
    make_partner("両方合う会", fields=["環境の保全"], themes="海岸清掃")
    make_partner("合わない会", fields=["子どもの健全育成"], themes="学習支援、子ども食堂")

    matches = partners_for_issue(issue)

    assert names(matches) == ["両方合う会", "分野だけ合う会", "言葉だけ合う会"]
    both, fields_only, words_only = matches
    assert both.reasons == ["分野が一致: 環境の保全", "活動テーマに語が一致: 海岸清掃"]
    assert fields_only.reasons == ["分野が一致: 環境の保全"]
    assert words_only.reasons == [
        "活動テーマに語が一致: プラスチック、海岸清掃、参加",
        "ミッションに語が一致: 海岸",
    ]
    assert fields_only.score == FIELD_WEIGHT > words_only.score > 0


def test_it_counts_each_shared_field(staff):
    issue = make_issue(staff, title="空き家の活用", fields=["まちづくり", "環境の保全"])
    make_partner("一つ合う会", fields=["まちづくり"], themes="空き家の活用")
    make_partner("二つ合う会", fields=["環境の保全", "まちづくり"])

    matches = partners_for_issue(issue)

    assert names(matches) == ["二つ合う会", "一つ合う会"]
    assert matches[0].reasons == ["分野が一致: まちづくり、環境の保全"]


def test_it_matches_full_width_and_half_width_terms(staff):
    issue = make_issue(staff, title="ＮＰＯと進めるｴｺな通学路", description="ＳＤＧｓの学び")
    make_partner("半角の会", themes="npo法人の立ち上げ、エコ通学", mission="SDGsを広める")
    make_partner("全角の会", themes="ＮＰＯ支援", mission="エコライフ")

    matches = partners_for_issue(issue)

    assert names(matches) == ["半角の会", "全角の会"]
    assert matches[0].reasons == [
        "活動テーマに語が一致: npo、エコ、通学",
        "ミッションに語が一致: sdgs",
    ]
    assert matches[1].reasons == ["活動テーマに語が一致: npo", "ミッションに語が一致: エコ"]


def test_it_finds_the_words_inside_a_long_run_of_kanji(staff):
    issue = make_issue(staff, title="高齢者見守り活動支援")

    make_partner("見守りの会", themes="高齢者の見守り")

    assert partners_for_issue(issue)[0].reasons == ["活動テーマに語が一致: 高齢者、見守"]


def test_it_ignores_words_too_common_to_tell_partners_apart(staff):
    issue = make_issue(staff, title="茅ヶ崎市の地域課題", description="市民活動の推進")
    make_partner("どこにでもある会", themes="茅ヶ崎市内の地域活動", mission="市民活動を推進する")

    assert partners_for_issue(issue) == []


def test_it_leaves_out_archived_partners(issue, coordinator):
    kept = make_partner("続けている会", fields=["環境の保全"])
    gone = make_partner("やめた会", fields=["環境の保全"], themes="海岸清掃")
    services.partner_archive(partner=gone, by=coordinator)

    assert names(partners_for_issue(issue)) == [kept.name]


def test_it_scores_plain_data_without_the_database():
    terms = issue_terms("ＩＣＴで見守り", "ｽﾏﾎ教室")

    points, reasons = score(terms, {1: "情報化社会", 2: "保健・医療・福祉"}, [2], "スマホ教室", "")

    assert points == FIELD_WEIGHT + 2
    assert reasons == ["分野が一致: 保健・医療・福祉", "活動テーマに語が一致: スマホ、教室"]
    assert score(terms, {}, [], "", "")[0] == 0


# Matching issues to a partner


def test_it_finds_the_open_issues_that_fit_a_partner(staff, staff2, coordinator):
    partner = make_partner("海辺の会", fields=["環境の保全"], themes="海岸清掃、ウミガメの保護")
    best = make_issue(staff, title="海岸清掃の担い手", fields=["環境の保全"])
    fields_only = make_issue(staff2, title="公園の花壇", fields=["環境の保全"])
    words_only = make_issue(staff2, title="ウミガメの産卵地を守る")
    make_issue(staff, title="子ども食堂の運営", fields=["子どもの健全育成"])
    closed = make_issue(staff, title="海岸清掃の報告会", fields=["環境の保全"])
    services.issue_close(issue=closed, by=staff)
    past = make_issue(staff, title="海岸清掃の夏", fields=["環境の保全"])
    CityIssue.objects.filter(pk=past.pk).update(open_until=timezone.localdate() - timedelta(1))
    archived = make_issue(staff, title="海岸清掃の古い記録", fields=["環境の保全"])
    CityIssue.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    matches = open_issues_for_partner(partner)

    assert [m.issue for m in matches] == [best, fields_only, words_only]
    assert matches[0].reasons == ["分野が一致: 環境の保全", "活動テーマに語が一致: 海岸清掃"]
    assert matches[2].reasons == ["活動テーマに語が一致: ウミガメ"]


def test_it_finds_no_issues_for_an_archived_partner(issue, coordinator):
    partner = make_partner("やめた会", fields=["環境の保全"])
    services.partner_archive(partner=partner, by=coordinator)

    assert open_issues_for_partner(partner) == []


def test_it_shows_fitting_issues_on_the_partner_page(client, issue, partner_user, staff2):
    partner_user.partner.activity_fields.set([field("環境の保全")])
    for user in (partner_user, staff2):
        client.force_login(user)
        html = client.get(reverse("partners:detail", args=[partner_user.partner_id])).content
        html = html.decode()
        assert "この団体に合いそうな市の課題" in html
        assert reverse("partners:issue_detail", args=[issue.pk]) in html
        assert "分野が一致: 環境の保全" in html


# Services


def test_it_refuses_to_close_an_issue_twice(issue, staff):
    services.issue_close(issue=issue, by=staff)
    issue.refresh_from_db()
    assert issue.closed_at is not None
    assert issue.version == 2
    assert issue.history.first().history_change_reason == "受付を終了"
    with pytest.raises(DomainError, match="すでに終了"):
        services.issue_close(issue=issue, by=staff)


def test_it_refuses_interest_from_an_archived_partner(issue, partner_user, coordinator):
    services.partner_archive(partner=partner_user.partner, by=coordinator)
    with pytest.raises(DomainError, match="アーカイブされた団体"):
        services.interest_record(issue=issue, partner=partner_user.partner, by=partner_user)
    assert not Interest.objects.exists()


# Pages × roles (for an open issue of staff's department)

ROLES = ["anonymous", "staff", "staff2", "coordinator", "partner", "partner2", "admin"]


def _statuses(*values):
    return dict(zip(ROLES, values, strict=True))


PAGES = [
    ("partners:issues", "get", False, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("partners:issue_create", "get", False, _statuses(LOGIN, 200, 200, 200, 403, 403, 200)),
    ("partners:issue_detail", "get", True, _statuses(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("partners:issue_edit", "get", True, _statuses(LOGIN, 200, 403, 200, 403, 403, 200)),
    ("partners:issue_close", "post", True, _statuses(LOGIN, 302, 403, 302, 403, 403, 302)),
    ("partners:issue_interest", "post", True, _statuses(LOGIN, 403, 403, 403, 302, 302, 403)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "with_issue", "expected"), PAGES)
def test_it_gives_each_role_the_status_it_must(
    client, personas, issue, role, name, method, with_issue, expected
):
    user = personas[role]
    if user is not None:
        client.force_login(user)
    path = reverse(name, args=[issue.pk] if with_issue else [])

    response = getattr(client, method)(path)

    assert response.status_code == expected[role], f"{role} {method.upper()} {path}"
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["partners:issue_close", "partners:issue_interest"])
def test_it_refuses_get_on_actions_that_change_things(client, personas, issue, name):
    for role in ("admin", "partner"):
        client.force_login(personas[role])
        assert client.get(reverse(name, args=[issue.pk])).status_code == 405


def test_it_hides_an_archived_issue_from_partner_users(client, personas, issue):
    CityIssue.objects.filter(pk=issue.pk).update(archived_at=timezone.now())
    path = reverse("partners:issue_detail", args=[issue.pk])
    for role, expected in [("staff2", 200), ("partner", 404), ("partner2", 404)]:
        client.force_login(personas[role])
        assert client.get(path).status_code == expected, role
    client.force_login(personas["partner"])
    assert client.post(reverse("partners:issue_interest", args=[issue.pk])).status_code == 404
    client.force_login(personas["staff"])
    edit = reverse("partners:issue_edit", args=[issue.pk])
    assert client.get(edit).status_code == 403


def test_it_shows_city_staff_the_matches_and_partners_the_button(
    client, issue, staff2, partner_user
):
    make_partner("海辺の会", fields=["環境の保全"], themes="海岸清掃")
    client.force_login(staff2)
    html = client.get(reverse("partners:issue_detail", args=[issue.pk])).content.decode()
    assert "合いそうな団体" in html
    assert "海辺の会" in html
    assert "分野が一致: 環境の保全" in html
    assert "未回答" in html
    assert "関心がある</button>" not in html

    client.force_login(partner_user)
    html = client.get(reverse("partners:issue_detail", args=[issue.pk])).content.decode()
    assert "関心がある</button>" in html
    assert "海辺の会" not in html
    assert "合いそうな団体" not in html


# The list


def test_it_lists_only_open_issues_to_partner_users(client, issue, staff, partner_user):
    closed = make_issue(staff, title="終わった課題")
    services.issue_close(issue=closed, by=staff)
    client.force_login(partner_user)
    html = client.get(reverse("partners:issues"), {"state": "closed"}).content.decode()
    assert issue.title in html
    assert closed.title not in html


def test_it_filters_open_closed_and_unanswered_for_city_staff(
    client, issue, staff, coordinator, partner_user
):
    answered = make_issue(staff, title="関心が届いた課題")
    services.interest_record(issue=answered, partner=partner_user.partner, by=partner_user)
    closed = make_issue(staff, title="終わった課題")
    services.issue_close(issue=closed, by=staff)
    client.force_login(coordinator)

    def titles(state):
        response = client.get(reverse("partners:issues"), {"state": state})
        return {i.title for i in response.context["page"].object_list}

    assert titles("") == titles("open") == {issue.title, answered.title}
    assert titles("unanswered") == {issue.title}
    assert titles("closed") == {closed.title}
    assert titles("all") == {issue.title, answered.title, closed.title}
    assert titles("nonsense") == set()
    html = client.get(reverse("partners:issues")).content.decode()
    assert "まだどの団体からも関心が届いていない課題が <strong>1件</strong>" in html
    assert '<strong class="status-badge">未回答</strong>' in html


# Create, edit, close


def test_it_posts_an_issue_for_the_staff_members_own_department(client, staff2, other_department):
    client.force_login(staff2)
    form = client.get(reverse("partners:issue_create")).context["form"]
    assert "department" not in form.fields

    response = client.post(
        reverse("partners:issue_create"),
        {
            "title": "見守りの担い手",
            "description": "高齢者の見守り",
            "activity_fields": [field("保健・医療・福祉").pk],
            "open_until": "令和20年3月31日",
        },
    )

    issue = CityIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:issue_detail", args=[issue.pk])
    assert issue.department == other_department
    assert issue.created_by == staff2
    assert [f.name for f in issue.activity_fields.all()] == ["保健・医療・福祉"]


def test_it_lets_the_coordinator_post_for_a_department(client, coordinator, department):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:issue_create"),
        {"title": "海岸の課題", "description": "説明", "department": department.pk},
    )
    assert response.status_code == 302
    assert CityIssue.objects.get().department == department


def test_it_refuses_a_deadline_in_the_past(client, staff):
    client.force_login(staff)
    yesterday = (timezone.localdate() - timedelta(1)).isoformat()
    response = client.post(
        reverse("partners:issue_create"),
        {"title": "海岸の課題", "description": "説明", "open_until": yesterday},
    )
    assert response.status_code == 200
    assert "今日以降の日付" in response.content.decode()
    assert not CityIssue.objects.exists()


def test_it_keeps_the_input_when_someone_else_saved_first(client, issue, staff, coordinator):
    client.force_login(staff)
    edit = reverse("partners:issue_edit", args=[issue.pk])
    stale_version = client.get(edit).context["form"]["version"].value()
    services.issue_update(
        issue=issue,
        by=coordinator,
        expected_version=issue.version,
        data={"title": "市民自治推進課が直した題"},
        activity_fields=[field("環境の保全")],
    )

    response = client.post(
        edit,
        {
            "title": "所管課が直した題",
            "description": "新しい説明",
            "activity_fields": [field("環境の保全").pk],
            "version": stale_version,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人の変更と重なりました" in html
    assert 'value="所管課が直した題"' in html
    assert "市民自治推進課が直した題" in html  # the saved value, shown for comparison
    issue.refresh_from_db()
    assert issue.title == "市民自治推進課が直した題"
    assert issue.version == 2


def test_it_saves_an_edit(client, issue, staff):
    client.force_login(staff)
    response = client.post(
        reverse("partners:issue_edit", args=[issue.pk]),
        {"title": "新しい題", "description": "新しい説明", "version": issue.version},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.version, list(issue.activity_fields.all())) == ("新しい題", 2, [])


def test_it_closes_an_issue_and_says_so_the_second_time(client, issue, staff):
    client.force_login(staff)
    close = reverse("partners:issue_close", args=[issue.pk])
    response = client.post(close, follow=True)
    assert "受付を終了しました" in response.content.decode()
    response = client.post(close, follow=True)
    assert "すでに終了しています" in response.content.decode()
    issue.refresh_from_db()
    assert issue.state_label == "受付終了"


# Interest


def test_it_records_interest_once_and_tells_the_department(
    client, issue, partner_user, mailboxes, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)
    interest_url = reverse("partners:issue_interest", args=[issue.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            interest_url, {"note": "毎月の清掃に20人で参加できます。"}, follow=True
        )

    assert "所管課に伝えました" in response.content.decode()
    interest = Interest.objects.get()
    assert (interest.issue, interest.partner, interest.by) == (
        issue,
        partner_user.partner,
        partner_user,
    )
    assert [m.to for m in mail.outbox] == [["staff@example.jp"]]
    notice = mail.outbox[0]
    assert issue.title in notice.subject
    assert partner_user.partner.name in notice.body
    assert "毎月の清掃に20人で参加できます。" in notice.body
    assert reverse("partners:issue_detail", args=[issue.pk]) in notice.body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(interest_url, {"note": "もう一度"}, follow=True)

    assert "すでに伝えています" in response.content.decode()
    assert Interest.objects.count() == 1
    assert Interest.objects.get().note == "毎月の清掃に20人で参加できます。"
    assert len(mail.outbox) == 1


def test_it_tells_the_coordinator_who_posted_the_issue_too(
    coordinator, department, staff, partner_user, mailboxes, django_capture_on_commit_callbacks
):
    issue = make_issue(coordinator, title="海岸の課題", department=department)
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_record(issue=issue, partner=partner_user.partner, by=partner_user)
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator@example.jp", "staff@example.jp"]


def test_it_shows_the_interest_received_to_city_staff(client, issue, partner_user, staff2):
    services.interest_record(
        issue=issue, partner=partner_user.partner, by=partner_user, note="話を聞きたい"
    )
    client.force_login(staff2)
    html = client.get(reverse("partners:issue_detail", args=[issue.pk])).content.decode()
    assert "届いた関心（1団体）" in html
    assert "話を聞きたい" in html


@pytest.mark.parametrize("how", ["closed", "past_deadline"])
def test_it_refuses_interest_in_an_issue_that_is_not_open(
    client, issue, staff, partner_user, mailboxes, django_capture_on_commit_callbacks, how
):
    if how == "closed":
        services.issue_close(issue=issue, by=staff)
    else:
        CityIssue.objects.filter(pk=issue.pk).update(open_until=timezone.localdate() - timedelta(1))
    client.force_login(partner_user)
    detail = client.get(reverse("partners:issue_detail", args=[issue.pk])).content.decode()
    assert "関心がある</button>" not in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:issue_interest", args=[issue.pk]), follow=True)

    assert "関心を受け付けていません" in response.content.decode()
    assert not Interest.objects.exists()
    assert mail.outbox == []


# Bounded queries


def _many_partners(count: int) -> None:
    fields = [field("環境の保全"), field("まちづくり")]
    for n in range(count):
        partner = PartnerFactory(themes=f"海岸清掃 第{n}班", mission="海岸をきれいにする")
        partner.activity_fields.set(fields[: n % 3])


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# Measured on SQLite: the list 11-13 queries, the issue page 13-15, the partner page 13-15,
# the same with 5 and with 200 partners (and 1 or 31 issues). Session and permission
# look-ups are part of each count.


@pytest.mark.parametrize("who", ["staff", "coordinator", "partner_user"])
def test_it_lists_issues_in_a_bounded_number_of_queries(
    client, request, staff, partner_user, partner2_user, django_assert_max_num_queries, who
):
    client.force_login(request.getfixturevalue(who))
    path = reverse("partners:issues")
    make_issue(staff, title="最初の課題", fields=["環境の保全"])
    _many_partners(5)
    few = _count_queries(client, path)

    _many_partners(45)
    for n in range(12):
        issue = make_issue(staff, title=f"課題{n}", fields=["環境の保全", "まちづくり"])
        services.interest_record(issue=issue, partner=partner2_user.partner, by=partner2_user)
    with django_assert_max_num_queries(14):
        many = _count_queries(client, path)

    assert many == few


@pytest.mark.parametrize("page", ["partners:issue_detail", "partners:detail"])
@pytest.mark.parametrize("who", ["staff", "coordinator", "partner_user"])
def test_it_matches_in_a_bounded_number_of_queries(
    client, request, issue, partner_user, django_assert_max_num_queries, who, page
):
    client.force_login(request.getfixturevalue(who))
    pk = issue.pk if page == "partners:issue_detail" else partner_user.partner_id
    path = reverse(page, args=[pk])
    partner_user.partner.activity_fields.set([field("環境の保全")])
    _many_partners(5)
    few = _count_queries(client, path)

    _many_partners(45)
    for n in range(8):
        make_issue(issue.created_by, title=f"海岸清掃{n}", fields=["環境の保全"])
    with django_assert_max_num_queries(16):
        many = _count_queries(client, path)

    assert many == few
    assert len(partners_for_issue(issue)) > 50
    assert len(open_issues_for_partner(partner_user.partner)) == 9
