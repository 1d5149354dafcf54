"""The blank import template (.xlsx) with its instructions sheet and data validation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shuzhi.core import spreadsheets
from shuzhi.orgs.importing.fileformat import (
    COL_END,
    COL_GENDER,
    COL_NAME,
    COL_ORG_KIND,
    COL_ORG_NAME,
    COL_ORG_PARENT,
    COL_ORG_SORT,
    COL_PARTY,
    COL_PHONE,
    COL_ROLE,
    COL_STAFF_NO,
    COL_START,
    GENDER_BY_LABEL,
    HEADERS,
    KIND_BY_LABEL,
    MAX_DATA_ROWS,
    MAX_SORT_ORDER,
    MAX_UPLOAD_BYTES,
    ROLE_BY_LABEL,
    SHEET_HELP,
    SHEET_ORGS,
    SHEET_PEOPLE,
    SHEET_POSITIONS,
    YES_NO,
)

_TEMPLATE_ROWS = MAX_DATA_ROWS + 1  # data validation covers every row a file may have


def _help_lines() -> list[str]:
    choices = {
        "orgs": SHEET_ORGS,
        "people": SHEET_PEOPLE,
        "positions": SHEET_POSITIONS,
        "kinds": "、".join(KIND_BY_LABEL),
        "roles": "、".join(ROLE_BY_LABEL),
    }
    return [
        _("How to fill in this template"),
        _(
            "Fill in the sheets 「%(orgs)s」, 「%(people)s」 and 「%(positions)s」 from the second row down. Do not "
            "rename the sheets or change the header rows. A sheet with nothing to import may stay empty."
        )
        % choices,
        _(
            "Every row is checked first. If any row has a problem nothing is saved, and the import page lists "
            "each problem with its sheet, row and column."
        ),
        _(
            "Importing the same file again changes nothing. Organisations are matched by name, people by staff "
            "number, and positions by staff number, organisation, position and start date; a changed row "
            "updates what is in the system. Nothing is deleted."
        ),
        _(
            "「%(orgs)s」: the kind is one of %(kinds)s. Every organisation except the Party committee needs a "
            "parent organisation, either in this sheet or already in the system: a general branch or a direct "
            "branch sits under the Party committee, a branch under a general branch. The sort order is a whole "
            "number; smaller numbers come first."
        )
        % choices,
        _(
            "「%(people)s」: the staff number is also the user name of the person's login. Keep the staff number "
            "and phone columns as text so leading zeros are kept. Gender is 男 or 女 and may be left empty; "
            "Party member is 是 or 否, empty meaning 是."
        )
        % choices,
        _(
            "「%(positions)s」: the staff number must be in 「%(people)s」 or already in the system, and the "
            "organisation in 「%(orgs)s」 or in the system. The position is one of %(roles)s. Write dates like "
            "2024-09-01 and leave the end date empty while the term runs. An organisation has at most one "
            "secretary at a time; to record a new secretary, also enter the end date of the previous one."
        )
        % choices,
        _(
            "New people get a login whose user name is their staff number and whose password is the initial "
            "password entered on the import page; they must change it when they first log in. Existing "
            "logins are not changed."
        ),
        _("At most %(rows)d data rows and %(mb)d MB per file.")
        % {"rows": MAX_DATA_ROWS, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
    ]


def build_template() -> bytes:
    """The blank import workbook: the three data sheets with bold, frozen Chinese headers, column
    widths, text format for 工号 and 手机号, dropdowns for the choice columns and date checks, and a
    fourth sheet 「填写说明」 with the instructions. No example rows, so it imports as nothing to do."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    widths = {
        COL_ORG_NAME: 32,
        COL_ORG_KIND: 14,
        COL_ORG_PARENT: 32,
        COL_ORG_SORT: 8,
        COL_NAME: 14,
        COL_STAFF_NO: 16,
        COL_PHONE: 18,
        COL_GENDER: 8,
        COL_PARTY: 10,
        COL_ROLE: 22,
        COL_START: 16,
        COL_END: 16,
    }
    lists = {
        COL_ORG_KIND: list(KIND_BY_LABEL),
        COL_GENDER: list(GENDER_BY_LABEL),
        COL_PARTY: list(YES_NO),
        COL_ROLE: list(ROLE_BY_LABEL),
    }
    workbook = spreadsheets.new_workbook()
    for sheet_name, headers in HEADERS.items():
        sheet = spreadsheets.add_sheet(workbook, sheet_name)
        spreadsheets.header_row(sheet, 1, [(header, widths[header]) for header in headers], height=None)
        sheet.freeze_panes = "A2"
        spreadsheets.print_setup(sheet, header_row=1)
        for index, header in enumerate(headers, start=1):
            letter = get_column_letter(index)
            area = f"{letter}2:{letter}{_TEMPLATE_ROWS}"
            if header in (COL_STAFF_NO, COL_PHONE):
                sheet.column_dimensions[letter].number_format = "@"
            if header in lists:
                check = DataValidation(
                    type="list",
                    formula1='"' + ",".join(lists[header]) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=header,
                    error=_("Choose one of: %(choices)s") % {"choices": "、".join(lists[header])},
                )
            elif header in (COL_START, COL_END):
                sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
                check = DataValidation(
                    type="date",
                    operator="between",
                    formula1="DATE(1921,1,1)",
                    formula2="DATE(2100,12,31)",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=header,
                    error=_("Enter a date like 2024-09-01."),
                )
            elif header == COL_ORG_SORT:
                check = DataValidation(
                    type="whole",
                    operator="between",
                    formula1="0",
                    formula2=str(MAX_SORT_ORDER),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=header,
                    error=_("The sort order is a whole number from 0 to %(max)d.") % {"max": MAX_SORT_ORDER},
                )
            else:
                continue
            check.add(area)
            sheet.add_data_validation(check)
    help_sheet = spreadsheets.add_sheet(workbook, SHEET_HELP)
    help_sheet.column_dimensions["A"].width = 110
    for number, line in enumerate(_help_lines(), start=1):
        cell = spreadsheets.put(help_sheet.cell(row=number, column=1), line)
        cell.font = spreadsheets.font(size=14, bold=True) if number == 1 else spreadsheets.font()
        if number > 1:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    spreadsheets.print_setup(help_sheet, header_row=None, landscape=False)
    return spreadsheets.to_bytes(workbook)


TEMPLATE_FILE_NAME = "组织人员职务导入模板.xlsx"
