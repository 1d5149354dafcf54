"""After closing: the breakdown per presenter and voter category, the seal check, the ballot archive."""

import csv
import hashlib
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from shuzhi.voting import archive, ballotform, services
from shuzhi.voting.models import Ballot, Survey
from shuzhi.voting.services import BallotInput


def page(survey, tail=""):
    return f"/meetings/{survey.meeting_id}/vote-design/{survey.pk}/{tail}"


@pytest.fixture
def closed(college, meeting):
    """A closed vote with two weighted categories, a void ballot, a set-aside ballot and suggestions."""
    survey = services.create_survey(college.org_dept, meeting)
    services.set_survey_form(
        college.org_dept,
        survey,
        {
            **ballotform.default_form(),
            "rules": {
                "void_if_no_rating": True,
                "max_satisfied_share": None,
                "max_satisfied_action": "count",
                "all_unsatisfied_action": "flag",
            },
        },
    )
    leaders, staff = services.set_categories(college.org_dept, survey, [("校领导", 30), ("教职工", 70)])
    leader_codes = services.issue_codes(college.org_dept, survey, 2, category=leaders)
    staff_codes = services.issue_codes(college.org_dept, survey, 4, category=staff)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first, second, third = (str(p["review"]) for p in survey.presenters)
    receipts = {
        "leader": services.cast_ballot(
            survey.pk,
            leader_codes[0],
            BallotInput({first: "satisfied", second: "basic"}, {}, {first: "=SUM(A1) 注重调研"}),
        ),
        "staff1": services.cast_ballot(
            survey.pk,
            staff_codes[0],
            BallotInput({first: "basic", second: "unsatisfied", third: "satisfied"}, {}, {}, "总体很好"),
        ),
        "staff2": services.cast_ballot(survey.pk, staff_codes[1], BallotInput({first: "unsatisfied"}, {}, {})),
        "void": services.cast_ballot(survey.pk, staff_codes[2], BallotInput({}, {}, {})),
        "flagged": services.cast_ballot(
            survey.pk,
            staff_codes[3],
            BallotInput({first: "unsatisfied", second: "unsatisfied", third: "unsatisfied"}, {}, {}),
        ),
    }
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    survey.receipts = receipts
    return survey


