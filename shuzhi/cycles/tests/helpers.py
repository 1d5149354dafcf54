"""Small helpers shared by the cycle page tests."""

from __future__ import annotations

import io

from shuzhi.audit.models import AuditEvent

REQUIRED = "这个字段是必填项。"  # Django's own zh_Hans message for a required field


def audit_count() -> int:
    return AuditEvent.objects.count()


def html(response) -> str:
    return response.content.decode()


def add_branches(college, count: int, *, prefix: str = "丙") -> list:
    """`count` more 党支部 under 乙学院党总支, each with a secretary."""
    from conftest import START
    from shuzhi.orgs import services
    from shuzhi.orgs.models import OrgKind, PositionRole

    orgs = []
    for i in range(count):
        org = services.create_organization(
            "test", name=f"{prefix}党支部{i:02d}", kind=OrgKind.BRANCH, parent=college.gb_b
        )
        person = services.create_person(
            "test", name=f"{prefix}书记{i:02d}", staff_no=f"7{prefix.encode().hex()[:4]}{i:03d}"
        )
        services.appoint("test", person=person, organization=org, role=PositionRole.SECRETARY, start_date=START)
        orgs.append(org)
    return orgs


def xlsx_bytes(rows: list[list], *, headers=("组织名称", "类型", "问题"), sheet: str = "上年度问题") -> io.BytesIO:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if headers:
        ws.append(list(headers))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "problems.xlsx"
    return out
