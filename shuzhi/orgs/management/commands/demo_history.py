"""The demo's 2025 cycle, carried through the review meetings and their votes: daily checks through the
year (日常考核), then every secretary prepared,
wrote and passed their report; the committee's 党委扩大会议 and each 党总支's 党总支委员会扩大会议 were held
in January 2026, with comments and a closed satisfaction vote whose results are stored. Built through the
services, like real use, with a fixed random seed so every demo shows the same figures."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shuzhi.cycles import services as cycles
from shuzhi.cycles.models import PreparationKind, Review, ReviewCycle
from shuzhi.cycles.stages import Stage
from shuzhi.meetings import services as meetings
from shuzhi.orgs.models import Organization, OrgKind, Person, PositionRole
from shuzhi.reports import services as reports
from shuzhi.reports.services import ReportContent
from shuzhi.voting import services as voting
from shuzhi.voting.casting import BallotInput

ACTOR = "seed_demo"
YEAR = 2025

# What each secretary wrote, in three variants so the reports do not all read alike; {org} is the
# organisation's name.
PRACTICES = [
    "一是带头学。本人全年为{org}党员讲党课2次，主持集中学习11次，组织党员到红旗渠干部学院开展现场教学1次。"
    "二是抓规范。我坚持每月主持召开支委会，全年召开支部党员大会5次、支委会12次，按期完成支委会换届。"
    "三是联系群众。本人联系3名青年教师、2个学生班级，全年谈心谈话26人次，帮助解决具体困难4件。",
    "一是落实第一责任人职责。我年初牵头制定{org}党建工作要点和任务清单18项，逐项明确责任人和完成时限，"
    "每季度专题听取一次落实情况。二是抓党员队伍建设。本人带头联系入党积极分子，全年发展党员3名，"
    "对2名预备党员按期转正。三是推动党建与业务融合。我牵头开展“党员先锋岗”创建，设立先锋岗6个。",
    "一是抓思想引领。本人讲专题党课3次，带领支委开展“学思想、强党性”专题研讨4次。"
    "二是抓组织生活。我严格落实“三会一课”和主题党日制度，全年开展主题党日12次，组织生活会前"
    "与每名党员谈心谈话。三是抓作风建设。本人带头落实中央八项规定精神，开展廉政提醒谈话9人次。",
]
PROBLEMS = [
    "一是本人理论学习的系统性不够，结合业务工作研究不深。二是对青年党员的教育管理办法不多，"
    "个别党员参加组织生活不够积极。",
    "一是党建与业务融合还停留在活动层面，2个教研室的“党员先锋岗”作用发挥不明显。二是本人深入基层调研偏少，全年仅4次。",
    "一是组织生活的形式较为单一，学生党员参与度不高。二是支部品牌建设特色不鲜明，尚未形成可推广的做法。",
]
NEXT_STEPS = [
    "一是制定个人年度学习计划，每月至少精读1本理论著作并撰写心得。二是建立青年党员成长档案，"
    "本人每学期与每名青年党员谈话1次，2026年6月前完成。",
    "一是2026年上半年完成全部教研室“党员先锋岗”评估，对作用不明显的2个限期整改。"
    "二是本人每月至少深入教研室、班级调研1次，形成调研报告2篇。",
    "一是每学期至少开展1次“专业+党建”主题党日，由本人带头策划。二是2026年底前总结提炼1项支部工作法，"
    "申报学校党建工作样板支部。",
]
PREPARATION = [
    (PreparationKind.RESEARCH, "到教研室、学生宿舍走访，听取党员和师生对支部工作的意见"),
    (PreparationKind.OPINION, "党员建议主题党日多结合专业实践、走进社区"),
    (PreparationKind.PROBLEM, "本人与青年党员谈心谈话不够经常"),
]
COMMENTS = [
    ("抓党建的思路清晰，但党建与业务融合的具体抓手还不够多。", "要把党员先锋岗的作用落到教学科研一线。"),
    ("述职中具体事例较多，但对问题的原因剖析不够深入。", "要聚焦上年度通报问题，逐项对账销号。"),
    ("组织生活规范化有进步，青年党员教育管理仍是短板。", "要建立青年党员成长档案，落实谈心谈话制度。"),
]
SUGGESTIONS = [
    "希望支部活动更多结合专业特点",
    "建议加强对青年教师的思想引领",
    "组织生活会要敢于动真碰硬",
    "希望书记多深入班级了解学生想法",
]
# How the room rated each presenter: the share of 满意 and of 不满意 (the rest 基本满意), in turn.
RATING_PROFILES = [(0.92, 0.0), (0.8, 0.04), (0.7, 0.08), (0.55, 0.15), (0.86, 0.02), (0.45, 0.2)]


def _user_of(staff_no: str):
    return Person.objects.get(staff_no=staff_no).user


def _leader_user(org: Organization):
    """The user of the organisation's current secretary (who comments at its review meeting)."""
    position = org.positions.current().filter(role=PositionRole.SECRETARY).select_related("person__user").first()
    return position.person.user


