"""Every page is Chinese, whatever language the browser asks for.

Walks the whole URL conf (but the JSON API and Django's admin) as each role of the test college, with
an English browser (Accept-Language: en): every GET, then an empty POST to every page whose form posts
to itself (the form's error state; each POST is rolled back). The visible text — text nodes, the
title, placeholder, aria-label and alt attributes, button values, and the messages that scripts show
from data- attributes — may contain ASCII letters only in the known tokens below; anything else is
English left in the interface. Machine text the user reads as such is not words: <code>, and what a
<textarea> holds (the user's own text, the rules' JSON)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver

from conftest import PASSWORD, review_of

SKIPPED_PREFIXES = ("api/", "django-admin/")
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}

# ASCII words the Chinese interface uses on purpose: file formats and programs, keys, units.
ALLOWED_WORDS = {
    "Excel",
    "xlsx",
    "docx",
    "csv",
    "Word",
    "WPS",
    "PDF",
    "jpg",
    "png",
    "JSON",
    "SHA",
    "MB",
    "KB",
    "QR",
    "Ctrl",
    "PgUp",
    "PgDn",
    "Esc",
    "Cookie",
    "Wi",
    "Fi",
    # the test college's data: the actor the fixtures use, the account without a person, the test client's host
    "test",
    "outsider",
    "testserver",
}
MACHINE_TEXT = re.compile(
    r"https?://\S+"  # addresses (the ballot's, printed on the cards)
    r"|\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}\b"  # ballot codes, and their pattern XXXX-XXXX-XXXXX
    r"|\b[0-9A-Z]{8}\b"  # receipt codes
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"  # the names of settings (PUBLIC_BASE_URL)
    r"|\bmanage\.py(?: [a-z_]+)?"  # the server's commands (manage.py verify_votes)
    r"|\{\w+\}"  # the places a script fills in ({total}%)
)
WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "template", "textarea", "code"}
    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
    # data- attributes holding what the scripts show: confirmations, labels, save and check messages
    DATA_MESSAGES = ("data-confirm", "data-label", "data-msg-", "data-bad", "data-nan", "data-ok", "data-unrated")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        attributes = dict(attrs)
        self.parts += [attributes[name] for name in self.ATTRIBUTES if attributes.get(name)]
        self.parts += [value for name, value in attrs if value and name.startswith(self.DATA_MESSAGES)]
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def english_in(html: str) -> list[str]:
    """The visible pieces of text that hold an ASCII word not in ALLOWED_WORDS."""
    parser = VisibleText()
    parser.feed(html)
    return [
        part
        for part in parser.parts
        if any(word not in ALLOWED_WORDS for word in WORD.findall(MACHINE_TEXT.sub(" ", part)))
    ]


def routes(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, route)
        elif not route.startswith(SKIPPED_PREFIXES):
            yield route


def filled(route: str, values: dict) -> str | None:
    """The route with its parameters filled in from values; None if one of them has no value."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if any(name not in values for name in names):
        return None
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def build_world(college, cycle, meeting, survey) -> list[dict]:
    """Something behind every parameter of the URL conf: a submitted report with a preparation item, a
    comment, a paper entry awaiting its second clerk (the open vote), and a closed rehearsal with
    ballots. Returns the parameter values, once with the open vote and once with the closed rehearsal."""
    from shuzhi.cycles import services as cycle_services
    from shuzhi.cycles.models import PriorProblem
    from shuzhi.meetings import services as meeting_services
    from shuzhi.reports import services as report_services
    from shuzhi.reports.services import ReportContent
    from shuzhi.voting import services as voting
    from shuzhi.voting.models import PaperEntry
    from shuzhi.voting.services import BallotInput

    review = review_of(cycle, college.branch_a1)
    secretary = college.branch_a1_secretary
    item = cycle_services.add_preparation_item(
        secretary, review, kind="research", content="走访计算机实训中心", place="实训中心", people="学生党员"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuzhi.attachments import services as attachment_services
    from shuzhi.attachments.tests import samples

    attachment = attachment_services.store_attachment(
        secretary,
        SimpleUploadedFile("现场照片.jpg", samples.photo_jpeg()),
        organization=college.branch_a1,
        attached_to=item,
    )
    answers = {str(p.pk): "已整改：" + p.text for p in cycle_services.prior_problems_for(review)}
    report = report_services.save_draft(
        secretary,
        review,
        ReportContent("我带头讲专题党课3次，主持支委会14次。", "理论学习深度不够。", "每月开展一次专题研讨。", answers),
        base_revision=0,
    )
    report_services.submit(secretary, review, base_revision=report.revision)
    gb_review = review_of(cycle, college.gb_a)
    meeting_services.add_comment(
        college.org_dept, meeting, review=gb_review, problems="调研不够深入。", direction="多下基层。"
    )
    paper_codes = voting.issue_codes(college.org_dept, survey, 2, paper=True)
    voting.set_paper_double_entry(college.org_dept, survey, True)
    first = str(survey.presenters[0]["review"])
    voting.enter_paper_ballot(college.org_dept, survey, paper_codes[0], BallotInput({first: "satisfied"}, {}, {}, ""))

    rehearsal = voting.start_rehearsal(college.org_dept, meeting)
    codes = voting.issue_codes(college.org_dept, rehearsal, 3)
    voting.open_survey(college.org_dept, rehearsal)
    rehearsal.refresh_from_db()
    for code, rating in zip(codes, ["satisfied", "basic"], strict=False):
        voting.cast_ballot(rehearsal.pk, code, BallotInput({first: rating}, {}, {first: "多听取师生意见"}, "会风很好"))
    voting.close_survey(college.org_dept, rehearsal)

    from shuzhi.assessment import services as assessment_services
    from shuzhi.assessment.tests.helpers import record_check

    check = record_check(college.org_dept, cycle, college.branch_a1, [25, 20, 15, 10], seen="看了党员活动室")
    inspector = assessment_services.name_inspector(college.org_dept, cycle, college.committee_member.person)

    values = {
        "org_id": college.branch_a1.pk,
        "person_id": secretary.person.pk,
        "position_id": secretary.person.positions.first().pk,
        "cycle_id": cycle.pk,
        "review_id": review.pk,
        "group_id": review.group_id,
        "member_id": review.pk,  # a Review of the group (its grading)
        "meeting_id": meeting.pk,
        "survey_id": survey.pk,
        "item_id": item.pk,
        "kind": "research",
        "problem_id": PriorProblem.objects.filter(organization=college.branch_a1).first().pk,
        "entry_id": PaperEntry.objects.get(survey=survey).pk,
        "code": survey.test_codes[0],
        "attachment_id": attachment.pk,
        "check_id": check.pk,
        "inspector_id": inspector.pk,
    }
    return [values, {**values, "survey_id": rehearsal.pk, "code": codes[2]}]


# Error states reached by GET.
EXTRA_PAGES = [
    "/v/?code=12345",
    "/v/ABCDEFGHJKMNP/",
    "/orgs/people/?q=zzz",
    "/audit/?date_from=yesterday",
    "/no-such-page/",
]
SELF_POSTING_FORM = re.compile(r'<form[^>]*method="post"(?![^>]*action="(?!#)[^"])[^>]*>', re.I)


def walk(client, values_sets: list[dict]) -> tuple[list[str], dict[int, int]]:
    """GET every page (and POST an empty form to each that posts to itself): the findings, one line each,
    and how many HTML pages were read with each status."""
    findings: list[str] = []
    statuses: dict[int, int] = {}
    seen: set[str] = set()
    posts: list[str] = []

    def check(method: str, path: str, response) -> None:
        if response.status_code >= 500:
            findings.append(f"{method} {path}: status {response.status_code}")
            return
        if "text/html" not in response.get("Content-Type", ""):
            return
        html = response.content.decode()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if "<html" in html and '<html lang="zh-Hans">' not in html:
            findings.append(f'{method} {path} ({response.status_code}): not <html lang="zh-Hans">')
        findings.extend(f"{method} {path} ({response.status_code}): {text[:160]}" for text in english_in(html))

    paths = [p for values in values_sets for p in map(lambda r: filled(r, values), routes()) if p] + EXTRA_PAGES
    for path in paths:
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, **ENGLISH_BROWSER)
        check("GET", path, response)
        if response.streaming:  # a download (an attachment's file): no page
            continue
        if response.status_code == 200 and SELF_POSTING_FORM.search(response.content.decode(errors="replace")):
            posts.append(path)
    for path in posts:
        with transaction.atomic():
            check("POST", path, client.post(path, {}, **ENGLISH_BROWSER))
            transaction.set_rollback(True)
    return findings, statuses


