"""测评结果统计表 (.xlsx): opens with openpyxl with the right headers and values, and in LibreOffice."""

import io
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from shuzhi.voting import services, views
from shuzhi.voting.services import BallotInput


def xlsx_url(survey) -> str:
    return f"/meetings/{survey.meeting_id}/vote/{survey.pk}/results.xlsx"


def convert_with_libreoffice(path: Path, fmt: str = "pdf") -> Path:
    """The shared helper when it exists; otherwise LibreOffice headless with a throw-away profile."""
    try:
        from shuzhi.core.tests.office import convert_with_libreoffice as shared
    except ImportError:
        shared = None
    if shared is not None:
        return shared(path, fmt=fmt)
    outdir = Path(tempfile.mkdtemp(prefix="lo-out-"))
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                "libreoffice",
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=True,
            timeout=120,
            capture_output=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    result = outdir / (path.stem + "." + fmt)
    assert result.exists(), f"LibreOffice produced no {fmt}"
    return result


@pytest.fixture
def closed(college, survey):
    first, second = (str(p["review"]) for p in survey.presenters[:2])
    services.cast_ballot(
        survey.pk,
        survey.test_codes[0],
        BallotInput({first: "satisfied", second: "basic"}, {}, {first: '=HYPERLINK("http://x")'}, "会风很好"),
    )
    services.cast_ballot(
        survey.pk,
        survey.test_codes[1],
        BallotInput({first: "satisfied", second: "unsatisfied"}, {}, {second: "加强理论学习"}),
    )
    services.cast_ballot(survey.pk, survey.test_codes[2], BallotInput({first: "basic"}, {}, {}))
    return services.close_survey(college.org_dept, survey)


def download(client, survey):
    response = client.get(xlsx_url(survey))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_results_table_has_the_chinese_headers_and_the_right_values(college, closed, client_for):
    wb = load_workbook(io.BytesIO(download(client_for(college.org_dept), closed)))
    assert wb.sheetnames == ["测评结果统计表", "意见建议"]
    ws = wb["测评结果统计表"]
    assert closed.meeting.title in ws["A1"].value and "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert closed.meeting.place in ws["A2"].value
    assert "发放测评码 10 个" in ws["A3"].value and "收回测评票 3 张" in ws["A3"].value
    headers = [c.value for c in ws[4]]
    assert headers == [
        "序号",
        "述职人",
        "所在党组织",
        "满意",
        "基本满意",
        "不满意",
        "未评价",
        "有效票",
        "满意率",
        "得分",
        "发放测评码",
    ]
    assert all(c.font.bold and c.border.left.style == "thin" for c in ws[4])
    first = [c.value for c in ws[5]]
    assert first[:8] == [1, closed.presenters[0]["name"], closed.presenters[0]["org"], 2, 1, 0, 0, 3]
    assert first[8] == pytest.approx(1.0) and ws["I5"].number_format == "0.0%"
    assert first[9] == pytest.approx(86.67) and ws["J5"].number_format == "0.00"
    assert first[10] == 10
    second = [c.value for c in ws[6]]
    assert second[3:7] == [0, 1, 1, 1] and second[8] == pytest.approx(0.5) and second[9] == pytest.approx(30.0)
    assert ws.freeze_panes == "A5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert any(_(views.FORMULA) in str(c.value or "") for c in ws["A"])


