"""Partner selection pages through the client: score sheets, proposal files, ranking, record."""

import io
import re
import subprocess
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from selection import services as services
from selection.models import Criterion, ProposalFile, Reviewer, Score, Selection
from tests.factories import PartnerFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFLICT = "あなたが編集を始めた後に、ほかの人がこの記録を更新しました。"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Queries of the score sheet and the ranking, whatever the number of candidates and criteria.
# Measured with 3×6 and 20×8 cells: sheet GET 22 and 22; sheet POST (save and submit every
# cell) 29 and 30, the one more because SQLite splits the 160 history rows into two inserts
# of at most 999 parameters; ranking 21 and 21.
SHEET_GET_QUERIES = 25
SHEET_POST_QUERIES = 33
RANKING_QUERIES = 24


def url(name: str, selection: Selection, *args) -> str:
    return reverse(f"selection:{name}", args=[selection.project_id, *args])


def seat(selection: Selection, user) -> Reviewer:
    return Reviewer.objects.get(selection=selection, user=user)


def sheet_data(selection: Selection, reviewer: Reviewer, points, *, submit: bool) -> dict:
    """Every cell of the sheet; points maps a candidate's name to the text typed for it."""
    reviewer.refresh_from_db()
    data = {"version": reviewer.version}
    for candidate in selection.candidates.select_related("partner"):
        for criterion in selection.criteria.all():
            data[f"v_{candidate.pk}_{criterion.pk}"] = str(points[candidate.partner.name])
            data[f"c_{candidate.pk}_{criterion.pk}"] = ""
    data["submit" if submit else "save"] = "1"
    return data


def submit_sheet(client, selection: Selection, user, points: dict) -> None:
    client.force_login(user)
    mine = seat(selection, user)
    response = client.post(
        url("score_sheet", selection, mine.pk), sheet_data(selection, mine, points, submit=True)
    )
    assert response.status_code == 302, response.context["form"].errors


