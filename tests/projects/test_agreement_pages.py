"""The agreement's pages: editing a draft, who may read and act, and the printed agreement."""

import re
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from projects.models import AgreementConfirmation, AgreementVersion, Project
from projects.services import agreements
from tests.factories import ProjectPartnerFactory, UserFactory

CONFLICT = "あなたが編集を始めた後に、ほかの人がこの記録を更新しました。"
FROZEN = "確定した版は変更できません。変更するときは変更協定を作ってください。"
MARKUP = "<script>alert(1)</script>"

ITEMS = {
    "purpose": "海岸を市民の手で守り、次の世代に引き継ぐ",
    "responsibility": "作業中の事故は、その作業を担う者が責任を負う",
    "insurance": "",
    "period_start": "令和8年4月1日",
    "period_end": "令和9年3月31日",
    "deliverables": "活動報告書（年1回）",
    "deliverables_owner": "shared",
    "consultation": "毎月第1水曜日に定例会議を開く",
    "change_procedure": "協議のうえ、変更協定を結ぶ",
    "confidentiality": "",
    "crisis_management": "",
    "personal_data": "",
    "other": "",
    "results_shared": "on",
    "results_not_shared_reason": "",
}
TABLE_FIELDS = {
    "roles": ("task", "party"),
    "costs": ("item", "payer", "amount"),
    "milestones": ("on", "description"),
}


def url(name: str, project: Project, *args) -> str:
    return reverse(f"projects:{name}", args=[project.pk, *args])


def edit_data(version, *, items=None, extra_rows=0, **tables) -> dict:
    """What the edit page posts: the items, the edit version and the three formsets."""
    data = {**ITEMS, "version": str(version.version), **(items or {})}
    data = {k: v for k, v in data.items() if v is not None}
    for prefix, names in TABLE_FIELDS.items():
        rows = list(tables.get(prefix, []))
        rows += [dict.fromkeys(names, "")] * extra_rows
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "100",
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    return data


def save_complete(version, by, partner=None):
    """Fill a draft through the service, with one role, one cost and one milestone."""
    version.refresh_from_db()
    agreements.agreement_version_save(
        version=version,
        by=by,
        expected_version=version.version,
        data={
            **{k: v for k, v in ITEMS.items() if not k.startswith("period")},
            "purpose": f"海岸を守る。{MARKUP}",
            "results_shared": True,
            "period_start": date(2026, 4, 1),
            "period_end": date(2027, 3, 31),
        },
        roles=[
            {"task": "海岸清掃の呼びかけ", "party": "partner", "partner_id": partner.pk}
            if partner
            else {"task": "海岸清掃の呼びかけ", "party": "joint"}
        ],
        costs=[{"item": "ごみ袋", "payer_is_city": True, "partner_id": None, "amount": 12000}],
        milestones=[{"on": date(2026, 5, 10), "description": "清掃の開始"}],
    )
    version.refresh_from_db()
    return version


def fake_agreed(version) -> AgreementVersion:
    """Agree a version directly with a stored stand-in PDF: no rendering."""
    version.frozen_at = version.agreed_at = timezone.now()
    version.pdf_sha256 = "abcdef012345" + "9" * 52
    version.pdf.save("agreement.pdf", ContentFile(b"%PDF-1.4 stored stand-in"), save=False)
    version.save()
    return version


class FormValues(HTMLParser):
    """The values a browser would post for the page's form, as the page shows them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") != "checkbox" or "checked" in a:
                self.data[name] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            # A browser sends the first option when none is selected.
            if "selected" in a or self._select not in self.data:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag in ("select", "textarea"):
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.data


def pdf_text(path) -> str:
    """The PDF's text with all whitespace removed: Japanese lines wrap anywhere."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return re.sub(r"\s+", "", out.stdout)


@pytest.fixture
def draft(project, staff):
    return agreements.agreement_start(project=project, by=staff)


@pytest.fixture
def agreed_and_amended(draft, staff):
    """An agreed original (stand-in PDF) and a draft amendment: every page has something."""
    fake_agreed(save_complete(draft, staff))
    amendment = agreements.agreement_amend(agreement=draft.agreement, by=staff)
    return draft, amendment


# --- The edit page -----------------------------------------------------------------------


