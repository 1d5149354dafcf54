"""The progress board on the cycle page and its .xlsx (/cycles/<id>/, /cycles/<id>/progress.xlsx)."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from conftest import review_of
from shuzhi.cycles import services
from shuzhi.cycles.models import PreparationKind
from shuzhi.cycles.tests.helpers import add_branches, html
from shuzhi.reports.models import DutyReport, ReportStatus


def board_rows(page: str) -> list[str]:
    """The organisation names on the board, in order."""
    table = page.split('id="progress-table"')[1].split("</table>")[0]
    names = []
    for chunk in table.split('<tr data-review="')[1:]:
        link_text = chunk.split("</a>")[0]
        names.append(link_text.rsplit(">", 1)[1])
    return names


def counts(page: str) -> list[int]:
    block = page.split('class="counts"')[1].split("</ul>")[0]
    return [int(part.split("<")[0]) for part in block.split('class="count-n">')[1:]]


@pytest.fixture
def progress(college, cycle):
    """甲一 prepared with items and a submitted report, 乙一 returned, 直属 accepted, the rest not started."""
    a1 = review_of(cycle, college.branch_a1)
    services.add_preparation_item(
        college.branch_a1_secretary,
        a1,
        kind=PreparationKind.RESEARCH,
        content="走访实验室",
        date=datetime.date(2026, 3, 1),
        place="实验楼",
    )
    services.add_preparation_item(
        college.branch_a1_secretary, a1, kind=PreparationKind.OPINION, content="希望多开展活动", people="青年教师"
    )
    services.mark_preparation_done(college.branch_a1_secretary, a1)
    when = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30))
    DutyReport.objects.create(review=a1, status=ReportStatus.SUBMITTED, submitted_at=when)
    DutyReport.objects.create(
        review=review_of(cycle, college.branch_b1), status=ReportStatus.RETURNED, submitted_at=when
    )
    DutyReport.objects.create(review=review_of(cycle, college.direct), status=ReportStatus.ACCEPTED, submitted_at=when)
    DutyReport.objects.create(review=review_of(cycle, college.gb_a), status=ReportStatus.DRAFT)
    return cycle


def test_org_dept_sees_every_review_and_the_counts(college, progress, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{progress.pk}/"))
    assert sorted(board_rows(page)) == sorted(
        ["甲学院党总支", "乙学院党总支", "甲学院教工党支部", "乙学院教工党支部", "机关直属党支部"]
    )
    # total, prepared, not started, draft, submitted, returned, accepted
    assert counts(page) == [5, 1, 1, 1, 1, 1, 1]
    row = page.split(f'<tr data-review="{review_of(progress, college.branch_a1).pk}"')[1].split("</tr>")[0]
    assert "2026-11-20 09:30" in row and "status-submitted" in row and "badge ok" in row
    assert "1 · " in row  # one research visit


def test_general_branch_leader_sees_what_visible_reviews_gives(college, progress, client_for):
    page = html(client_for(college.gb_a_secretary).get(f"/cycles/{progress.pk}/"))
    assert sorted(board_rows(page)) == sorted(["甲学院党总支", "甲学院教工党支部"])
    assert "乙学院" not in page.split('id="progress"')[1]


def test_branch_secretary_sees_only_their_own_review(college, progress, client_for):
    page = html(client_for(college.branch_b1_secretary).get(f"/cycles/{progress.pk}/"))
    assert board_rows(page) == ["乙学院教工党支部"]
    assert 'id="progress-filters"' not in page and 'class="counts"' not in page  # nothing to filter or count


def test_status_counts_link_to_the_status_filter_keeping_the_others(college, progress, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{progress.pk}/?kind=branch&status=draft"))
    assert 'href="?kind=branch&amp;status=submitted"' in page
    assert 'href="?kind=branch"' in page  # the total: every status


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=submitted", ["甲学院教工党支部"]),
        ("status=not_started", ["乙学院党总支"]),
        ("kind=direct_branch", ["机关直属党支部"]),
        ("q=教工", ["甲学院教工党支部", "乙学院教工党支部"]),
        ("q=支书乙一", ["乙学院教工党支部"]),
        ("prepared=yes", ["甲学院教工党支部"]),
    ],
)
def test_filters_narrow_the_rows(college, progress, client_for, query, expected):
    page = html(client_for(college.org_dept).get(f"/cycles/{progress.pk}/?{query}"))
    assert sorted(board_rows(page)) == sorted(expected)


def test_filter_by_reviewing_organisation(college, progress, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{progress.pk}/?reviewer={college.gb_b.pk}"))
    assert board_rows(page) == ["乙学院教工党支部"]


def test_counts_follow_the_filters_but_not_the_status(college, progress, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{progress.pk}/?kind=branch&status=accepted"))
    assert board_rows(page) == []
    assert counts(page)[0] == 2


def test_a_general_branch_cannot_filter_its_way_to_another_branch(college, progress, client_for):
    page = html(client_for(college.gb_a_secretary).get(f"/cycles/{progress.pk}/?reviewer={college.gb_b.pk}&q=乙"))
    assert board_rows(page) == []


def test_unknown_filter_values_are_ignored(college, progress, client_for):
    response = client_for(college.org_dept).get(
        f"/cycles/{progress.pk}/?reviewer=abc&status=nonsense&kind=x&prepared=maybe"
    )
    assert response.status_code == 200 and len(board_rows(html(response))) == 5


def test_htmx_gets_only_the_board(college, progress, client_for):
    response = client_for(college.org_dept).get(
        f"/cycles/{progress.pk}/?kind=branch", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="progress"
    )
    page = html(response)
    assert page.startswith('<div id="progress">') and "<html" not in page
    assert len(board_rows(page)) == 2


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_rows(college, client_for, django_assert_max_num_queries):
    small = services.open_cycle(college.org_dept, year=2025, title="2025年度", key_items=[]).cycle
    for stage in ("report", "meeting"):  # past report: new secretaries no longer join the 2025 cycle
        services.advance_cycle(college.org_dept, small, stage, override_reason="测试：越过未满足的条件")
    add_branches(college, 35)
    large = services.open_cycle(college.org_dept, year=2026, title="2026年度", key_items=[]).cycle
    assert small.reviews.count() == 5 and large.reviews.count() == 40
    for review in large.reviews.all()[:20]:
        DutyReport.objects.create(review=review, status=ReportStatus.DRAFT)
        services.add_preparation_item("test", review, kind=PreparationKind.PROBLEM, content="问题")
    client = client_for(college.org_dept)
    client.get("/")  # session and user loaded once
    for suffix in ("", "progress.xlsx"):
        n_small = _query_count(client, f"/cycles/{small.pk}/{suffix}")
        n_large = _query_count(client, f"/cycles/{large.pk}/{suffix}")
        assert n_small == n_large, suffix
    # session, user, scope, cycle, tree order, filters, counts, rows, groups (3), the daily checks' count
    # and whether the user inspects (2) …
    with django_assert_max_num_queries(20):
        client.get(f"/cycles/{large.pk}/")


def test_the_xlsx_has_the_same_filtered_rows(college, progress, client_for):
    response = client_for(college.org_dept).get(f"/cycles/{progress.pk}/progress.xlsx?kind=branch")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == f"{progress.title} 进度表"
    assert ws["B2"].value == "组织名称"
    names = [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)]
    assert sorted(names) == ["乙学院教工党支部", "甲学院教工党支部"]


def test_a_branch_secretarys_xlsx_holds_only_their_review(college, progress, client_for):
    response = client_for(college.branch_a1_secretary).get(f"/cycles/{progress.pk}/progress.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)] == ["甲学院教工党支部"]


def test_someone_without_a_review_gets_404_for_the_board_and_the_xlsx(college, progress, client_for):
    client = client_for(college.outsider)
    assert client.get(f"/cycles/{progress.pk}/").status_code == 404
    assert client.get(f"/cycles/{progress.pk}/progress.xlsx").status_code == 404


def test_rows_and_the_reviewer_filter_are_in_tree_order(college, cycle, client_for):
    """学校党委's secretaries first by 党总支 then 直属党支部, each 党总支's 党支部 after it (orgs.tree)."""
    page = html(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/"))
    assert board_rows(page) == [
        "乙学院党总支",
        "乙学院教工党支部",
        "甲学院党总支",
        "甲学院教工党支部",
        "机关直属党支部",
    ]
    select = page.split('name="reviewer"')[1].split("</select>")[0]
    assert select.index("学校党委") < select.index("乙学院党总支") < select.index("甲学院党总支")
    sheet = load_workbook(
        io.BytesIO(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/progress.xlsx").content)
    ).active
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == board_rows(page)


def test_the_pages_and_the_xlsx_name_the_reviewer_and_the_stage_alike(college, cycle, client_for):
    """One wording everywhere, the seed's (述职评议): 评议组织 and 评议阶段, never 考核组织 / 考核阶段."""
    from django.utils.translation import gettext as _

    from shuzhi.cycles import exports

    assert _("Reviewing organisation") == "评议组织" and _("Review stage") == "评议阶段"
    assert {"评议组织", "评议阶段"} <= set(exports.HEADERS)
    client = client_for(college.org_dept)
    page = html(client.get(f"/cycles/{cycle.pk}/"))
    header = page.split('id="progress-table"')[1].split("</thead>")[0]
    assert "<th>评议组织</th>" in header and "<th>评议阶段</th>" in header
    assert 'aria-label="评议阶段"' in page  # the cycle's stepper
    sheet = load_workbook(io.BytesIO(client.get(f"/cycles/{cycle.pk}/progress.xlsx").content)).active
    assert {"评议组织", "评议阶段"} <= {cell.value for cell in sheet[2]}
    own = review_of(cycle, college.branch_a1)
    preparation = html(client_for(college.branch_a1_secretary).get(f"/cycles/review/{own.pk}/preparation/"))
    assert "<dt>评议组织</dt>" in preparation
    for text in (page, preparation):
        assert "考核组织" not in text and "考核阶段" not in text


def test_no_message_of_the_catalogue_says_考核组织_or_考核阶段():
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "shuzhi" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text()
    assert "考核组织" not in po and "考核阶段" not in po