def test_breakdown_is_hidden_while_the_vote_is_open(college, survey, client_for):
    services.cast_ballot(
        survey.pk, survey.test_codes[0], BallotInput({str(survey.presenters[0]["review"]): "satisfied"}, {}, {})
    )
    client = client_for(college.org_dept)
    response = client.get(page(survey, "breakdown/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="not-closed"' in html
    assert 'id="ballot-counts"' not in html and "presenter-" not in html and "÷" not in html
    for tail in ("archive.xlsx", "archive.csv"):
        blocked = client.get(page(survey, tail))
        assert blocked.status_code == 409 and blocked["Content-Type"].startswith("text/html")
    html = client.get(page(survey, "verify/")).content.decode()
    assert 'id="not-sealed"' in html


def test_breakdown_per_presenter_and_category_with_the_score_worked_out(college, closed, client_for):
    html = client_for(college.committee_member).get(page(closed, "breakdown/")).content.decode()
    # 5 ballots = 3 valid + 1 void + 1 set aside, with their reasons.
    assert '<span class="count-n" id="n-ballots">5</span>' in html
    assert '<span class="count-n" id="n-valid">3</span>' in html
    assert (
        '<span class="count-n" id="n-void">1</span>' in html and '<span class="count-n" id="n-flagged">1</span>' in html
    )
    assert ballotform.REASONS["no_rating"] + "：1" in html and ballotform.REASONS["all_bottom"] + "：1" in html
    first = closed.presenters[0]
    section = html.split(f'id="presenter-{first["review"]}"')[1].split("</section>")[0]
    # 校领导: 1 × 满意 → mean 100; 教职工: 基本满意 + 不满意 → mean 30; score = (30×100 + 70×30) ÷ 100 = 51.
    assert (
        '<td>校领导</td><td class="num">30</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">100.00</td>'
        in section
    )
    assert (
        '<td>教职工</td><td class="num">70</td><td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">2</td><td class="num">30.00</td>'
        in section
    )
    assert "(30 × 100.00 + 70 × 30.00) ÷ (30 + 70) = 51.00" in section
    # The third presenter was rated by 教职工 only: 校领导 is left out, weight and all.
    third = html.split(f'id="presenter-{closed.presenters[2]["review"]}"')[1].split("</section>")[0]
    assert "(70 × 100.00) ÷ (70) = 100.00" in third
    # The set-aside ballot's own tally is shown separately, and the seal.
    flagged = html.split('id="flagged-tally"')[1].split("</section>")[0]
    assert "(70 × 0.00) ÷ (70) = 0.00" in flagged
    assert closed.seal_digest in html
    assert services.results(closed).presenters[0].score == pytest.approx(51)


def tamper(survey, receipt):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ballot SET overall_suggestion = %s WHERE survey_id = %s AND receipt = %s",
            ["改过的意见", survey.pk, receipt],
        )


def test_verification_page_and_command_name_a_ballot_changed_behind_the_applications_back(college, closed, client_for):
    client = client_for(college.committee_member)  # anyone who can see the meeting
    html = client.get(page(closed, "verify/")).content.decode()
    assert 'id="verify-ok"' in html and closed.seal_digest in html
    out = StringIO()
    call_command("verify_votes", str(closed.pk), stdout=out)
    assert out.getvalue().startswith("OK")

    changed = closed.receipts["staff1"]
    tamper(closed, changed)
    html = client.get(page(closed, "verify/")).content.decode()
    assert 'id="verify-failed"' in html and 'id="verify-ok"' not in html
    changed_list = html.split('id="changed"')[1].split("</ul>")[0]
    assert f"<code>{changed}</code>" in changed_list
    for other in set(closed.receipts.values()) - {changed}:
        assert other not in html
    with pytest.raises(CommandError):
        call_command("verify_votes", str(closed.pk), stdout=(out := StringIO()))
    assert changed in out.getvalue()


def test_verification_names_missing_and_extra_ballots(college, closed, client_for):
    removed = closed.receipts["staff2"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM voting_ballot WHERE survey_id = %s AND receipt = %s", [closed.pk, removed])
    Ballot.objects.create(survey=closed, category=closed.categories.first(), receipt="ZZZZ9999", ratings={})
    html = client_for(college.org_dept).get(page(closed, "verify/")).content.decode()
    assert f"<code>{removed}</code>" in html.split('id="missing"')[1].split("</ul>")[0]
    assert "<code>ZZZZ9999</code>" in html.split('id="extra"')[1].split("</ul>")[0]


def reverify(content: bytes):
    """Recount from the CSV alone: every digest and the seal, with nothing but hashlib."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:], newline="")))
    start = next(n for n, line in enumerate(lines) if line and line[0] == "回执码")
    block = {line[0]: line[1] for line in lines[:start] if len(line) >= 2}
    headers, rows = lines[start], [line for line in lines[start + 1 :] if line]
    json_col, digest_col = headers.index("票面数据(JSON)"), headers.index("单票摘要(SHA-256)")
    digests = {}
    for row in rows:
        assert hashlib.sha256(row[json_col].encode("utf-8")).hexdigest() == row[digest_col]
        digests[row[0]] = row[digest_col]
        assert json.loads(row[json_col])["receipt"] == row[0]
    seal = hashlib.sha256("\n".join(f"{r}:{d}" for r, d in sorted(digests.items())).encode("utf-8")).hexdigest()
    return block, headers, rows, seal


def test_archive_csv_reverifies_from_its_own_content_alone(college, closed, client_for):
    response = client_for(college.committee_member).get(page(closed, "archive.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    block, headers, rows, seal = reverify(response.content)
    assert seal == block["封存摘要(SHA-256)"] == closed.seal_digest
    assert block["会议"] == closed.meeting.title and "核验方法" in block
    assert len(rows) == 5 and sorted(r[0] for r in rows) == sorted(closed.receipts.values())
    # No code, user, address or time in the table.
    assert not any(word in "".join(headers) for word in ("测评码", "IP", "时间", "用户"))
    # A suggestion that looks like a formula is defused in its readable column, but kept exactly in the JSON.
    leader = next(r for r in rows if r[0] == closed.receipts["leader"])
    assert "'=SUM(A1) 注重调研" in leader and "=SUM(A1) 注重调研" in leader[headers.index("票面数据(JSON)")]
    # After tampering, the archive's own recount no longer gives the seal printed at closing.
    tamper(closed, closed.receipts["staff1"])
    block, _h, _r, seal = reverify(client_for(college.org_dept).get(page(closed, "archive.csv")).content)
    assert seal != block["封存摘要(SHA-256)"]
    assert archive.read_csv_table(client_for(college.org_dept).get(page(closed, "archive.csv")).content)[1] == headers


def test_archive_xlsx_has_a_header_sheet_a_frozen_table_and_converts_with_libreoffice(
    college, closed, client_for, tmp_path
):
    response = client_for(college.org_dept).get(page(closed, "archive.xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == archive.XLSX_CONTENT_TYPE
    path = tmp_path / "archive.xlsx"
    path.write_bytes(response.content)
    wb = load_workbook(path)
    assert wb.sheetnames == ["存档说明", "原始测评票"]
    info = {row[0]: row[1] for row in wb["存档说明"].iter_rows(min_row=2, values_only=True)}
    assert info["封存摘要(SHA-256)"] == closed.seal_digest and info["会议"] == closed.meeting.title
    ws = wb["原始测评票"]
    headers = [c.value for c in ws[1]]
    assert headers == services.archive_rows(closed)[0]
    assert ws.freeze_panes == "B2" and ws.column_dimensions["A"].width >= 12
    json_col, digest_col = headers.index("票面数据(JSON)"), headers.index("单票摘要(SHA-256)")
    digests = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert hashlib.sha256(row[json_col].encode()).hexdigest() == row[digest_col]
        digests[row[0]] = row[digest_col]
    assert services.seal_digest_of(digests) == closed.seal_digest
    leader = next(r for r in ws.iter_rows(min_row=2) if r[0].value == closed.receipts["leader"])
    assert any(c.value == "=SUM(A1) 注重调研" and c.data_type == "s" for c in leader)  # data, not a formula

    from shuzhi.core.tests.office import convert_with_libreoffice, pdf_text, squeeze

    pdf = convert_with_libreoffice(path, "pdf")
    assert closed.seal_digest[:16] in squeeze(pdf_text(pdf))
    csv_out = convert_with_libreoffice(path, "csv")
    assert csv_out.stat().st_size > 0


def test_archive_file_names_say_what_they_are(college, closed, client_for):
    response = client_for(college.org_dept).get(page(closed, "archive.xlsx"))
    assert "%E5%8E%9F%E5%A7%8B%E6%B5%8B%E8%AF%84%E7%A5%A8%E5%AD%98%E6%A1%A3" in response["Content-Disposition"]


def test_closed_rehearsal_breakdown_says_it_does_not_count(college, meeting, client_for):
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    code = services.issue_codes(college.org_dept, rehearsal, 1)[0]
    services.open_survey(college.org_dept, rehearsal)
    rehearsal.refresh_from_db()
    services.cast_ballot(rehearsal.pk, code, BallotInput({str(rehearsal.presenters[0]["review"]): "basic"}, {}, {}))
    services.close_survey(college.org_dept, rehearsal)
    html = client_for(college.org_dept).get(page(Survey.objects.get(pk=rehearsal.pk), "breakdown/")).content.decode()
    assert "rehearsal-badge" in html and '<span class="count-n" id="n-valid">1</span>' in html