def _prepare_and_write(cycle: ReviewCycle, vetter) -> None:
    reviews = list(cycle.reviews.select_related("organization").order_by("reviewer__sort_order", "organization_id"))
    for review in reviews:
        for kind, content in PREPARATION:
            cycles.add_preparation_item(
                ACTOR, review, kind=kind, date=datetime.date(YEAR, 11, 20), place="", people="", content=content
            )
        cycles.mark_preparation_done(ACTOR, review)
    cycles.advance_cycle(ACTOR, cycle, Stage.REPORT)
    for i, review in enumerate(reviews):
        org = review.organization.name
        content = ReportContent(PRACTICES[i % 3].format(org=org), PROBLEMS[i % 3], NEXT_STEPS[i % 3], prior_answers={})
        report = reports.save_draft(ACTOR, review, content, base_revision=0)
        reports.submit(ACTOR, review, base_revision=report.revision)
        reports.vet(vetter, review, version_number=1, outcome="passed")
    cycles.advance_cycle(ACTOR, cycle, Stage.MEETING)


def _hold_meeting(cycle: ReviewCycle, reviewer: Organization, day: datetime.date, rng: random.Random) -> None:
    """The reviewer's review meeting on `day`: every Review on the agenda on site, one comment per
    presenter by the reviewer's secretary, a vote of 15 + 2 per presenter attendees, closed."""
    agenda = [(review, "on_site") for review in Review.objects.filter(cycle=cycle, reviewer=reviewer)]
    attendees = 15 + 2 * len(agenda)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
    meeting = meetings.schedule_meeting(
        ACTOR,
        cycle=cycle,
        reviewer=reviewer,
        title=meetings.default_title(cycle, reviewer),
        starts_at=starts_at,
        place="行政楼三楼第一会议室" if reviewer.kind == OrgKind.COMMITTEE else f"{reviewer.name}会议室",
        expected_attendees=attendees,
        agenda=agenda,
    )
    commenter = _leader_user(reviewer)
    for i, (review, _mode) in enumerate(agenda):
        problems, direction = COMMENTS[(review.organization_id + i) % len(COMMENTS)]
        meetings.add_comment(commenter, meeting, review=review, problems=problems, direction=direction)
    survey = voting.create_survey(ACTOR, meeting)
    codes = voting.issue_codes(ACTOR, survey, attendees)
    survey = voting.open_survey(ACTOR, survey)
    profiles = {
        str(review.pk): RATING_PROFILES[(review.organization_id * 7) % len(RATING_PROFILES)] for review, _m in agenda
    }
    for code in codes:
        ratings, suggestions = {}, {}
        for review_id, (satisfied, unsatisfied) in profiles.items():
            draw = rng.random()
            ratings[review_id] = (
                "satisfied" if draw < satisfied else "unsatisfied" if draw > 1 - unsatisfied else "basic"
            )
            if rng.random() < 0.08:
                suggestions[review_id] = rng.choice(SUGGESTIONS)
        voting.cast_ballot(survey, code, BallotInput(ratings, {}, suggestions))
    voting.close_survey(ACTOR, survey)


SEEN = [
    "党员活动室制度上墙，“三会一课”记录与计划一致，主题党日照片和签到表齐全。",
    "旁听支委会，议题围绕党员发展和教研室党建，支委发言具体，会后形成任务清单。",
    "党员先锋岗有岗位职责和服务承诺，学生反映先锋岗党员答疑及时。",
    "组织生活会前谈心谈话记录覆盖全体党员，问题清单有整改时限。",
]
HEARD = [
    "青年教师说支部每月组织一次理论学习，和专业结合得更紧了。",
    "学生党员希望多开展志愿服务，活动时间尽量避开实训课。",
    "有教师反映个别党员参加组织生活不够积极，支部提醒不够。",
    "",
]
# The organisations left without a daily check in 2025 (the evaluation re-weights over what is there).
NOT_CHECKED = {"后勤服务中心党支部", "医学院学生第二党支部"}


