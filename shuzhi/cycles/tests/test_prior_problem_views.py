"""Last year's problems of a cycle: /cycles/<id>/prior-problems/ (entry, .xlsx import, template)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from shuzhi.cycles.models import PriorProblem, PriorProblemKind
from shuzhi.cycles.tests.helpers import REQUIRED, audit_count, html, xlsx_bytes


def page_url(cycle, tail=""):
    return f"/cycles/{cycle.pk}/prior-problems/{tail}"


def test_org_dept_sees_the_problems_grouped_by_organisation(college, cycle, client_for):
    page = html(client_for(college.org_dept).get(page_url(cycle)))
    block = page.split(f'id="org-{college.branch_a1.pk}"')[1].split("</ol>")[0]
    assert "甲学院教工党支部" in block and "组织生活会质量不高" in block and "发展党员工作" in block


def test_org_dept_adds_a_problem_for_last_year(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(
        page_url(cycle),
        {"organization": college.branch_b1.pk, "kind": PriorProblemKind.COMMITMENT, "text": "年内完成支部标准化建设"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#org-{college.branch_b1.pk}")
    problem = PriorProblem.objects.get(organization=college.branch_b1)
    assert problem.year == 2025 and problem.kind == PriorProblemKind.COMMITMENT
    assert audit_count() == before + 1


def test_bad_entry_is_explained_kept_and_nothing_is_written(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(
        page_url(cycle), {"organization": college.branch_b1.pk, "kind": "", "text": "保留这段文字"}
    )
    page = html(response)
    assert response.status_code == 200 and REQUIRED in page and "保留这段文字" in page
    assert PriorProblem.objects.count() == 2 and audit_count() == before


def test_an_organisation_id_not_offered_is_refused(college, cycle, client_for):
    response = client_for(college.org_dept).post(
        page_url(cycle), {"organization": college.committee.pk, "kind": "notified", "text": "给党委的问题"}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in html(response)
    assert not PriorProblem.objects.filter(text="给党委的问题").exists()


@pytest.mark.parametrize("who", ["committee_member", "gb_a_secretary", "branch_a1_secretary"])
def test_only_the_org_dept_enters_problems(college, cycle, client_for, who):
    client = client_for(getattr(college, who))
    before = audit_count()
    assert client.get(page_url(cycle)).status_code == 403
    assert (
        client.post(
            page_url(cycle), {"organization": college.branch_a1.pk, "kind": "notified", "text": "越权"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            page_url(cycle, "import/"), {"file": xlsx_bytes([["甲学院教工党支部", "通报问题", "越权"]])}
        ).status_code
        == 403
    )
    assert client.get(page_url(cycle, "template.xlsx")).status_code == 403
    assert PriorProblem.objects.count() == 2 and audit_count() == before


def test_someone_without_a_review_gets_404(college, cycle, client_for):
    client = client_for(college.outsider)
    assert client.get(page_url(cycle)).status_code == 404
    assert (
        client.post(
            page_url(cycle), {"organization": college.branch_a1.pk, "kind": "notified", "text": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            page_url(cycle, "import/"), {"file": xlsx_bytes([["甲学院教工党支部", "通报问题", "x"]])}
        ).status_code
        == 404
    )
    assert client.get(page_url(cycle, "template.xlsx")).status_code == 404
    assert PriorProblem.objects.count() == 2


def test_org_dept_imports_problems_and_a_second_import_changes_nothing(college, cycle, client_for):
    rows = [
        ["甲学院学生党支部", "通报问题", "主题党日活动形式单一"],
        ["乙学院教工党支部", "整改承诺", "每季度开展一次调研"],
        ["甲学院教工党支部", "查摆问题", "发展党员工作中对青年教师关注不够"],
    ]  # already on record
    client = client_for(college.org_dept)
    response = client.post(page_url(cycle, "import/"), {"file": xlsx_bytes(rows)}, follow=True)
    expected = _("Imported: %(created)d new problems, %(unchanged)d already on record.") % {
        "created": 2,
        "unchanged": 1,
    }
    assert expected in html(response)
    assert PriorProblem.objects.filter(year=2025).count() == 4
    before = audit_count()
    client.post(page_url(cycle, "import/"), {"file": xlsx_bytes(rows)})
    assert PriorProblem.objects.count() == 4 and audit_count() == before


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_row(college, cycle, client_for):
    rows = [
        ["甲学院学生党支部", "通报问题", "这一行没问题"],
        ["不存在的党支部", "通报问题", "组织名称错"],
        ["乙学院教工党支部", "意见", "类型错"],
        ["乙学院教工党支部", "整改承诺", ""],
        ["学校党委", "通报问题", "党委不述职"],
    ]
    before = audit_count()
    response = client_for(college.org_dept).post(page_url(cycle, "import/"), {"file": xlsx_bytes(rows)})
    page = html(response)
    table = page.split('id="import-problem-list"')[1].split("</table>")[0]
    assert "<td>3</td><td>组织名称</td>" in table
    assert "<td>4</td><td>类型</td>" in table
    assert "<td>5</td><td>问题</td>" in table
    assert "<td>6</td><td>组织名称</td>" in table
    assert "<td>2</td>" not in table
    assert PriorProblem.objects.count() == 2 and audit_count() == before


@pytest.mark.parametrize("content", [b"just text, renamed to .xlsx", b"PK\x03\x04 not really a zip"])
def test_a_file_that_is_not_a_workbook_is_refused(college, cycle, client_for, content):
    upload = SimpleUploadedFile("problems.xlsx", content)
    response = client_for(college.org_dept).post(page_url(cycle, "import/"), {"file": upload})
    assert response.status_code == 200 and "form-error" in html(response)
    assert PriorProblem.objects.count() == 2


def test_a_zip_that_is_not_a_workbook_is_refused(college, cycle, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是表格")
    response = client_for(college.org_dept).post(
        page_url(cycle, "import/"), {"file": SimpleUploadedFile("problems.xlsx", buffer.getvalue())}
    )
    assert _(
        "The file cannot be read as an Excel workbook (.xlsx). It may be damaged or another kind of "
        "file renamed to .xlsx. Download the template and fill it in."
    ) in html(response)


def test_a_workbook_without_the_headers_is_refused(college, cycle, client_for):
    response = client_for(college.org_dept).post(
        page_url(cycle, "import/"),
        {"file": xlsx_bytes([["甲学院学生党支部", "通报问题", "x"]], headers=("名称", "类", "文"))},
    )
    assert "组织名称、类型、问题" in html(response)
    assert PriorProblem.objects.count() == 2


def test_a_file_over_2_mb_is_refused(college, cycle, client_for):
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))
    response = client_for(college.org_dept).post(page_url(cycle, "import/"), {"file": upload})
    assert "2 MB" in html(response) and PriorProblem.objects.count() == 2


def test_more_than_2000_rows_is_refused(college, cycle, client_for):
    rows = [["甲学院学生党支部", "通报问题", f"问题{i}"] for i in range(2001)]
    response = client_for(college.org_dept).post(page_url(cycle, "import/"), {"file": xlsx_bytes(rows)})
    assert "2000" in html(response) and PriorProblem.objects.count() == 2


def test_the_template_has_the_headers_and_the_organisations(college, cycle, client_for):
    response = client_for(college.org_dept).get(page_url(cycle, "template.xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == ["组织名称", "类型", "问题"]
    names = [row[0].value for row in wb["组织名称"].iter_rows(min_row=2)]
    assert "甲学院教工党支部" in names and "学校党委" not in names


def test_the_filled_in_template_imports(college, cycle, client_for):
    client = client_for(college.org_dept)
    wb = load_workbook(io.BytesIO(client.get(page_url(cycle, "template.xlsx")).content))
    wb.worksheets[0].append(["机关直属党支部", "通报问题", "理论学习深度不够"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client.post(page_url(cycle, "import/"), {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    assert PriorProblem.objects.filter(organization=college.direct, year=2025).count() == 1


def test_secretary_reads_only_their_own_organisations_problems_when_preparing(college, cycle, client_for):
    from conftest import review_of

    page_b1 = html(
        client_for(college.branch_b1_secretary).get(
            f"/cycles/review/{review_of(cycle, college.branch_b1).pk}/preparation/"
        )
    )
    assert "组织生活会质量不高" not in page_b1


def test_imported_rows_are_recorded_like_rows_entered_one_by_one(college, cycle, client_for):
    from shuzhi.audit.models import AuditEvent

    client = client_for(college.org_dept)
    client.post(page_url(cycle), {"organization": college.branch_b1.pk, "kind": "notified", "text": "逐条录入"})
    client.post(page_url(cycle, "import/"), {"file": xlsx_bytes([["乙学院教工党支部", "通报问题", "批量导入"]])})
    entered, imported = (AuditEvent.objects.filter(object_type="cycles.priorproblem").order_by("-id")[:2])[::-1]

    def shape(event):
        return (event.action, event.actor_id, event.organization_id, sorted(event.after), event.after["year"])

    assert shape(entered) == shape(imported)
    assert imported.object_repr == "批量导入" and imported.object_id == str(
        PriorProblem.objects.get(text="批量导入").pk
    )


def test_organisations_are_offered_and_listed_in_tree_order(college, cycle, client_for):
    """学校党委 → each 党总支 with its 党支部 → the 直属党支部 (orgs.tree), not by name or sort order alone."""
    from shuzhi.cycles import services

    for org in (college.direct, college.branch_b1, college.gb_a, college.gb_b):
        services.add_prior_problem(
            "test", organization=org, year=cycle.year - 1, kind=PriorProblemKind.NOTIFIED, text=f"{org.name}的问题"
        )
    page = html(client_for(college.org_dept).get(page_url(cycle)))
    tree = [college.gb_b, college.branch_b1, college.gb_a, college.branch_a2, college.branch_a1, college.direct]
    select = page.split('name="organization"')[1].split("</select>")[0]
    offered = [chunk.split(">", 1)[1].split("<")[0] for chunk in select.split("<option")[2:]]
    assert offered == [org.name for org in tree]
    listed = [page.index(f'id="org-{org.pk}"') for org in tree if org != college.branch_a2]  # 甲学生 has none
    assert listed == sorted(listed)


def test_the_template_lists_formula_looking_organisation_names_as_literal_text(tmp_path):
    from shuzhi.core.tests.office import convert_with_libreoffice, pdf_text, squeeze
    from shuzhi.cycles import prior_import

    names = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-1+1", "\t=1+1"]
    data = prior_import.build_template(names)
    ws = load_workbook(io.BytesIO(data))[prior_import.SHEET_ORGS]
    cells = [ws.cell(row=n, column=1) for n in range(2, 2 + len(names))]
    assert [c.value for c in cells] == names
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    text = squeeze(pdf_text(convert_with_libreoffice(path)))
    assert squeeze('=HYPERLINK("http://x","y")') in text and squeeze("+1+1") in text


def test_an_old_xls_file_gets_the_advice_to_save_it_as_xlsx(college, cycle, client_for):
    upload = SimpleUploadedFile("problems.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    response = client_for(college.org_dept).post(page_url(cycle, "import/"), {"file": upload})
    assert _(
        "This is an old-style Excel file (.xls) or a password-protected workbook. Save it as an "
        "Excel workbook (.xlsx) without a password and upload it again."
    ) in html(response)
    assert PriorProblem.objects.count() == 2
