"""Choosing a partner in the browser: a プロポーザル with three applicants and two reviewers,
and a 随意 selection with its reason."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kyodo.models import User
from projects.models import ProjectPartner
from projects.services import project as services
from selection.models import Selection

OUT = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _project(title: str, form: str = "jigyo_kyoryoku"):
    staff = User.objects.get(username="staff")
    return services.project_create(
        by=staff,
        data={
            "title": title,
            "fiscal_year": 2026,
            "implementation_form": form,
            "purpose": "海辺の自然を市民といっしょに守る。",
            "start_date": date(2026, 4, 1),
            "end_date": date(2027, 3, 31),
        },
        detail_data={},
    )


@pytest.fixture
def projects(demo_data):
    return _project("海辺の生き物調査"), _project("松林の手入れ", "itaku")


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()


def _score(page, points: dict[str, str]):
    """Fill every points box of the open sheet: each applicant gets its points everywhere."""
    for name, value in points.items():
        row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name))
        boxes = row.locator("input.score-input")
        assert boxes.count() == 6
        for n in range(boxes.count()):
            boxes.nth(n).fill(value)


def test_it_runs_a_proposal_and_a_sole_source_selection(
    projects, page, live_server, login, check_page
):
    proposal, sole = projects
    base = f"{live_server.url}/projects/{proposal.pk}/selection/"
    login("staff")
    page.goto(f"{live_server.url}/projects/{proposal.pk}/")
    page.get_by_role("link", name=re.compile("パートナー選定")).first.click()
    page.get_by_label("プロポーザル").check()
    page.get_by_label("募集の開始日").fill("令和8年2月1日")
    page.get_by_label("募集の締切日").fill("R8.2.28")
    check_page("selection-start")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("選定の記録を保存しました。")).to_be_visible()

    # The six viewpoints are there as a template; make feasibility count double.
    page.get_by_role("link", name="審査基準を編集する").click()
    first = page.get_by_role("group", name=re.compile("審査基準.* 1行目"))
    first.get_by_label("重み").fill("２")
    check_page("selection-criteria")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("審査基準を保存しました。")).to_be_visible()

    page.get_by_role("link", name="審査委員を加える・外す").click()
    for label in ("浜田 みどり（環境政策課）", "柳島 さくら（市民自治推進課）"):
        page.get_by_label("市の職員").select_option(label=label)
        page.get_by_role("button", name="加える").click()
        expect(page.get_by_text("審査委員に加えました。")).to_be_visible()
    check_page("selection-reviewers")
    page.goto(base)
    page.get_by_role("button", name="募集を始める").click()
    expect(page.get_by_text("募集を始めました。")).to_be_visible()

    for partner in ("NPO法人 湘南なぎさネット", "茅ヶ崎子ども食堂ネットワーク", None):
        page.goto(base)
        page.get_by_role("link", name="応募を登録する").click()
        if partner:
            page.get_by_label("名簿の団体").select_option(label=partner)
        else:
            page.get_by_label("名簿にない団体の名前").fill("浜辺の自然学校")
            page.get_by_label("名簿にない団体の種類").select_option(label="市民活動団体")
            check_page("selection-candidate-add")
        page.get_by_label("提案の要旨").fill("月1回の調査と、結果の公開を提案する。")
        page.get_by_role("button", name="登録する").click()
        expect(page.get_by_text("提案書のファイルを添付できます。")).to_be_visible()
    # A "PDF" that is not one is refused; a real one is kept.
    upload = page.get_by_label("添付するファイル")
    upload.set_input_files(
        {"name": "提案書.pdf", "mimeType": "application/pdf", "buffer": b"hello"}
    )
    page.get_by_role("button", name="添付する", exact=True).click()
    expect(page.get_by_text(re.compile("中身は、受け付けている種類"))).to_be_visible()
    upload.set_input_files(
        {"name": "提案書.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="添付する", exact=True).click()
    expect(page.get_by_text("「提案書.pdf」を添付しました。")).to_be_visible()
    check_page("selection-candidate")
    page.goto(base)
    page.get_by_role("button", name="募集を締め切って審査に進む").click()
    expect(page.get_by_text("審査委員が採点できます。")).to_be_visible()

    page.get_by_role("link", name="あなたの採点表").click()
    _score(page, {"NPO法人 湘南なぎさネット": "５", "茅ヶ崎子ども食堂ネットワーク": "3"})
    page.get_by_role("button", name="下書きとして保存").click()
    expect(page.get_by_text("採点を下書きとして保存しました。")).to_be_visible()
    page.get_by_role("button", name="採点を提出する").click()
    expect(page.get_by_text(re.compile("点数が入っていない欄が6か所"))).to_be_visible()
    _score(page, {"浜辺の自然学校": "4"})
    page.get_by_label(re.compile("^浜辺の自然学校・事業の遂行可能性へのコメント")).fill(
        "調査の経験が豊富"
    )
    check_page("selection-score-sheet", guide="13-selection-score-sheet")
    page.get_by_role("button", name="採点を提出する").click()
    expect(page.get_by_text("採点を提出しました。")).to_be_visible()
    expect(page.get_by_text("まだ採点を提出していない委員がいます。")).to_be_visible()
    _logout(page)

    login("coordinator")
    page.get_by_role("link", name=re.compile("パートナー選定の採点: 海辺の生き物調査")).click()
    _score(
        page,
        {
            "NPO法人 湘南なぎさネット": "4",
            "茅ヶ崎子ども食堂ネットワーク": "2",
            "浜辺の自然学校": "4",
        },
    )
    page.get_by_role("button", name="採点を提出する").click()
    expect(page.get_by_text("採点を提出しました。")).to_be_visible()
    check_page("selection-ranking", guide="14-selection-ranking")
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows.first).to_contain_text("NPO法人 湘南なぎさネット")
    # 5 points × (weights 2+1+1+1+1+1 = 7) = 35, and 4 × 7 = 28: 63 in all.
    expect(rows.first).to_contain_text("63")
    _logout(page)

    login("staff")
    page.goto(base + "decide/")
    expect(
        page.get_by_label(re.compile("NPO法人 湘南なぎさネット（合計63点・1位）"))
    ).to_be_checked()
    check_page("selection-decide")
    page.get_by_role("button", name="この団体に決める").click()
    expect(page.get_by_text("事業のパートナーに加わりました。")).to_be_visible()
    expect(page.get_by_text(re.compile("NPO法人 湘南なぎさネットに決めました"))).to_be_visible()
    check_page("selection-decided", guide="15-selection-decided")
    selection = Selection.objects.get(project=proposal)
    assert selection.state == Selection.State.DECIDED
    assert ProjectPartner.objects.filter(
        project=proposal, partner__name="NPO法人 湘南なぎさネット"
    ).exists()
    response = page.request.get(base + "record.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "selection-record.pdf"
    pdf.write_bytes(response.body())
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout,
    )
    for expected in (
        "審査結果表",
        "プロポーザル",
        "NPO法人湘南なぎさネット",
        "63",
        "浜辺の自然学校",
    ):
        assert expected in text, expected
    assert (
        "IPAexMincho"
        in subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    )

    # A 随意 selection: without a reason it is refused, with everything typed kept.
    page.goto(f"{live_server.url}/projects/{sole.pk}/selection/")
    page.get_by_label("随意（1者のみ）").check()
    page.get_by_label("選定の経過").fill("地元の自治会と相談した。")
    page.get_by_role("button", name="保存する").click()
    expect(
        page.get_by_text("随意（1者のみ）で選ぶときは、その理由を書いてください。")
    ).to_be_visible()
    expect(page.get_by_label("選定の経過")).to_have_value("地元の自治会と相談した。")
    page.get_by_label("1者に決めた理由").fill("松林の手入れを続けてきた団体がほかにないため。")
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("link", name="相手の団体を登録する").click()
    page.get_by_label("名簿の団体").select_option(label="NPO法人 湘南なぎさネット")
    page.get_by_role("button", name="登録する").click()
    page.goto(f"{live_server.url}/projects/{sole.pk}/selection/")
    page.get_by_role("link", name="選定を決める").click()
    page.get_by_label("NPO法人 湘南なぎさネット").check()
    page.get_by_role("button", name="この団体に決める").click()
    expect(page.get_by_text(re.compile("NPO法人 湘南なぎさネットに決めました"))).to_be_visible()
    check_page("selection-sole-decided")
    assert Selection.objects.get(project=sole).missing() == []
