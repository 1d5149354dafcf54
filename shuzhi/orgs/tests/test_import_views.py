"""The import page and the template download: access, CSRF, messages on the page, the template itself."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs import importing
from shuzhi.orgs.models import Organization, Person
from shuzhi.orgs.tests.test_import import GOOD_ORGS, GOOD_PEOPLE, GOOD_POSITIONS, PASSWORD, db_state, make_xlsx

IMPORT_URL = "/orgs/import/"
TEMPLATE_URL = "/orgs/import/template.xlsx"


def upload(file: io.BytesIO, name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, file.getvalue(), content_type=importing.XLSX_CONTENT_TYPE)


def post_file(client, file: io.BytesIO, password: str = PASSWORD, name: str = "import.xlsx"):
    return client.post(IMPORT_URL, {"file": upload(file, name), "initial_password": password})


def good_file() -> io.BytesIO:
    return make_xlsx(GOOD_ORGS, GOOD_PEOPLE, GOOD_POSITIONS)


def problem_rows(html: str) -> list[list[str]]:
    """The cells of the problems table, row by row."""
    table = re.search(r'<table class="problems">(.*?)</table>', html, re.S)
    assert table, "no problems table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["gb_a_secretary", "branch_a1_secretary", "committee_member", "direct_secretary", "outsider"]
)
def test_only_managers_may_open_the_page_download_the_template_or_import(college, client_for, who):
    client = client_for(getattr(college, who))
    before = db_state()
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert post_file(client, good_file()).status_code == 403
    assert db_state() == before


def test_anonymous_visitors_are_sent_to_the_login_page(college, client):
    assert client.get(IMPORT_URL).status_code == 302
    assert client.get(TEMPLATE_URL).status_code == 302
    assert client.post(IMPORT_URL, {"file": upload(good_file()), "initial_password": PASSWORD}).status_code == 302
    assert not Person.objects.filter(staff_no="80001").exists()


def test_the_upload_needs_the_csrf_token(college):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.org_dept)
    before = db_state()
    assert post_file(client, good_file()).status_code == 403
    assert db_state() == before


def test_managers_see_the_import_in_the_navigation_and_on_the_home_page(college, client_for):
    html = client_for(college.org_dept).get("/").content.decode()
    assert html.count(f'href="{IMPORT_URL}"') == 2


def test_others_do_not_see_the_import(college, client_for):
    html = client_for(college.gb_a_secretary).get("/").content.decode()
    assert IMPORT_URL not in html


# --- The page -------------------------------------------------------------------------------------


def test_the_page_shows_the_form_and_the_template_link(college, client_for):
    response = client_for(college.org_dept).get(IMPORT_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'type="file"' in html and 'type="password"' in html and TEMPLATE_URL in html
    assert "<script>" not in html and "style=" not in html


def test_a_good_file_is_imported_through_the_page(college, client_for):
    client = client_for(college.org_dept)
    response = post_file(client, good_file(), name="组织人员.xlsx")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-summary"' in html
    assert Organization.objects.filter(name="丙学院教工党支部").exists()
    person = Person.objects.get(staff_no="80001")
    assert person.user.check_password(PASSWORD) and person.user.must_change_password
    event = AuditEvent.objects.filter(action="import").get()
    assert event.object_repr == "组织人员.xlsx" and event.actor == college.org_dept and event.ip == "127.0.0.1"

    events = AuditEvent.objects.count()
    again = post_file(client, good_file())
    assert 'id="import-summary"' in again.content.decode() and AuditEvent.objects.count() == events


def test_problems_are_listed_with_sheet_row_column_and_reason_and_the_form_keeps_the_password(college, client_for):
    people = [*GOOD_PEOPLE, ("赵六", "80009", "电话号码", "男", "是")]
    before = db_state()
    response = post_file(client_for(college.org_dept), make_xlsx(GOOD_ORGS, people, GOOD_POSITIONS))
    html = response.content.decode()
    assert response.status_code == 200 and db_state() == before
    rows = problem_rows(html)
    assert len(rows) == 1
    sheet, row, column, reason = rows[0]
    assert (sheet, row, column) == ("人员", "5", "手机号") and reason.strip()
    assert f'value="{PASSWORD}"' in html  # the typed password is kept
    assert 'id="import-summary"' not in html


def test_the_problem_list_is_capped_with_the_total(college, client_for):
    people = [(f"人员{i}", f"7{i:04d}", "bad-phone", None, None) for i in range(250)]
    response = post_file(client_for(college.org_dept), make_xlsx(people=people))
    html = response.content.decode()
    assert len(problem_rows(html)) == 200
    assert "250" in html and "200" in html
    assert not Person.objects.filter(staff_no="70000").exists()


@pytest.mark.parametrize(
    "content, name",
    [
        (b"just some text", "people.xlsx"),
        (b"", "empty.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls"),
    ],
)
def test_a_bad_file_gets_a_message_on_the_form_and_changes_nothing(college, client_for, content, name):
    before = db_state()
    response = client_for(college.org_dept).post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, content), "initial_password": PASSWORD}
    )
    html = response.content.decode()
    assert response.status_code == 200 and db_state() == before
    assert 'class="errorlist' in html and f'value="{PASSWORD}"' in html


def test_a_missing_header_is_listed_with_its_sheet(college, client_for):
    headers = {importing.SHEET_ORGS: ("组织名称", "类型", "上级组织", "排序")}
    response = post_file(client_for(college.org_dept), make_xlsx(GOOD_ORGS, headers=headers))
    assert [row[:3] for row in problem_rows(response.content.decode())] == [["组织", "1", "组织类型"]]


def test_a_file_over_5_mb_is_refused_before_it_is_parsed(college, client_for, monkeypatch):
    def must_not_parse(file):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(importing.applying, "parse_workbook", must_not_parse)
    big = b"PK\x03\x04" + b"\0" * importing.MAX_UPLOAD_BYTES
    before = db_state()
    response = client_for(college.org_dept).post(
        IMPORT_URL, {"file": SimpleUploadedFile("big.xlsx", big), "initial_password": PASSWORD}
    )
    html = response.content.decode()
    assert response.status_code == 200 and db_state() == before
    assert "5 MB" in html


def test_a_weak_initial_password_is_refused_and_nothing_is_written(college, client_for):
    before = db_state()
    response = post_file(client_for(college.org_dept), good_file(), password="12345678")
    assert response.status_code == 200 and db_state() == before
    assert 'class="errorlist' in response.content.decode()


def test_the_initial_password_is_required(college, client_for):
    before = db_state()
    response = client_for(college.org_dept).post(IMPORT_URL, {"file": upload(good_file())})
    assert response.status_code == 200 and db_state() == before


# --- The template -------------------------------------------------------------------------------


def test_the_template_downloads_with_the_exact_headers(college, client_for):
    response = client_for(college.org_dept).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;") and ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["组织", "人员", "职务", "填写说明"]
    assert [c.value for c in workbook["组织"][1]] == ["组织名称", "组织类型", "上级组织", "排序"]
    assert [c.value for c in workbook["人员"][1]] == ["姓名", "工号", "手机号", "性别", "是否党员"]
    assert [c.value for c in workbook["职务"][1]] == ["工号", "组织名称", "职务", "任职开始日期", "任职结束日期"]
    for name in ("组织", "人员", "职务"):
        sheet = workbook[name]
        assert sheet.max_row == 1  # no example rows in the data area
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert all(sheet.column_dimensions[cell.column_letter].width >= 8 for cell in sheet[1])
    dropdowns = {
        (sheet, str(v.sqref).split(":")[0]): v.formula1
        for sheet in ("组织", "人员", "职务")
        for v in workbook[sheet].data_validations.dataValidation
        if v.type == "list"
    }
    assert dropdowns == {
        ("组织", "B2"): '"党委,党总支,党支部,直属党支部"',
        ("人员", "D2"): '"男,女"',
        ("人员", "E2"): '"是,否"',
        ("职务", "C2"): '"书记,副书记,委员,组织员,组织统战部工作人员"',
    }
    assert workbook["填写说明"].max_row > 3


def test_a_downloaded_template_filled_in_imports(college, client_for):
    client = client_for(college.org_dept)
    workbook = load_workbook(io.BytesIO(client.get(TEMPLATE_URL).content))
    for row in GOOD_ORGS:
        workbook["组织"].append(row)
    for row in GOOD_PEOPLE:
        workbook["人员"].append(row)
    for row in GOOD_POSITIONS:
        workbook["职务"].append(row)
    filled = io.BytesIO()
    workbook.save(filled)
    response = post_file(client, filled)
    assert 'id="import-summary"' in response.content.decode()
    assert Person.objects.filter(staff_no__in=["80001", "80002", "80003"]).count() == 3
    assert Organization.objects.get(name="丙学院学生党支部").parent.name == "丙学院党总支"