def _daily_checks(cycle: ReviewCycle, rng: random.Random) -> None:
    """Through the year, one or two checks of every organisation but NOT_CHECKED: the org dept checks
    those the committee reviews, each 党总支's secretary its 党支部; one check in five also read
    documents or ledgers (not the preferred way, seed 五（二）)."""
    from shuzhi.assessment import services as assessment

    indicators = assessment.indicators_of(cycle)
    org_dept = _user_of("10001")
    reviews = cycle.reviews.select_related("organization", "reviewer").order_by("organization_id")
    for n, review in enumerate(reviews):
        org = review.organization
        if org.name in NOT_CHECKED:
            continue
        inspector = org_dept if review.reviewer.kind == OrgKind.COMMITTEE else _leader_user(review.reviewer)
        level = (0.95, 0.88, 0.8, 0.7, 0.9, 0.66)[(org.pk * 7) % 6]  # as the room rated them, roughly
        for k in range(1 + n % 2):
            methods = ["on_site", "people"] if (n + k) % 5 else ["on_site", "documents"]
            scores = {
                i.pk: assessment.ScoreInput(
                    score=min(i.points, (i.points * Decimal(str(level + rng.uniform(-0.06, 0.06)))).quantize(1)),
                    reason="对照评分要点现场查看，" + ("基本到位。" if level >= 0.8 else "有差距，需整改。"),
                )
                for i in indicators
            }
            data = assessment.CheckInput(
                date=datetime.date(YEAR, 4 + 5 * k, 10 + n % 15),
                place=f"{org.name}党员活动室",
                methods=methods,
                seen=SEEN[(n + k) % len(SEEN)],
                heard=HEARD[(n + k) % len(HEARD)],
                scores=scores,
            )
            assessment.save_check(
                inspector,
                cycle=cycle,
                organization=org,
                data=data,
                form_token=f"demo-{YEAR}-{org.pk}-{k}",
                to_record=True,
            )


def _grade(cycle: ReviewCycle, rng: random.Random) -> None:
    """The comprehensive evaluation of every group under the default scheme: the reviewer's own score of
    each report and presentation, the proposal, one grade changed with a reason in the committee's group,
    an opinion drafted from what the system holds and saved for each secretary, and the group submitted;
    then every group moves on to 研究决定 (the committee's decision, next)."""
    from shuzhi.evaluation import opinion
    from shuzhi.evaluation import services as evaluation

    org_dept = _user_of("10001")
    for group in cycle.groups.select_related("reviewer").order_by("reviewer__kind", "reviewer__sort_order"):
        grader = org_dept if group.reviewer.kind == OrgKind.COMMITTEE else _leader_user(group.reviewer)
        reviews = list(group.reviews.select_related("organization").order_by("organization__sort_order"))
        for review in reviews:
            level = (95, 88, 80, 72, 90, 66)[(review.organization_id * 7) % 6]
            score = Decimal(level + rng.randint(-4, 4))
            evaluation.set_reviewer_score(grader, review, score)
        grading = evaluation.propose(grader, group)
        if group.reviewer.kind == OrgKind.COMMITTEE:
            # The committee's judgment on one presenter: the lowest-placed 较好 lowered, with its reason.
            grades = {g.review_id: g for g in grading.grades.all()}
            fair = [r for r in reviews if grades[r.pk].grade == "fair"]
            lowest = min(fair, key=lambda r: grades[r.pk].proposed_composite)
            evaluation.change_grade(
                grader,
                lowest,
                "average",
                "述职评议中多名委员指出，该党组织上年度通报的组织生活会质量问题整改不到位，日常考核也有同样发现。",
                base_version=grading.version,
            )
        for review in reviews:
            drafted = opinion.draft(review)
            opinion.save_opinion(
                grader, review, strengths=drafted.strengths_text(), problems=drafted.problems_text(), base_revision=0
            )
        evaluation.submit(grader, group, base_version=evaluation.grading_of(group).version)
    cycles.advance_cycle(ACTOR, cycle, Stage.DECISION)


def build() -> ReviewCycle:
    """Open the 2025 cycle and carry it through its review meetings and the grading; returns the cycle
    (every group submitted, at 研究决定)."""
    cycle = cycles.open_cycle(
        ACTOR,
        year=YEAR,
        title=f"{YEAR}年度基层党组织书记抓党建工作述职评议考核",
        key_items=["巩固拓展主题教育成果", "深化党纪学习教育", "党支部标准化规范化建设"],
        preparation_due=datetime.date(YEAR, 11, 30),
        report_due=datetime.date(YEAR, 12, 20),
        meeting_from=datetime.date(YEAR + 1, 1, 6),
        meeting_to=datetime.date(YEAR + 1, 1, 16),
    ).cycle
    rng = random.Random(YEAR)  # noqa: S311 - made-up demo ballots, reproducible on purpose
    _daily_checks(cycle, rng)
    _prepare_and_write(cycle, vetter=_user_of("10001"))
    committee = Organization.objects.get(kind=OrgKind.COMMITTEE)
    _hold_meeting(cycle, committee, datetime.date(YEAR + 1, 1, 8), rng)
    for i, general in enumerate(Organization.objects.filter(kind=OrgKind.GENERAL_BRANCH).order_by("sort_order")):
        _hold_meeting(cycle, general, datetime.date(YEAR + 1, 1, 12) + datetime.timedelta(days=i % 3), rng)
    cycles.advance_cycle(ACTOR, cycle, Stage.EVALUATION)
    _grade(cycle, rng)
    return cycle