def test_it_stores_a_full_width_amount_typed_with_commas_and_yen(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(
            draft,
            roles=[
                {
                    "task": "清掃の呼びかけ",
                    "party": f"partner:{project.project_partners.get().partner_id}",
                }
            ],
            costs=[{"item": "ごみ袋", "payer": "city", "amount": "１２，０００円"}],
            milestones=[{"on": "R8.5.10", "description": "清掃の開始"}],
        ),
    )
    assert response.status_code == 302
    assert response.url == url("agreement", project)
    draft.refresh_from_db()
    assert [(c.item, c.payer_is_city, c.amount) for c in draft.costs.all()] == [
        ("ごみ袋", True, 12000)
    ]
    assert [r.party for r in draft.roles.all()] == ["partner"]
    assert [m.on for m in draft.milestones.all()] == [date(2026, 5, 10)]
    assert draft.period_start == date(2026, 4, 1)
    assert draft.version == 2


def test_it_refuses_a_negative_amount_with_a_message(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(
            draft,
            items={"purpose": "書きかけの目的"},
            costs=[{"item": "返金", "payer": "city", "amount": "-500"}],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "0円以上の金額を入力してください。" in html
    assert "書きかけの目的" in html
    draft.refresh_from_db()
    assert not draft.costs.exists()
    assert draft.purpose != "書きかけの目的"


def test_it_refuses_a_milestone_outside_the_period_and_keeps_all_input(
    client, staff, draft, project
):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(
            draft,
            items={"purpose": "入力した目的の文章", "consultation": "隔週の打合せ"},
            roles=[{"task": "のぼり旗の設置", "party": "city"}],
            costs=[{"item": "軍手", "payer": "city", "amount": "３，３００"}],
            milestones=[{"on": "令和10年1月5日", "description": "期間後の反省会"}],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "「期間後の反省会」の日付が事業期間の外です。" in html
    for typed in ("入力した目的の文章", "隔週の打合せ", "のぼり旗の設置", "軍手", "３，３００"):
        assert typed in html
    assert 'value="令和10年1月5日"' in html
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.purpose != "入力した目的の文章"
    assert not (draft.roles.exists() or draft.costs.exists() or draft.milestones.exists())


def test_it_refuses_an_empty_purpose(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(draft, items={"purpose": "", "responsibility": "入力した責任分担"}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["purpose"]
    assert "入力した責任分担" in response.content.decode()
    draft.refresh_from_db()
    assert draft.responsibility == ""


def test_it_refuses_unshared_results_without_a_reason(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1), edit_data(draft, items={"results_shared": None})
    )
    assert response.status_code == 200
    assert response.context["form"].errors["results_not_shared_reason"] == [
        "成果を共有しないときは、その理由が必要です。"
    ]
    assert escape("成果を共有しないときは、その理由が必要です。") in response.content.decode()
    draft.refresh_from_db()
    assert draft.results_shared and draft.version == 1


def test_it_ignores_untouched_extra_rows(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(
            draft,
            extra_rows=2,
            roles=[{"task": "広報", "party": "city"}],
            costs=[{"item": "チラシ印刷", "payer": "city", "amount": "8000"}],
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [r.task for r in draft.roles.all()] == ["広報"]
    assert [c.item for c in draft.costs.all()] == ["チラシ印刷"]
    assert not draft.milestones.exists()


def test_it_keeps_the_second_editors_input_when_someone_saved_first(
    client, staff, department, draft, project
):
    colleague = UserFactory(username="colleague", department=department)
    page_version = draft.version
    client.force_login(colleague)
    assert client.get(url("agreement_edit", project, 1)).status_code == 200
    first = client.post(
        url("agreement_edit", project, 1), edit_data(draft, items={"purpose": "先に保存した目的"})
    )
    assert first.status_code == 302

    client.force_login(staff)
    draft.version = page_version  # the page staff loaded before the colleague saved
    response = client.post(
        url("agreement_edit", project, 1),
        edit_data(
            draft,
            items={"purpose": "後から保存しようとした目的"},
            roles=[{"task": "後から足した役割", "party": "city"}],
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html
    assert "後から保存しようとした目的" in html
    assert "後から足した役割" in html
    draft.refresh_from_db()
    assert draft.purpose == "先に保存した目的"
    assert not draft.roles.exists()


def test_it_keeps_a_draft_as_it_was_when_its_page_is_saved_unchanged(
    client, staff, draft, project, partner_org
):
    save_complete(draft, staff, partner=partner_org)
    client.force_login(staff)
    data = form_values(client.get(url("agreement_edit", project, 1)).content.decode())
    assert data["costs-0-amount"] == "12,000"
    assert data["milestones-0-on"] == "令和8年5月10日"
    assert data["roles-0-party"] == f"partner:{partner_org.pk}"

    assert client.post(url("agreement_edit", project, 1), data).status_code == 302

    draft.refresh_from_db()
    assert draft.version == 3
    assert draft.purpose == f"海岸を守る。{MARKUP}"
    assert [(r.task, r.party, r.partner_id) for r in draft.roles.all()] == [
        ("海岸清掃の呼びかけ", "partner", partner_org.pk)
    ]
    assert [(c.item, c.amount) for c in draft.costs.all()] == [("ごみ袋", 12000)]
    assert [(m.on, m.description) for m in draft.milestones.all()] == [
        (date(2026, 5, 10), "清掃の開始")
    ]


def test_it_removes_a_row_marked_for_deletion(client, staff, draft, project):
    save_complete(draft, staff)
    client.force_login(staff)
    data = form_values(client.get(url("agreement_edit", project, 1)).content.decode())
    data["costs-0-DELETE"] = "on"

    assert client.post(url("agreement_edit", project, 1), data).status_code == 302

    draft.refresh_from_db()
    assert not draft.costs.exists()
    assert draft.roles.count() == 1


def test_it_lists_the_missing_items_when_freezing_on_the_page(client, staff, draft, project):
    client.force_login(staff)
    response = client.post(url("agreement_freeze", project, 1), follow=True)
    assert response.redirect_chain == [(url("agreement", project), 302)]
    html = response.content.decode()
    assert "確定する前に、次の項目を入力してください: " in html
    assert "役割分担（第2）を1行以上、責任の分担（第3）" in html
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_freezes_on_the_page_and_goes_back_to_drafting(client, staff, draft, project):
    save_complete(draft, staff)
    client.force_login(staff)
    html = client.post(url("agreement_freeze", project, 1), follow=True).content.decode()
    assert "案を確定しました。各当事者の確認を待っています。" in html
    assert "（確認待ち）" in html
    assert "案を編集する" not in html
    agreements.agreement_confirm(version=draft, by=staff)

    html = client.post(url("agreement_unfreeze", project, 1), follow=True).content.decode()
    assert "編集に戻しました。確認はやり直しになります。" in html
    draft.refresh_from_db()
    assert draft.is_draft and not draft.confirmations.exists()


def test_it_opens_an_amendment_from_the_page_once(client, staff, draft, project):
    fake_agreed(save_complete(draft, staff))
    client.force_login(staff)

    response = client.post(url("agreement_amend", project))

    assert response.status_code == 302
    assert response.url == url("agreement_edit", project, 2)
    form = client.get(response.url)
    assert "変更協定（第1号）の案を編集" in form.content.decode()
    assert "change_reason" in form.context["form"].fields
    again = client.post(url("agreement_amend", project), follow=True)
    assert "編集中または確認待ちの版があります。" in again.content.decode()
    assert draft.agreement.versions.count() == 2


def test_it_marks_the_changed_items_on_the_compare_page(client, staff, project, agreed_and_amended):
    amendment = agreed_and_amended[1]
    agreements.agreement_version_save(
        version=amendment,
        by=staff,
        expected_version=amendment.version,
        data={"consultation": "隔月で定例会議を開く", "change_reason": "会議の頻度を見直す"},
        roles=[],
        costs=[],
        milestones=[],
    )
    client.force_login(staff)

    response = client.get(url("agreement_compare", project))

    assert response.status_code == 200
    changed = {row["label"] for row in response.context["diff"] if row["changed"]}
    assert changed == {
        "第7 協議機会の確保: 協議の場",
        "変更の理由: 変更の理由",
        "第2 役割分担",
        "第4 経費負担",
        "第5 スケジュール",
    }
    html = response.content.decode()
    assert html.count("<strong>変更あり</strong>") == 5
    assert "隔月で定例会議を開く" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_an_editor_of_a_frozen_version_back_with_a_message(
    client, staff, draft, project, method
):
    save_complete(draft, staff)
    agreements.agreement_freeze(version=draft, by=staff)
    draft.refresh_from_db()
    before = (draft.purpose, draft.version, draft.roles.count())
    client.force_login(staff)

    response = getattr(client, method)(
        url("agreement_edit", project, 1),
        edit_data(draft, items={"purpose": "確定後の書き換え"}, roles=[]),
        follow=True,
    )

    assert response.redirect_chain == [(url("agreement", project), 302)]
    assert FROZEN in [str(m) for m in response.context["messages"]]
    draft.refresh_from_db()
    assert (draft.purpose, draft.version, draft.roles.count()) == before


# --- Who may read and act ----------------------------------------------------------------


READ_PAGES = [
    ("agreement", ()),
    ("agreement_compare", ()),
    ("agreement_pdf", ()),
    ("agreement_version_pdf", (1,)),
    ("consultations", ()),
]


@pytest.mark.parametrize(("name", "args"), READ_PAGES)
def test_it_shows_the_partner_what_it_hides_from_another_organisations_partner(
    client, partner_user, partner2_user, project, agreed_and_amended, name, args
):
    client.force_login(partner_user)
    assert client.get(url(name, project, *args)).status_code == 200
    client.force_login(partner2_user)
    assert client.get(url(name, project, *args)).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agreement_start", ()),
        ("agreement_amend", ()),
        ("agreement_edit", (2,)),
        ("agreement_freeze", (2,)),
        ("agreement_unfreeze", (2,)),
        ("agreement_confirm", (2,)),
        ("consultations", ()),
    ],
)
def test_it_answers_another_organisations_partner_404_on_every_action(
    client, partner2_user, project, agreed_and_amended, name, args
):
    client.force_login(partner2_user)
    assert client.post(url(name, project, *args)).status_code == 404
    assert AgreementVersion.objects.filter(agreement__project=project).count() == 2


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("agreement_edit", (2,), "get"),
        ("agreement_edit", (2,), "post"),
        ("agreement_freeze", (2,), "post"),
        ("agreement_unfreeze", (2,), "post"),
        ("agreement_amend", (), "post"),
        ("agreement_start", (), "post"),
    ],
)
def test_it_lets_the_partner_read_but_not_draft(
    client, partner_user, project, agreed_and_amended, name, args, method
):
    amendment = agreed_and_amended[1]
    client.force_login(partner_user)
    assert getattr(client, method)(url(name, project, *args)).status_code == 403
    amendment.refresh_from_db()
    assert amendment.is_draft and amendment.version == 1


def test_it_lets_the_partner_confirm_a_frozen_version_on_the_page(
    client, staff, partner_user, project, draft
):
    save_complete(draft, staff)
    agreements.agreement_freeze(version=draft, by=staff)
    client.force_login(partner_user)
    page = client.get(url("agreement", project)).content.decode()
    assert "この内容で確認する" in page
    assert "案を編集する" not in page

    response = client.post(url("agreement_confirm", project, 1), follow=True)

    assert response.redirect_chain == [(url("agreement", project), 302)]
    assert "協定の内容を確認しました。" in response.content.decode()
    assert AgreementConfirmation.objects.get(version=draft).party_key == (
        f"partner:{partner_user.partner_id}"
    )
    assert "この内容で確認する" not in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("staff2", 403), ("coordinator", 403)])
def test_it_refuses_a_confirmation_from_city_staff_who_are_no_party(
    request, client, staff, project, draft, who, status
):
    save_complete(draft, staff)
    agreements.agreement_freeze(version=draft, by=staff)
    client.force_login(request.getfixturevalue(who))
    assert client.post(url("agreement_confirm", project, 1)).status_code == status
    assert not AgreementConfirmation.objects.exists()


# --- The printed agreement ---------------------------------------------------------------


def test_it_prints_the_agreed_version_once_with_the_japanese_font_and_serves_it_as_stored(
    client, staff, partner_user, partner2_user, project, other_partner_org, draft
):
    ProjectPartnerFactory(project=project, partner=other_partner_org)
    save_complete(draft, staff, partner=project.project_partners.first().partner)
    agreements.agreement_freeze(version=draft, by=staff)
    for who in (staff, partner_user, partner2_user):
        agreements.agreement_confirm(version=draft, by=who)
    draft.refresh_from_db()
    path = draft.pdf.path

    fonts = subprocess.run(["pdffonts", path], capture_output=True, check=True, text=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    mincho = [row for row in rows if row[0].endswith("+IPAexMincho")]
    assert mincho, fonts.stdout
    assert all(row[-5:-3] == ["yes", "yes"] for row in mincho)  # embedded, subset
    assert all(row[-5] == "yes" for row in rows)  # no font left to the reader's machine

    text = pdf_text(path)
    for expected in (
        "第1条",
        "茅ヶ崎市（以下「甲」という。）",
        "NPO法人湘南なぎさネット（以下「乙」という。）",
        "茅ヶ崎子ども食堂ネットワーク（以下「丙」という。）",
        "令和8年4月1日から令和9年3月31日まで",
        "海岸清掃の呼びかけ乙（NPO法人湘南なぎさネット）",
        "12,000円",
        f"照合値{draft.short_hash}",
        MARKUP,
    ):
        assert expected in text, expected
    assert "案のため照合値なし" not in text

    client.force_login(partner_user)
    page = client.get(url("agreement", project)).content.decode()
    assert escape(MARKUP) in page
    assert MARKUP not in page

    # Served as stored, even if the record were changed behind the agreement's back.
    AgreementVersion.objects.filter(pk=draft.pk).update(purpose="後から書き換えた目的")
    with open(path, "rb") as stored:
        stored_bytes = stored.read()
    for address in (url("agreement_pdf", project), url("agreement_version_pdf", project, 1)):
        response = client.get(address)
        assert response["Content-Type"] == "application/pdf"
        assert response.content == stored_bytes


def test_it_prints_a_draft_on_demand_marked_as_a_draft(client, staff, project, draft, tmp_path):
    save_complete(draft, staff)
    Project.objects.filter(pk=project.pk).update(title='海と山 & "里"')
    client.force_login(staff)

    response = client.get(url("agreement_version_pdf", project, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="agreement-{project.pk}-v1-draft.pdf"'
    )
    (tmp_path / "draft.pdf").write_bytes(response.content)
    text = pdf_text(tmp_path / "draft.pdf")
    assert "照合値（案のため照合値なし）" in text
    assert "案" in text.replace("（案のため照合値なし）", "")  # the watermark
    assert "第1条" in text
    assert '海と山&"里"原協定' in text  # the page footer, not escaped twice
    assert "&amp;" not in text and "&quot;" not in text
    draft.refresh_from_db()
    assert not draft.pdf and draft.pdf_sha256 == ""


def test_it_has_no_agreed_pdf_before_agreement(client, staff, project, draft):
    client.force_login(staff)
    assert client.get(url("agreement_pdf", project)).status_code == 404


# --- The project page and the partner's dashboard ----------------------------------------


def test_it_shows_the_short_hash_and_the_pdf_link_on_the_project_page_after_agreement(
    client, staff, project, draft
):
    client.force_login(staff)
    link = f'href="{url("agreement_pdf", project)}"'
    before = client.get(url("detail", project)).content.decode()
    assert link not in before

    fake_agreed(save_complete(draft, staff))

    html = client.get(url("detail", project)).content.decode()
    assert link in html
    assert "<code>abcdef012345</code>" in html
    assert "（合意済・原協定）" in html


def test_it_tells_the_partner_a_frozen_version_waits_for_its_confirmation(
    client, staff, partner_user, project, draft
):
    waiting = f"協定の確認を待っています: {project.title}（原協定）"
    client.force_login(partner_user)
    save_complete(draft, staff)
    assert waiting not in client.get(reverse("dashboard")).content.decode()

    agreements.agreement_freeze(version=draft, by=staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert waiting in html
    assert f'href="{url("agreement", project)}"' in html

    agreements.agreement_confirm(version=draft, by=partner_user)
    draft.refresh_from_db()
    assert not draft.is_agreed  # still waiting for the city, but no longer for this partner
    assert waiting not in client.get(reverse("dashboard")).content.decode()
