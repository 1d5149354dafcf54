"""shuzhi.core.uploads, the one .xlsx upload reader: what it refuses, and with which words."""

import io
import zipfile

import pytest
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shuzhi.core import uploads
from shuzhi.core.uploads import XlsxLimits, XlsxUploadError

LIMITS = XlsxLimits(max_bytes=1024 * 1024, max_data_rows=100, max_scanned_rows=200, max_columns=5)


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def refusal(data: bytes, limits: XlsxLimits = LIMITS) -> str:
    with pytest.raises(XlsxUploadError) as error:
        uploads.open_xlsx(io.BytesIO(data), limits)
    return error.value.message


def test_a_workbook_opens_read_only_with_values():
    workbook = uploads.open_xlsx(xlsx([["组织名称"], ["甲"]]), LIMITS)
    try:
        assert [row[0] for row in uploads.sheet_rows(workbook.active, LIMITS)] == ["组织名称", "甲"]
    finally:
        workbook.close()


def test_an_empty_file_is_refused():
    assert refusal(b"") == _("The file is empty.")


def test_a_file_over_the_limit_is_refused_before_it_is_opened():
    assert "1 MB" in refusal(b"PK\x03\x04" + b"\0" * LIMITS.max_bytes)


def test_an_old_xls_or_encrypted_workbook_gets_advice_to_save_as_xlsx():
    assert ".xlsx" in refusal(uploads.OLE_MAGIC + b"\0" * 600) and ".xls" in refusal(uploads.OLE_MAGIC + b"\0")


def test_text_renamed_to_xlsx_is_refused():
    assert refusal("姓名,工号\n张三,80001\n".encode()) == _(
        "This is not an Excel workbook (.xlsx). Download the template and fill it in."
    )


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", None])
def test_a_damaged_zip_or_a_zip_that_is_not_a_workbook_is_refused(data):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "不是表格")
        data = buffer.getvalue()
    assert refusal(data) == uploads.unreadable_message()


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    small = XlsxLimits(
        max_bytes=LIMITS.max_bytes, max_data_rows=100, max_scanned_rows=200, max_unpacked_bytes=1_000_000
    )
    assert len(buffer.getvalue()) < 100_000
    assert refusal(buffer.getvalue(), small) == _(
        "The workbook is too large when unpacked; at most %(max)d data rows can be imported at a time."
    ) % {"max": 100}


def test_a_sheet_padded_with_empty_rows_is_refused_while_reading():
    rows = [["组织名称"], *([["x"]] * 10), *([[None, None, "", None]] * 300)]
    workbook = uploads.open_xlsx(xlsx(rows), LIMITS)
    try:
        with pytest.raises(XlsxUploadError) as error:
            list(uploads.sheet_rows(workbook.active, LIMITS))
    finally:
        workbook.close()
    assert "200" in error.value.message and "100" in error.value.message


def test_the_row_budget_is_shared_by_the_sheets_of_one_file():
    budget = uploads.RowBudget()
    for _round in range(2):
        workbook = uploads.open_xlsx(xlsx([["h"], *([["x"]] * 150)]), LIMITS)
        try:
            if _round == 0:
                list(uploads.sheet_rows(workbook.active, LIMITS, budget))
            else:
                with pytest.raises(XlsxUploadError):
                    list(uploads.sheet_rows(workbook.active, LIMITS, budget))
        finally:
            workbook.close()
