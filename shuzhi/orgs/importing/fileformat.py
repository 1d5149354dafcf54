"""The import file's format: sheet and column names, the labels of choices, and the size limits.

They are the file format, which is Chinese: plain literals, not translated.
"""

from __future__ import annotations

from shuzhi.core import inputs, spreadsheets
from shuzhi.orgs.models import Gender, OrgKind, PositionRole

SHEET_ORGS = "组织"
SHEET_PEOPLE = "人员"
SHEET_POSITIONS = "职务"
SHEET_HELP = "填写说明"

COL_ORG_NAME = "组织名称"
COL_ORG_KIND = "组织类型"
COL_ORG_PARENT = "上级组织"
COL_ORG_SORT = "排序"
COL_NAME = "姓名"
COL_STAFF_NO = "工号"
COL_PHONE = "手机号"
COL_GENDER = "性别"
COL_PARTY = "是否党员"
COL_ROLE = "职务"
COL_START = "任职开始日期"
COL_END = "任职结束日期"

HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_ORGS: (COL_ORG_NAME, COL_ORG_KIND, COL_ORG_PARENT, COL_ORG_SORT),
    SHEET_PEOPLE: (COL_NAME, COL_STAFF_NO, COL_PHONE, COL_GENDER, COL_PARTY),
    SHEET_POSITIONS: (COL_STAFF_NO, COL_ORG_NAME, COL_ROLE, COL_START, COL_END),
}
SHEETS: tuple[str, ...] = tuple(HEADERS)

KIND_BY_LABEL: dict[str, str] = {
    "党委": OrgKind.COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "直属党支部": OrgKind.DIRECT_BRANCH,
}
ROLE_BY_LABEL: dict[str, str] = {
    "书记": PositionRole.SECRETARY,
    "副书记": PositionRole.DEPUTY_SECRETARY,
    "委员": PositionRole.MEMBER,
    "组织员": PositionRole.ORGANIZER,
    "组织统战部工作人员": PositionRole.ORG_DEPT_STAFF,
}
GENDER_BY_LABEL: dict[str, str] = {"男": Gender.MALE, "女": Gender.FEMALE}
YES_NO: dict[str, bool] = {"是": True, "否": False}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# Rows read in all, empty ones included: a guard against files padded with millions of empty rows.
MAX_SCANNED_ROWS = 100_000
# The workbook's parts unpacked: a guard against compressed "zip bombs" (a full 20,000-row file is ~10 MB).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Headers are looked for in the first columns only; columns further right are ignored.
MAX_COLUMNS = 30
MAX_SORT_ORDER = inputs.MAX_SORT_ORDER  # the same limit as the pages and the API

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