def tiny_pdf(text: str = "Proposal") -> bytes:
    """A real one-page PDF, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType='
            f'"{DOCX_TYPE.replace("document", "document.main+xml")}"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>提案</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def upload(client, selection: Selection, name: str, content: bytes, content_type: str):
    candidate = selection.candidates.get(partner__name="団体A")
    return client.post(
        url("candidate", selection, candidate.pk),
        {"action": "upload", "upload-file": SimpleUploadedFile(name, content, content_type)},
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "proposals"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# The score sheet


def test_it_reads_full_width_digits_on_the_score_sheet(client, proposal, staff):
    client.force_login(staff)
    mine = seat(proposal, staff)

    response = client.post(
        url("score_sheet", proposal, mine.pk),
        sheet_data(proposal, mine, {"団体A": "５", "団体B": "３", "団体C": "０"}, submit=False),
    )

    assert response.status_code == 302
    values = {
        s.candidate.partner.name: s.value
        for s in Score.objects.filter(reviewer=mine).select_related("candidate__partner")
    }
    assert values == {"団体A": 5, "団体B": 3, "団体C": 0}
    mine.refresh_from_db()
    assert not mine.has_submitted


def test_it_keeps_everything_typed_when_a_score_is_out_of_range(client, proposal, staff):
    client.force_login(staff)
    mine = seat(proposal, staff)
    data = sheet_data(proposal, mine, {"団体A": "4", "団体B": "３", "団体C": "2"}, submit=True)
    first = proposal.candidates.get(partner__name="団体A")
    too_high = f"v_{first.pk}_{proposal.criteria.first().pk}"
    data[too_high] = "9"
    data[f"c_{first.pk}_{proposal.criteria.first().pk}"] = "地域との連携が具体的"

    response = client.post(url("score_sheet", proposal, mine.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[too_high] == ["5点までです。"]
    page = response.content.decode()
    assert f'name="{too_high}" id="id_{too_high}" value="9"' in page
    assert 'value="地域との連携が具体的"' in page
    assert page.count('value="３"') == 6  # the full-width digits, as typed
    assert page.count('value="2"') == 6
    assert "5点までです。" in page
    assert not Score.objects.filter(reviewer=mine).exists()
    mine.refresh_from_db()
    assert not mine.has_submitted and mine.version == data["version"]


def test_it_explains_a_stale_sheet_and_saves_nothing(client, proposal, staff):
    client.force_login(staff)
    mine = seat(proposal, staff)
    stale = sheet_data(proposal, mine, {"団体A": 5, "団体B": 5, "団体C": 5}, submit=True)
    # Meanwhile the same sheet is saved from another tab.
    client.post(
        url("score_sheet", proposal, mine.pk),
        sheet_data(proposal, mine, {"団体A": 1, "団体B": 1, "団体C": 1}, submit=False),
    )
    mine.refresh_from_db()

    response = client.post(url("score_sheet", proposal, mine.pk), stale)

    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert set(Score.objects.filter(reviewer=mine).values_list("value", flat=True)) == {1}
    fresh = Reviewer.objects.get(pk=mine.pk)
    assert not fresh.has_submitted and fresh.version == mine.version
    # The form now carries the current version: saving again, knowingly, goes through.
    assert response.context["form"]["version"].value() == str(mine.version)


def test_it_keeps_a_submitted_sheet_whole_when_saved_as_a_draft(client, proposal, staff):
    submit_sheet(client, proposal, staff, {"団体A": 5, "団体B": 3, "団体C": 4})
    mine = seat(proposal, staff)
    data = sheet_data(proposal, mine, {"団体A": 5, "団体B": 3, "団体C": 4}, submit=False)
    blank = next(key for key in data if key.startswith("v_"))
    data[blank] = ""

    response = client.post(url("score_sheet", proposal, mine.pk), data)

    assert response.status_code == 200
    assert "点数が入っていない欄が1か所あります" in response.content.decode()
    assert Score.objects.filter(reviewer=mine).count() == 18


def test_it_shows_a_sheet_read_only_to_a_reviewer_who_may_not_score_it(
    client, proposal, staff, staff2
):
    submit_sheet(client, proposal, staff, {"団体A": 5, "団体B": 3, "団体C": 4})
    submit_sheet(client, proposal, staff2, {"団体A": 2, "団体B": 2, "団体C": 2})

    response = client.get(url("score_sheet", proposal, seat(proposal, staff).pk))

    assert response.status_code == 200
    assert not response.context["editable"]
    assert 'name="v_' not in response.content.decode()
    assert client.post(url("score_sheet", proposal, seat(proposal, staff).pk)).status_code == 403


# Proposal files


def test_it_stores_a_pdf_and_serves_it_inline_to_allowed_users(
    client, proposal, staff, staff2, coordinator, admin_user, settings
):
    client.force_login(staff)
    content = tiny_pdf()

    response = upload(client, proposal, "提案書（団体A）.pdf", content, "application/pdf")

    assert response.status_code == 302
    stored = ProposalFile.objects.get()
    assert stored.original_name == "提案書（団体A）.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(content) and stored.uploaded_by == staff
    assert stored.file.name.startswith(f"proposals/{proposal.pk}/")
    assert stored.file.name.endswith(".pdf") and "提案書" not in stored.file.name
    assert [p.read_bytes() for p in stored_files(settings)] == [content]
    file_url = url("file", proposal, stored.pk)
    for who in (staff, staff2, coordinator, admin_user):  # staff2 is on the panel
        client.force_login(who)
        served = client.get(file_url)
        assert served.status_code == 200, who
        assert served["Content-Type"] == "application/pdf"
        assert served["Content-Disposition"].startswith("inline;")
        assert "sandbox" in served["Content-Security-Policy"]
        assert b"".join(served.streaming_content) == content


def test_it_hides_a_proposal_file_from_everyone_else(
    client, proposal, staff, partner_user, partner2_user
):
    client.force_login(staff)
    upload(client, proposal, "提案書.pdf", tiny_pdf(), "application/pdf")
    file_url = url("file", proposal, ProposalFile.objects.get().pk)
    other_staff = UserFactory()  # city staff, another department, not on the panel

    for who in (other_staff, partner_user, partner2_user):
        client.force_login(who)
        assert client.get(file_url).status_code == 404, who
    client.logout()
    assert client.get(file_url)["Location"].startswith(reverse("login"))


def test_it_refuses_a_file_named_pdf_that_is_not_a_pdf(client, proposal, staff, settings):
    client.force_login(staff)

    response = upload(client, proposal, "提案書.pdf", b"<html>not a pdf</html>", "application/pdf")

    assert response.status_code == 200
    assert response.context["file_form"].errors["file"] == [
        "このファイルの中身は、受け付けている種類（PDF、Word、Excel、画像（PNG・JPEG・GIF））ではありません。"
    ]
    assert "受け付けている種類" in response.content.decode()
    assert not ProposalFile.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_a_file_whose_name_disagrees_with_its_content(client, proposal, staff, settings):
    client.force_login(staff)

    response = upload(client, proposal, "提案書.pdf", tiny_docx(), "application/pdf")

    assert response.context["file_form"].errors["file"] == [
        "ファイル名（.pdf）と中身（Word）が合いません。正しいファイルか確かめてください。"
    ]
    assert not ProposalFile.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_a_file_over_the_size_limit(client, proposal, staff, settings):
    settings.KYODO_UPLOAD_MAX_BYTES = 200
    client.force_login(staff)
    content = tiny_pdf("x" * 300)
    assert len(content) > 200

    response = upload(client, proposal, "提案書.pdf", content, "application/pdf")

    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.context["file_form"].errors["file"][0]
    assert not ProposalFile.objects.exists()
    assert stored_files(settings) == []


def test_it_serves_a_word_file_as_a_download(client, proposal, staff):
    client.force_login(staff)
    content = tiny_docx()

    assert upload(client, proposal, "事業計画書.docx", content, DOCX_TYPE).status_code == 302

    stored = ProposalFile.objects.get()
    assert stored.content_type == DOCX_TYPE and not stored.is_inline
    served = client.get(url("file", proposal, stored.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == DOCX_TYPE
    assert served["Content-Disposition"].startswith("attachment;")
    assert b"".join(served.streaming_content) == content


# Who sees the scores


def test_it_hides_the_scores_from_a_reviewer_until_they_submit(client, proposal, staff, staff2):
    submit_sheet(client, proposal, staff, {"団体A": 5, "団体B": 3, "団体C": 4})
    client.force_login(staff2)
    theirs = seat(proposal, staff).pk

    page = client.get(url("ranking", proposal))
    assert page.status_code == 200
    assert not page.context["visible"] and "ranking" not in page.context
    assert "総合点" not in page.content.decode()
    assert client.get(url("score_sheet", proposal, theirs)).status_code == 403
    assert client.get(url("pdf", proposal)).status_code == 403

    submit_sheet(client, proposal, staff2, {"団体A": 1, "団体B": 2, "団体C": 3})

    page = client.get(url("ranking", proposal))
    assert page.context["visible"]
    # Each criterion weighs 1: C 4×6 + 3×6 = 42, A 5×6 + 1×6 = 36, B 3×6 + 2×6 = 30.
    assert [row.total for row in page.context["ranking"].rows] == [42, 36, 30]
    assert client.get(url("score_sheet", proposal, theirs)).status_code == 200
    assert client.get(url("pdf", proposal)).status_code == 200


# Bounded queries


def build_selection(department, staff, staff2, *, candidates: int, extra_criteria: int):
    """A プロポーザル in 審査中 with candidates × (6 + extra_criteria) cells per sheet."""
    project = ProjectFactory(title=f"{candidates}団体の選定", department=department)
    selection = services.selection_save(
        project=project,
        by=staff,
        expected_version=None,
        data={"method": "proposal", "call_start": date(2025, 4, 1), "call_end": date(2025, 4, 30)},
    )
    if extra_criteria:
        selection.refresh_from_db()
        existing = [
            {"id": c.pk, "viewpoint": c.viewpoint, "title": c.title, "weight": 1, "max_score": 5}
            for c in selection.criteria.all()
        ]
        added = [
            {
                "id": None,
                "viewpoint": Criterion.Viewpoint.OTHER,
                "title": f"追加の基準{n}",
                "weight": 2,
                "max_score": 10,
            }
            for n in range(extra_criteria)
        ]
        services.criteria_save(
            selection=selection, by=staff, expected_version=selection.version, rows=existing + added
        )
    for n in range(candidates):
        services.candidate_add(
            selection=selection, by=staff, partner=PartnerFactory(name=f"団体{n}")
        )
    services.reviewer_add(selection=selection, by=staff, user=staff)
    services.reviewer_add(selection=selection, by=staff, user=staff2)
    services.selection_open_call(selection=selection, by=staff)
    services.selection_close_call(selection=selection, by=staff)
    selection.refresh_from_db()
    return selection


def full_sheet(selection: Selection, reviewer: Reviewer, *, submit: bool) -> dict:
    reviewer.refresh_from_db()
    data = {"version": reviewer.version, "submit" if submit else "save": "1"}
    candidates = selection.candidates.all()
    for n, candidate in enumerate(candidates):
        for criterion in selection.criteria.all():
            data[f"v_{candidate.pk}_{criterion.pk}"] = str(n % (criterion.max_score + 1))
            data[f"c_{candidate.pk}_{criterion.pk}"] = f"コメント{n}"
    return data


@pytest.mark.parametrize(("candidates", "extra_criteria"), [(3, 0), (20, 2)])
def test_it_saves_a_whole_sheet_in_a_bounded_number_of_queries(
    client, department, staff, staff2, django_assert_max_num_queries, candidates, extra_criteria
):
    selection = build_selection(
        department, staff, staff2, candidates=candidates, extra_criteria=extra_criteria
    )
    cells = candidates * (6 + extra_criteria)
    client.force_login(staff)
    mine = seat(selection, staff)
    sheet_url = url("score_sheet", selection, mine.pk)

    with django_assert_max_num_queries(SHEET_GET_QUERIES):
        page = client.get(sheet_url)
    assert page.status_code == 200
    assert page.content.decode().count('name="v_') == cells

    data = full_sheet(selection, mine, submit=True)
    with django_assert_max_num_queries(SHEET_POST_QUERIES):
        response = client.post(sheet_url, data)
    assert response.status_code == 302

    mine.refresh_from_db()
    assert mine.has_submitted and mine.scores.count() == cells
    assert Score.history.filter(reviewer_id=mine.pk, history_user=staff).count() == cells


@pytest.mark.parametrize(("candidates", "extra_criteria"), [(3, 0), (20, 2)])
def test_it_ranks_in_a_bounded_number_of_queries(
    client, department, staff, staff2, django_assert_max_num_queries, candidates, extra_criteria
):
    selection = build_selection(
        department, staff, staff2, candidates=candidates, extra_criteria=extra_criteria
    )
    for user in (staff, staff2):
        mine = seat(selection, user)
        data = full_sheet(selection, mine, submit=True)
        cells = {
            tuple(int(part) for part in key.split("_")[1:]): (int(value), "")
            for key, value in data.items()
            if key.startswith("v_")
        }
        services.score_sheet_save(
            reviewer=mine, by=user, expected_version=mine.version, cells=cells, submit=True
        )
    client.force_login(staff)

    with django_assert_max_num_queries(RANKING_QUERIES):
        page = client.get(url("ranking", selection))

    assert page.status_code == 200
    assert len(page.context["ranking"].rows) == candidates


# The decision and the record


def test_it_preselects_the_top_candidate_on_the_decision_page(client, proposal, staff, staff2):
    submit_sheet(client, proposal, staff, {"団体A": 2, "団体B": 5, "団体C": 4})
    submit_sheet(client, proposal, staff2, {"団体A": 3, "団体B": 4, "団体C": 4})
    client.force_login(staff)
    top = proposal.candidates.get(partner__name="団体B")

    page = client.get(url("decide", proposal))

    assert page.status_code == 200
    assert page.context["form"]["candidate"].value() == top.pk
    radios = [
        tag
        for tag in re.findall(r"<input[^>]*>", page.content.decode())
        if 'type="radio"' in tag and 'name="candidate"' in tag
    ]
    checked = [tag for tag in radios if "checked" in tag]
    assert len(radios) == 3 and len(checked) == 1
    assert f'value="{top.pk}"' in checked[0]
    assert "団体B（合計54点・1位）" in page.content.decode()


def test_it_prints_the_record_with_the_japanese_font_embedded(
    client, proposal, staff, staff2, tmp_path
):
    submit_sheet(client, proposal, staff, {"団体A": 2, "団体B": 5, "団体C": 4})
    submit_sheet(client, proposal, staff2, {"団体A": 3, "団体B": 4, "団体C": 4})
    client.force_login(staff)
    response = client.post(
        url("decide", proposal),
        {"candidate": proposal.candidates.get(partner__name="団体B").pk, "decided_on": "R7.5.20"},
    )
    assert response.status_code == 302, response.context["form"].errors

    pdf = client.get(url("pdf", proposal))

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    mincho = [row for row in rows if row[0].endswith("+IPAexMincho")]
    assert mincho, fonts.stdout
    assert all(row[-5:-3] == ["yes", "yes"] for row in mincho)  # embedded, subset
    assert all(row[-5] == "yes" for row in rows)  # no font left to the reader's machine
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "審査結果表" in text and "団体B" in text


def test_it_takes_a_score_sheet_of_more_than_a_thousand_fields(client, staff, proposal):
    from selection.forms import ScoreSheetForm
    from selection.models import Candidate, Criterion
    from tests.factories import PartnerFactory

    for n in range(17 - proposal.candidates.count()):
        Candidate.objects.create(selection=proposal, partner=PartnerFactory(name=f"応募{n}"))
    for n in range(30 - proposal.criteria.count()):
        Criterion.objects.create(
            selection=proposal, viewpoint="other", title=f"基準{n}", weight=1, max_score=5
        )
    reviewer = seat(proposal, staff)
    data = {"version": str(reviewer.version)}
    for candidate in proposal.candidates.all():
        for criterion in proposal.criteria.all():
            data[ScoreSheetForm.value_name(candidate.pk, criterion.pk)] = "3"
            data[ScoreSheetForm.comment_name(candidate.pk, criterion.pk)] = "よい"
    assert len(data) > 1000
    client.force_login(staff)

    response = client.post(url("score_sheet", proposal, reviewer.pk), data)

    assert response.status_code == 302
    assert reviewer.scores.count() == 17 * 30