ROLES = ["org_dept", "committee_member", "gb_a_secretary", "branch_a1_secretary", "direct_secretary", "outsider", None]


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_is_chinese_for_an_english_browser(college, cycle, meeting, survey, client, role):
    values_sets = build_world(college, cycle, meeting, survey)
    client.raise_request_exception = False
    if role:
        client.force_login(getattr(college, role))
    findings, statuses = walk(client, values_sets)
    assert not findings, "English or a server error on the pages:\n" + "\n".join(findings)
    # The walk reached the pages (the org dept sees every one), not only the login page.
    assert statuses.get(200, 0) >= (60 if role == "org_dept" else 4), statuses


def test_the_checker_finds_english_and_lets_codes_addresses_and_formats_pass():
    assert english_in("<p>This password is too short.</p>") == ["This password is too short."]
    assert english_in('<input type="submit" value="Save">') == ["Save"]
    assert english_in('<a title="Next page" href="/x">下一页</a>') == ["Next page"]
    assert english_in('<form data-confirm="Really?" data-preview="ballot-preview"></form>') == ["Really?"]
    assert (
        english_in("<p>导入 Excel 文件（.xlsx），最多 5 MB；测评码 WGTH-V84W-2B78A；http://127.0.0.1:8000/v/</p>") == []
    )
    assert english_in("<script>var x = 'hello world';</script><textarea>my own text</textarea>") == []


def test_a_too_short_import_password_is_explained_in_chinese(college, client_for):
    """Django 5.2's message for a short password changed its msgid; its zh_Hans catalogue still has the old one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuzhi.orgs import importing

    upload = SimpleUploadedFile("people.xlsx", importing.build_template(), content_type=importing.XLSX_CONTENT_TYPE)
    response = client_for(college.org_dept).post(
        "/orgs/import/", {"file": upload, "initial_password": "Ab1!"}, **ENGLISH_BROWSER
    )
    html = response.content.decode()
    assert "密码长度太短。密码必须包含至少 8 个字符。" in html
    assert english_in(html) == []


def test_a_wrong_login_is_explained_in_chinese(college, client):
    response = client.post(
        "/accounts/login/", {"username": college.org_dept.username, "password": PASSWORD + "x"}, **ENGLISH_BROWSER
    )
    assert response.status_code == 400
    assert english_in(response.content.decode()) == []
