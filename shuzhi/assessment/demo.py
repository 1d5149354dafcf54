"""The demo's daily checks (make demo): a few checks of the year by the org dept, a 党总支's secretary and a
committee member named inspector — one done partly by reading documents (not the preferred way), and
one draft left unfinished — recorded through the services, as real use would."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from shuzhi.assessment import services
from shuzhi.orgs.models import Organization, Person

ACTOR = "seed_demo"

CHECKS = [
    # recorder's 工号, organisation, month-day, place, methods, seen, heard, scores, record
    (
        "10001",
        "信息工程学院党总支",
        (4, 16),
        "信息工程学院党员活动室",
        ["on_site", "people"],
        "党员活动室按标准布置，有本学期“三会一课”计划和主题党日照片墙；总支委员会分工表上墙，与实际分工一致。",
        "两名青年教师党员说总支每月组织一次“党建+专业”研讨，对课程思政有帮助；学生党员希望多组织志愿服务。",
        [27, 26, 22, 11],
        True,
    ),
    (
        "10002",
        "机关第一党支部",
        (6, 11),
        "行政楼二楼会议室",
        ["on_site", "documents"],
        "旁听了支部党员大会，议题聚焦机关作风建设；支部品牌“机关先锋岗”有具体岗位和服务承诺。",
        "办事的教师说窗口服务比去年快，但个别科室答复时限不明确。",
        [25, 24, 21, 9],
        True,
    ),
    (
        "20001",
        "信息工程学院教工第一党支部",
        (5, 20),
        "计算机实训中心",
        ["concrete", "people"],
        "支部组织党员教师轮值实训室晚间开放，现场有值班表和学生签到；支部书记讲党课的讲稿与课件齐全。",
        "学生说晚间开放后实训时间够了；有教师反映支部活动与教学时间冲突。",
        [26, 25, 20, 10],
        True,
    ),
    (
        "20001",
        "信息工程学院教工第一党支部",
        (10, 28),
        "软件技术教研室",
        ["on_site", "ledgers"],
        "查看了组织生活会会前谈心谈话记录，覆盖全部党员；发展党员档案材料规范。",
        "",
        [24, 23, 22, 12],
        True,
    ),
    (
        "20001",
        "信息工程学院教工第二党支部",
        (11, 18),
        "教工第二党支部活动室",
        ["on_site"],
        "活动室正在布置，党员先锋岗公示牌还未更新。",
        "",
        [22, None, None, None],
        False,
    ),
]


def add_demo_checks(cycle) -> int:
    """Name the demo's committee member (工号 10002) inspector of the cycle and record CHECKS in the
    cycle's year (dates not after today); returns how many checks were made."""
    today = timezone.localdate()
    users = {p.staff_no: p.user for p in Person.objects.filter(staff_no__in={c[0] for c in CHECKS})}
    org_dept = users["10001"]
    services.name_inspector(org_dept, cycle, Person.objects.get(staff_no="10002"))
    indicators = services.indicators_of(cycle)
    made = 0
    for staff_no, org_name, (month, day), place, methods, seen, heard, scores, record in CHECKS:
        organization = Organization.objects.get(name=org_name)
        data = services.CheckInput(
            date=min(datetime.date(cycle.year, month, day), today),
            place=place,
            methods=methods,
            seen=seen,
            heard=heard,
            scores={
                indicator.pk: services.ScoreInput(
                    score=None if value is None else Decimal(value),
                    reason=""
                    if value is None
                    else ("基本到位，" if value >= indicator.points * Decimal("0.8") else "有差距：")
                    + indicator.guidance[:30],
                )
                for indicator, value in zip(indicators, scores, strict=True)
            },
        )
        services.save_check(
            users[staff_no],
            cycle=cycle,
            organization=organization,
            data=data,
            form_token=secrets.token_urlsafe(16),
            to_record=record,
        )
        made += 1
    return made
