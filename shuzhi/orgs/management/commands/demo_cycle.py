"""The demo's 2026 cycle: last year's problems, preparation and reports at different stages, and the
committee's review meeting with an open vote. Built through the services, like real use."""

from __future__ import annotations

import datetime

from django.utils import timezone

from shuzhi.cycles import services as cycles
from shuzhi.cycles.models import PreparationKind, PriorProblemKind, Review
from shuzhi.meetings import services as meetings
from shuzhi.orgs.models import Organization, OrgKind, Person
from shuzhi.reports import services as reports
from shuzhi.reports.services import ReportContent
from shuzhi.voting import services as voting

ACTOR = "seed_demo"

PRACTICES = """一是带头抓理论武装。本人全年为支部党员讲专题党课3次，围绕党的二十届三中全会精神组织集中学习12次，带领支部委员到红色教育基地开展主题党日2次。
二是履行第一责任人职责。我每季度主持召开一次支委会专题研究党建工作，年初与3名支委逐一谈话明确分工，建立“支委联系教研室”制度，覆盖全部4个教研室。
三是推进支部标准化规范化建设。严格落实“三会一课”，全年召开支部党员大会6次、支委会14次、党小组会24次；发展党员2名，转正预备党员1名。
四是联系服务师生。本人联系2个学生班级，全年走访学生宿舍8次，帮助解决实训室开放时间等具体问题5件。"""

PROBLEMS = """一是理论学习与专业教学结合不够紧，部分党员学用脱节。二是本人深入青年教师中谈心谈话偏少，对思想动态掌握不够及时。"""

NEXT_STEPS = """一是每月组织一次“党建+专业”研讨，推动理论学习与课程思政结合。二是建立青年教师谈心谈话台账，本人每学期至少与每名青年教师谈话一次。"""


def _review(name: str, cycle) -> Review:
    return cycle.reviews.get(organization__name=name)


def build() -> list[str]:
    """Open the 2026 cycle and populate it; returns three unused ballot codes to try."""
    result = cycles.open_cycle(
        ACTOR,
        year=2026,
        title="2026年度基层党组织书记抓党建工作述职评议考核",
        key_items=["深入学习贯彻党的二十届三中全会精神", "党支部标准化规范化建设", "党建与事业发展深度融合"],
        preparation_due=datetime.date(2026, 12, 10),
        report_due=datetime.date(2026, 12, 20),
        meeting_from=datetime.date(2027, 1, 5),
        meeting_to=datetime.date(2027, 1, 15),
    )
    cycle = result.cycle
    branch = Organization.objects.get(name="信息工程学院教工第一党支部")
    general = Organization.objects.get(name="信息工程学院党总支")
    for org, kind, text in [
        (branch, PriorProblemKind.NOTIFIED, "组织生活会质量不高，批评与自我批评“辣味”不足"),
        (branch, PriorProblemKind.SELF_FOUND, "对青年教师入党积极分子培养关注不够"),
        (branch, PriorProblemKind.COMMITMENT, "每学期开展一次支部书记讲党课"),
        (general, PriorProblemKind.NOTIFIED, "党建与专业建设“两张皮”现象仍然存在"),
        (general, PriorProblemKind.SELF_FOUND, "对所属党支部工作指导督促不够"),
    ]:
        cycles.add_prior_problem(ACTOR, organization=org, year=2025, kind=kind, text=text)
    # The demo starts the report stage while most secretaries are still preparing.
    cycles.advance_cycle(ACTOR, cycle, "report", override_reason="演示数据：未等全部书记完成述前准备即进入撰写报告")

    review = _review(branch.name, cycle)
    for kind, date, place, people, content in [
        (
            PreparationKind.RESEARCH,
            datetime.date(2026, 10, 14),
            "计算机实训中心",
            "实训室管理员、学生党员",
            "实训室晚间开放时间不足，学生党员希望参与实训室管理服务",
        ),
        (
            PreparationKind.RESEARCH,
            datetime.date(2026, 11, 3),
            "软件技术教研室",
            "青年教师4名",
            "青年教师科研压力大，参加支部活动的时间难以保证",
        ),
        (PreparationKind.OPINION, None, "", "学生党员代表", "希望主题党日多结合专业技能服务社区"),
        (PreparationKind.PROBLEM, None, "", "", "支部书记与青年教师谈心谈话不够经常"),
    ]:
        cycles.add_preparation_item(ACTOR, review, kind=kind, date=date, place=place, people=people, content=content)
    answers = {
        str(p.pk): "已整改。" + ("今年组织生活会前开展谈心谈话全覆盖，会上相互批评意见28条。" if i == 0 else "")
        for i, p in enumerate(cycles.prior_problems_for(review))
    }
    reports.save_draft(ACTOR, review, ReportContent(PRACTICES, "", "", answers), base_revision=0)

    # Two more branches of the same general branch: one submitted, one accepted.
    for name, accept in (("信息工程学院教工第二党支部", True), ("信息工程学院学生第一党支部", False)):
        other = _review(name, cycle)
        report = reports.save_draft(ACTOR, other, ReportContent(PRACTICES, PROBLEMS, NEXT_STEPS, {}), base_revision=0)
        reports.submit(ACTOR, other, base_revision=report.revision)
        if accept:
            vetter = Person.objects.get(staff_no="20001").user
            reports.vet(vetter, other, version_number=1, outcome="passed")

    committee = Organization.objects.get(kind=OrgKind.COMMITTEE)
    presenters = [
        (
            r,
            "written"
            if r.organization.kind == OrgKind.DIRECT_BRANCH and r.organization.sort_order > 102
            else "on_site",
        )
        for r in cycle.reviews.filter(reviewer=committee)
        .select_related("organization")
        .order_by("organization__sort_order")
    ]
    meeting = meetings.schedule_meeting(
        ACTOR,
        cycle=cycle,
        reviewer=committee,
        title=meetings.default_title(cycle, committee),
        starts_at=timezone.now().replace(hour=14, minute=30, second=0, microsecond=0),
        place="行政楼三楼第一会议室",
        expected_attendees=60,
        agenda=presenters,
    )
    survey = voting.create_survey(ACTOR, meeting)
    codes = voting.issue_codes(ACTOR, survey, 60)
    voting.issue_codes(ACTOR, survey, 10, paper=True)
    voting.open_survey(ACTOR, survey)
    from shuzhi.assessment.demo import add_demo_checks

    add_demo_checks(cycle)  # the year's daily checks (日常考核)
    return codes[:3]
