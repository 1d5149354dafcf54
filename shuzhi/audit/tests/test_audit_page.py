"""The audit page reads in Chinese for every kind of event, and its filters (verb, object type of every
app, organisation, actor, person concerned, dates) find what they say, in a constant number of queries
per page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import PASSWORD, review_of
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.core.tests.test_pages_in_chinese import ENGLISH_BROWSER, english_in

CJK = re.compile(r"[\u4e00-\u9fff]")


def rows(html: str) -> str:
    return html.split('<table id="audit-table">', 1)[1].split("</tbody>", 1)[0]


@pytest.fixture
def every_event(college, survey, client):
    """One event of every verb, through the services that write them (record() itself only for the
    paper-entry withdrawal, whose set-up is a vote with two clerks: the same arguments the service passes)."""
    from shuzhi.accounts import services as accounts
    from shuzhi.cycles import services as cycles
    from shuzhi.cycles.models import PreparationKind
    from shuzhi.meetings import services as meetings
    from shuzhi.orgs import services as orgs
    from shuzhi.orgs.models import OrgKind, PositionRole
    from shuzhi.reports import services as reports
    from shuzhi.reports.tests.test_report_services import full_content
    from shuzhi.voting import services as voting
    from shuzhi.voting.ballotform import default_form

    dept = college.org_dept
    cycle = survey.meeting.cycle
    # organisations, people, positions, accounts
    new = orgs.create_organization(dept, name="丁学院党总支", kind=OrgKind.GENERAL_BRANCH, parent=college.committee)
    orgs.update_organization(dept, new, name="丁学院党委总支", sort_order=3)
    branch = orgs.create_organization(dept, name="丁学院教工党支部", kind=OrgKind.BRANCH, parent=new)
    orgs.move_organization(dept, branch, college.gb_b)
    orgs.deactivate_organization(dept, branch)
    orgs.reactivate_organization(dept, branch)
    person = orgs.create_person(dept, name="李新", staff_no="70001", gender="F", phone="13912345678")
    orgs.update_person(
        dept, person, name="李新华", staff_no="70001", phone="13912345678", gender="F", is_party_member=False
    )
    today = timezone.localdate()
    later = orgs.appoint(
        dept,
        person=person,
        organization=branch,
        role=PositionRole.MEMBER,
        start_date=today + datetime.timedelta(days=30),
    )
    orgs.cancel_position(dept, later)
    term = orgs.appoint(
        dept, person=person, organization=branch, role=PositionRole.MEMBER, start_date=datetime.date(2024, 1, 1)
    )
    orgs.end_position(dept, term, today)
    orgs.deactivate_person(dept, person)
    orgs.reactivate_person(dept, person)
    orgs.reset_password(dept, person, "Xin@2026pass")
    client.post("/accounts/login/", {"username": "70001", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": "90005", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    accounts.unlock_login(dept, college.branch_a1_secretary)
    client.post("/accounts/login/", {"username": "90006", "password": PASSWORD})
    client.post("/accounts/logout/")
    record(
        None,
        Verb.NETWORK_LOCKED,
        object_repr="10.9.8.0/24",
        ip="10.9.8.7",
        note=str(translation.gettext("every login from this network address locked")),
    )
    record(college.direct_secretary, Verb.PASSWORD_CHANGED, college.direct_secretary)
    from shuzhi.orgs.tests.test_import import good_file, run

    run(dept, good_file())
    # the cycle
    cycles.update_cycle(
        dept,
        cycle,
        title="2026年度述职评议考核（修订）",
        key_items=["深化党的创新理论武装"],
        report_due=datetime.date(2026, 12, 31),
    )
    review = review_of(cycle, college.branch_a1)
    item = cycles.add_preparation_item(
        college.branch_a1_secretary,
        review,
        kind=PreparationKind.RESEARCH,
        content="到实验室调研党员教育情况",
        place="实验楼",
        people="青年教师",
    )
    cycles.withdraw_preparation_item(college.branch_a1_secretary, item)
    cycles.add_preparation_item(college.branch_a1_secretary, review, kind=PreparationKind.OPINION, content="意见")
    cycles.mark_preparation_done(college.branch_a1_secretary, review)
    problem = cycles.prior_problems_for(review)[0]
    cycles.withdraw_prior_problem(dept, problem, reason="重复录入")
    from shuzhi.cycles.prior_import import import_problems
    from shuzhi.cycles.tests.helpers import xlsx_bytes

    import_problems(
        dept,
        xlsx_bytes([["甲学院教工党支部", "通报问题", "三会一课记录不全"]]),
        year=2025,
        organizations={"甲学院教工党支部": college.branch_a1},
    )
    # the report
    reports.save_draft(college.branch_a1_secretary, review, full_content(review), base_revision=0)
    reports.submit(college.branch_a1_secretary, review, base_revision=1)
    reports.vet(college.gb_a_secretary, review, version_number=1, outcome="returned", comment="请补充数据")
    report = reports.save_draft(college.branch_a1_secretary, review, full_content(review, "补充后"), base_revision=1)
    reports.submit(college.branch_a1_secretary, review, base_revision=report.revision)
    reports.vet(college.gb_a_secretary, review, version_number=2, outcome="passed")
    import copy

    rules = copy.deepcopy(reports.quality_rules_state().data)
    rules["vague"]["slogan_words"] = [*rules["vague"]["slogan_words"], "党建工作走在前列不动摇"]
    reports.save_quality_rules(dept, rules, loaded="default")
    reports.reset_quality_rules(dept)
    # the cycle's stages and secretaries
    # A Review's stage is computed now (cycles.review_stage); its verb is found on events from before.
    record(
        dept,
        Verb.REVIEW_STAGE_MOVED,
        review_of(cycle, college.gb_b),
        before={"stage": "preparation"},
        after={"stage": "report"},
        organization_id=college.gb_b.pk,
        note=str(translation.gettext("stage changed")),
    )
    # evidence files
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuzhi.attachments import services as attachments
    from shuzhi.attachments.tests import samples

    evidence = cycles.add_preparation_item(
        college.branch_a1_secretary, review, kind=PreparationKind.PROBLEM, content="支部学习记录不全"
    )
    (photo,) = attachments.attach_to_preparation_item(
        college.branch_a1_secretary, evidence, [SimpleUploadedFile("记录.png", samples.photo_png())]
    )
    attachments.withdraw_attachment(college.branch_a1_secretary, photo, reason="传错了")
    # the daily assessment
    from shuzhi.assessment import services as assessment
    from shuzhi.assessment.models import ScoreRule
    from shuzhi.assessment.tests.helpers import record_check

    first = assessment.indicators_of(cycle)[0]
    assessment.set_indicators(
        dept,
        cycle,
        [assessment.IndicatorRow(pk=i.pk, name=i.name, points=i.points, guidance=i.guidance) for i in [first]]
        + [assessment.IndicatorRow(pk=None, name="党建与业务融合", points=Decimal(70))],
    )
    assessment.set_rule(dept, cycle, ScoreRule.LATEST)
    named = assessment.name_inspector(dept, cycle, college.committee_member.person)
    assessment.remove_inspector(dept, named)
    record_check(college.gb_a_secretary, cycle, college.branch_a1, [20, 50], to_record=False)
    checked = record_check(college.gb_a_secretary, cycle, college.branch_a1, [25, 60], seen="支部活动室整洁")
    assessment.withdraw_check(college.gb_a_secretary, checked, reason="日期记错")
    new_secretary = orgs.create_person(dept, name="赵书记", staff_no="70002", gender="M")
    old = college.direct_secretary.person.positions.get(role=PositionRole.SECRETARY)
    orgs.end_position(dept, old, today - datetime.timedelta(days=1))
    orgs.appoint(dept, person=new_secretary, organization=college.direct, role=PositionRole.SECRETARY, start_date=today)
    orgs.appoint(dept, person=new_secretary, organization=branch, role=PositionRole.SECRETARY, start_date=today)
    # the meeting and the vote
    meeting = survey.meeting
    meetings.update_meeting(
        dept,
        meeting,
        title="2026年度述职评议会",
        starts_at=meeting.starts_at,
        place="第二会议室",
        expected_attendees=50,
        comment_mode=meeting.comment_mode,
    )
    meetings.add_comment(
        dept, meeting, review=review_of(cycle, college.gb_a), problems="调研不够深入", direction="多下基层"
    )
    voting.set_paper_double_entry(dept, survey, True)
    record(
        dept,
        Verb.VOTE_PAPER_ENTRY_WITHDRAWN,
        survey,
        organization_id=survey.meeting.reviewer_id,
        note=str(translation.gettext("paper ballot entry withdrawn")),
    )
    voting.close_survey(dept, survey)
    voting.set_cycle_ballot_form(dept, cycle, default_form())
    other = meetings.schedule_meeting(
        dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        expected_attendees=20,
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    meetings.set_agenda(dept, other, [(review_of(cycle, college.branch_a1), "written")])
    rehearsal = voting.create_survey(dept, other, rehearsal=True)
    voting.set_categories(dept, rehearsal, [("委员", 60), ("党员代表", 40)])
    form = default_form()
    form["rules"]["all_unsatisfied_action"] = "flag"
    voting.set_survey_form(dept, rehearsal, form)
    voting.wipe_rehearsal(dept, rehearsal)
    # the review groups' stages: 乙学院党总支's group has its preparation done, the rest is overridden
    from shuzhi.cycles import groups

    gb_b_group = groups.group_for(review_of(cycle, college.branch_b1))
    for member in gb_b_group.reviews.all():
        cycles.mark_preparation_done(dept, member)
    groups.move_group(dept, gb_b_group, "report")
    cycles.advance_cycle(dept, cycle, "report", override_reason="按党委部署先行启动撰写")
    # the comprehensive evaluation: the scheme, the committee's group graded, submitted, reopened; an opinion
    from shuzhi.cycles.models import ReviewGroup
    from shuzhi.evaluation import services as evaluation
    from shuzhi.evaluation.models import Scheme

    scheme = Scheme.defaults(cycle)
    evaluation.save_scheme(
        dept, cycle, evaluation.SchemeInput(**{f: getattr(scheme, f) for f in evaluation.SCHEME_FIELDS})
    )
    committee_group = ReviewGroup.objects.get(cycle=cycle, reviewer=college.committee)
    ReviewGroup.objects.filter(pk=committee_group.pk).update(stage="evaluation")
    committee_group.refresh_from_db()
    graded = review_of(cycle, college.gb_a)
    evaluation.set_reviewer_score(dept, graded, evaluation.parse_score("88"))
    evaluation.propose(dept, committee_group)
    evaluation.change_grade(dept, graded, "average", "整改不到位")
    for other in committee_group.reviews.exclude(pk=graded.pk).select_related("group"):  # no composite: by hand
        evaluation.change_grade(dept, other, "fair", "评议组综合研判")
    evaluation.submit(dept, committee_group)
    evaluation.reopen(dept, committee_group, "党委研究后调整")
    from shuzhi.evaluation import opinion as evaluation_opinion

    evaluation_opinion.save_opinion(
        dept, graded, strengths="抓党建责任落实到位", problems="调研不够深入", base_revision=0
    )
    return cycle


def test_every_verb_is_on_the_audit_page_in_chinese(college, every_event, client_for):
    recorded = set(AuditEvent.objects.values_list("verb", flat=True))
    assert recorded >= {code for code, _label in Verb.choices}, set(Verb.values) - recorded
    client = client_for(college.org_dept)
    pages, page = [], 1
    while True:
        html = client.get("/audit/", {"page": page}, **ENGLISH_BROWSER).content.decode()
        pages.append(html)
        if "下一页" not in html and f'page={page + 1}"' not in html and f"page={page + 1}" not in html:
            break
        page += 1
    body = "".join(rows(html) for html in pages)
    with translation.override("zh-hans"):
        for code, label in Verb.choices:
            assert f'<td class="verb">{label}' in body, code
    for html in pages:
        # the test's own data: the file name the import test uses
        assert [text for text in english_in(html) if "import.xlsx" not in text] == []
        table = rows(html)
        assert "object (" not in table
        for code, _label in Verb.choices:
            assert code not in table
    # no field's name, no choice's code
    raw = re.compile(
        r"[>：]\s*(?:[a-z]+_[a-z_]+|draft|submitted|returned|accepted|on_site|written|branch|"
        r"general_branch|direct_branch|secretary|member|open|closed|research|opinion)\s*<"
    )
    assert not raw.findall(body)


def test_the_verb_filter_finds_each_verb_and_only_it(college, every_event, client_for):
    client = client_for(college.org_dept)
    with translation.override("zh-hans"):
        for code, label in Verb.choices:
            html = rows(client.get("/audit/", {"verb": code}).content.decode())
            assert set(re.findall(r'<td class="verb">([^<]*)', html)) == {str(label)}, code


def test_filters_by_object_type_organisation_actor_person_and_date(college, every_event, client_for):
    client = client_for(college.org_dept)
    html = rows(client.get("/audit/", {"object_type": "meetings.comment"}).content.decode())
    assert "调研不够深入" in html and "甲学院党总支" in html
    assert set(re.findall(r'<span class="badge">([^<]*)', html)) == {"点评"}
    html = rows(
        client.get("/audit/", {"organization": college.branch_a1.pk, "verb": "report.submitted"}).content.decode()
    )
    assert html.count('<td class="verb">') == 2
    html = rows(client.get("/audit/", {"actor": "支书甲一"}).content.decode())
    assert "组织部甲" not in html and "支书甲一" in html
    secretary = college.branch_a1_secretary.person
    html = rows(client.get("/audit/", {"person": secretary.staff_no}).content.decode())
    labels = set(re.findall(r'<td class="verb">([^<]*)', html))
    with translation.override("zh-hans"):
        for verb in (
            Verb.REPORT_SUBMITTED,
            Verb.REPORT_VETTING_PASSED,
            Verb.PREPARATION_DONE,
            Verb.UNLOCKED,
            Verb.LOCKED,
            Verb.PERSON_CREATED,
        ):
            assert str(verb.label) in labels, verb
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = rows(client.get("/audit/", {"date_from": tomorrow.isoformat()}).content.decode())
    assert '<td class="verb">' not in html


def test_bad_dates_get_a_chinese_message_and_keep_the_input(college, client_for):
    client = client_for(college.org_dept)
    html = client.get("/audit/", {"date_from": "2026-13-45", "actor": "组织部"}).content.decode()
    assert "请输入日期，如 2026-03-01。" in html and 'value="组织部"' in html
    assert '<td class="verb">' not in rows(html)
    html = client.get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}).content.decode()
    assert "结束日期早于开始日期。" in html and 'value="2026-05-02"' in html


def test_old_events_show_their_verb_and_are_filtered_with_it(college, client_for):
    """An event from before the verbs (bare model name, no verb) reads and filters like a new one."""
    AuditEvent.objects.create(
        actor_name="组织部甲（90001）",
        action="update",
        object_type="dutyreport",
        object_id="1",
        object_repr="甲学院教工党支部 述职报告",
        before={"status": "submitted"},
        after={"status": "accepted", "version": 1},
    )
    client = client_for(college.org_dept)
    html = rows(client.get("/audit/", {"verb": "report.vetting_passed"}).content.decode())
    assert "审核通过" in html and "甲学院教工党支部 述职报告" in html and "<ins>已通过</ins>" in html
    html = rows(client.get("/audit/", {"object_type": "reports.dutyreport"}).content.decode())
    assert "甲学院教工党支部 述职报告" in html


def test_the_page_takes_the_same_number_of_queries_however_many_events(college, client_for):
    client = client_for(college.org_dept)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/audit/", {"verb": "", "person": "支书甲一"}).status_code == 200
        return len(context.captured_queries)

    first = queries()
    for n in range(60):
        record(
            college.org_dept,
            Verb.PERSON_CHANGED,
            college.branch_a1_secretary.person,
            before={"phone": ""},
            after={"phone": f"139{n:08d}"},
        )
        record(
            college.org_dept,
            Verb.ORG_CHANGED,
            college.branch_a1,
            before={"name": "甲"},
            after={"name": "乙"},
            organization_id=college.branch_a1.pk,
        )
    assert queries() == first