def test_suggestions_sheet_holds_every_suggestion_as_text(college, closed, client_for):
    wb = load_workbook(io.BytesIO(download(client_for(college.org_dept), closed)))
    ws = wb["意见建议"]
    assert [c.value for c in ws[2]] == ["序号", "述职人", "所在党组织", "意见建议", "来源"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    texts = {row[3] for row in rows}
    assert texts == {'=HYPERLINK("http://x")', "加强理论学习", "会风很好"}
    formula_cell = next(c for row in ws.iter_rows(min_row=3) for c in row if c.value == '=HYPERLINK("http://x")')
    assert formula_cell.data_type == "s"  # typed by a voter: data, never a formula
    assert [r[1] for r in rows if r[3] == "会风很好"] == ["总体意见建议"]
    assert {r[4] for r in rows} == {"有效票"}


def test_suggestions_on_void_and_set_aside_ballots_are_listed_last_and_labelled(college, mixed, client_for):
    wb = load_workbook(io.BytesIO(download(client_for(college.org_dept), mixed)))
    rows = [[c.value for c in row] for row in wb["意见建议"].iter_rows(min_row=3)]
    first, second, third = (p["name"] for p in mixed.presenters)
    valid, void, flagged = "有效票", "无效票（未计入测评结果）", "存疑票（单独统计，未计入得分）"
    assert [(r[1], r[3], r[4]) for r in rows] == [
        (first, "乙：多下基层", valid),
        (first, "甲：注重实效", valid),
        (second, "丙：加强学习", valid),
        *(("总体意见建议", text, valid) for text in sorted(["会风很好", "安排紧凑"])),
        (first, "无效票上的意见", void),
        ("总体意见建议", "无效票上的总体意见", void),
        (third, "存疑票上的意见", flagged),
        ("总体意见建议", "存疑票上的总体意见", flagged),
    ]
    assert [r[0] for r in rows] == list(range(1, 10))
    notes = [c.value for c in wb["测评结果统计表"]["A"] if c.value]
    assert any("无效票、存疑票上的意见建议" in str(note) for note in notes)


def test_results_table_converts_with_libreoffice(college, closed, client_for, tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(download(client_for(college.org_dept), closed))
    pdf = convert_with_libreoffice(path)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_categories_and_items_get_their_own_sheets(college, meeting, client_for):
    draft = services.create_survey(college.org_dept, meeting)
    leaders, staff = services.set_categories(college.org_dept, draft, [("校领导", 30), ("教职工", 70)])
    services.set_survey_form(college.org_dept, draft, {"items": [{"key": "duty", "label": "履行第一责任人职责"}]})
    leader_code = services.issue_codes(college.org_dept, draft, 1, category=leaders)[0]
    staff_code = services.issue_codes(college.org_dept, draft, 1, category=staff)[0]
    services.open_survey(college.org_dept, draft)
    draft.refresh_from_db()
    first = str(draft.presenters[0]["review"])
    services.cast_ballot(draft.pk, leader_code, BallotInput({first: "satisfied"}, {first: {"duty": "basic"}}, {}))
    services.cast_ballot(draft.pk, staff_code, BallotInput({first: "unsatisfied"}, {}, {}))
    services.close_survey(college.org_dept, draft)
    wb = load_workbook(io.BytesIO(download(client_for(college.org_dept), draft)))
    assert wb.sheetnames == ["测评结果统计表", "分类别统计", "分项评价", "意见建议"]
    assert wb["测评结果统计表"]["J5"].value == pytest.approx(30.0)  # 30% × 100 + 70% × 0
    by_category = [[c.value for c in row] for row in wb["分类别统计"].iter_rows(min_row=2, max_row=3)]
    assert by_category[0][:3] == [draft.presenters[0]["name"], "校领导", 30.0]
    assert by_category[1][:3] == [draft.presenters[0]["name"], "教职工", 70.0]
    assert wb["分项评价"]["B2"].value == "履行第一责任人职责" and "基本满意：1" in wb["分项评价"]["D2"].value
    page = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/vote/{draft.pk}/results/").content.decode()
    assert "校领导" in page and "履行第一责任人职责" in page


PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-1+1"]


@pytest.fixture
def injected(college, survey):
    """A closed vote whose presenter and organisation names and every suggestion look like formulas."""
    survey.presenters[0]["name"], survey.presenters[0]["org"] = "@SUM(A1)", "+1+1"
    survey.save(update_fields=["presenters"])
    first = str(survey.presenters[0]["review"])
    for code, text in zip(survey.test_codes, PAYLOADS, strict=False):
        services.cast_ballot(survey.pk, code, BallotInput({first: "satisfied"}, {}, {first: text}, text))
    return services.close_survey(college.org_dept, survey)


def test_names_and_suggestions_that_look_like_formulas_stay_literal_text(college, injected, client_for, tmp_path):
    data = download(client_for(college.org_dept), injected)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    found = {c.value for c in cells if c.value in PAYLOADS}
    assert found == set(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells if c.value in PAYLOADS)
    path = tmp_path / "results.xlsx"
    path.write_bytes(data)
    from shuzhi.core.tests.office import pdf_text, squeeze

    text = squeeze(pdf_text(convert_with_libreoffice(path)))
    assert squeeze("@SUM(A1)") in text and squeeze("+1+1") in text


def test_the_ballot_archive_keeps_formula_looking_text_literal(college, injected, client_for, tmp_path):
    response = client_for(college.org_dept).get(
        f"/meetings/{injected.meeting_id}/vote-design/{injected.pk}/archive.xlsx"
    )
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    literal = [c for c in cells if c.value in PAYLOADS]
    assert {c.value for c in literal} == set(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for c in literal)
    path = tmp_path / "archive.xlsx"
    path.write_bytes(response.content)
    from shuzhi.core.tests.office import pdf_text, squeeze

    text = squeeze(pdf_text(convert_with_libreoffice(path)))
    assert squeeze('=HYPERLINK("http://x","y")') in text and squeeze("@SUM(A1)") in text
