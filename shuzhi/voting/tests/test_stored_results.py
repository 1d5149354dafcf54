"""Results stored when a vote closes (VoteSummary, VoteResult): exactly the tally's numbers as Decimals,
written in the closing transaction, read by the pages, checked by verify_votes against a recount."""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import review_of
from shuzhi.meetings import services as meeting_services
from shuzhi.meetings.models import AgendaItem
from shuzhi.voting import closing, setup
from shuzhi.voting.casting import BallotInput, cast_ballot
from shuzhi.voting.models import (
    ResultKind,
    SurveyStatus,
    VoteResult,
    VoteSummary,
)

VALUES = {"satisfied": 100, "basic": 60, "unsatisfied": 0}


def result_url(review) -> str:
    return f"/reviews/{review.pk}/result/"


def exact_half_up(value: Fraction, places: str) -> Decimal:
    """The reference rounding: a 60-digit decimal division, then one half-up rounding."""
    with localcontext() as context:
        context.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


class Rollback(Exception):
    pass


ballot_strategy = st.tuples(
    st.integers(0, 1),  # voter category
    st.lists(st.sampled_from([None, "satisfied", "basic", "unsatisfied"]), min_size=3, max_size=3),
)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ballots=st.lists(ballot_strategy, min_size=1, max_size=14),
    weight=st.sampled_from(["30", "33.33", "50", "12.5", "87.25"]),
)
def test_the_stored_result_is_the_exact_weighted_tally_of_the_ballots(college, meeting, ballots, weight):
    actor = college.org_dept
    try:
        with transaction.atomic():
            survey = setup.create_survey(actor, meeting)
            first_weight = Decimal(weight)
            setup.set_categories(actor, survey, [("校领导", first_weight), ("教职工", Decimal(100) - first_weight)])
            categories = list(survey.categories.all())
            codes = {c.pk: setup.issue_codes(actor, survey, len(ballots), category=c) for c in categories}
            setup.open_survey(actor, survey)
            survey.refresh_from_db()
            reviews = [str(p["review"]) for p in survey.presenters]
            for number, (category, marks) in enumerate(ballots):
                ratings = {r: m for r, m in zip(reviews, marks, strict=True) if m}
                cast_ballot(survey.pk, codes[categories[category].pk][number], BallotInput(ratings, {}, {}, ""))
            closing.close_survey(actor, survey)

            valid = [(category, marks) for category, marks in ballots if any(marks)]
            summary = VoteSummary.objects.get(survey=survey)
            assert (summary.ballots, summary.valid, summary.void) == (
                len(ballots),
                len(valid),
                {"no_rating": len(ballots) - len(valid)} if len(valid) < len(ballots) else {},
            )
            assert summary.weights == [
                {"category": "校领导", "weight": f"{first_weight:.2f}"},
                {"category": "教职工", "weight": f"{Decimal(100) - first_weight:.2f}"},
            ]
            stored = {r.review_id: r for r in VoteResult.objects.filter(survey=survey, kind=ResultKind.COUNTED)}
            for index, review in enumerate(reviews):
                row = stored[int(review)]
                weighted, weights, satisfied, rated = Fraction(0), Fraction(0), 0, 0
                for category, category_weight in ((0, first_weight), (1, Decimal(100) - first_weight)):
                    marks = [m[index] for c, m in valid if c == category and m[index]]
                    assert row.by_category[category]["counts"] == {k: marks.count(k) for k in VALUES}
                    if marks:
                        mean = Fraction(sum(VALUES[m] for m in marks), len(marks))
                        assert row.by_category[category]["mean"] == str(exact_half_up(mean, "0.0001"))
                        weighted += Fraction(category_weight) * mean
                        weights += Fraction(category_weight)
                    satisfied += sum(m in ("satisfied", "basic") for m in marks)
                    rated += len(marks)
                assert isinstance(row.score, (Decimal, type(None)))
                assert row.score == (exact_half_up(weighted / weights, "0.0001") if weights else None)
                assert row.satisfaction_rate == (
                    exact_half_up(Fraction(satisfied, rated), "0.000001") if rated else None
                )
                assert (row.rated, row.not_rated) == (rated, len(valid) - rated)
            # ...and it is what the pages get, and what a recount gives.
            assert closing.verify_results(survey).ok
            raise Rollback
    except Rollback:
        pass


def test_closing_stores_one_result_per_presenter_and_the_totals(college, survey):
    first = str(survey.presenters[0]["review"])
    cast_ballot(survey.pk, survey.test_codes[0], BallotInput({first: "satisfied"}, {}, {first: "多下基层"}, "好"))
    cast_ballot(survey.pk, survey.test_codes[1], BallotInput({first: "basic"}, {}, {}, ""))
    cast_ballot(survey.pk, survey.test_codes[2], BallotInput({}, {}, {first: "无效票上的意见"}, ""))
    closing.close_survey(college.org_dept, survey)
    rows = list(VoteResult.objects.filter(survey=survey).order_by("position"))
    assert [r.review_id for r in rows] == [p["review"] for p in survey.presenters]
    top = rows[0]
    assert top.score == Decimal("80.0000") and top.satisfaction_rate == Decimal("1.000000")
    assert top.counts == {"satisfied": 1, "basic": 1, "unsatisfied": 0} and top.suggestions == ["多下基层"]
    assert all(r.is_current for r in rows) and rows[1].score is None
    summary = survey.stored_summary
    assert (summary.ballots, summary.valid, summary.void, summary.codes_issued) == (3, 2, {"no_rating": 1}, 10)
    assert summary.overall_suggestions["counted"] == ["好"] and summary.void_suggestions == {first: ["无效票上的意见"]}
    closing.close_survey(college.org_dept, survey)  # a second close (double click) stores nothing more
    assert VoteResult.objects.filter(survey=survey).count() == 3


def test_a_rehearsal_stores_no_result(college, meeting):
    rehearsal = setup.start_rehearsal(college.org_dept, meeting)
    codes = setup.issue_codes(college.org_dept, rehearsal, 2)
    setup.open_survey(college.org_dept, rehearsal)
    rehearsal.refresh_from_db()
    cast_ballot(rehearsal.pk, codes[0], BallotInput({str(rehearsal.presenters[0]["review"]): "satisfied"}, {}, {}, ""))
    closing.close_survey(college.org_dept, rehearsal)
    assert not VoteResult.objects.exists() and not VoteSummary.objects.exists()


def test_a_failure_while_closing_leaves_no_result_and_the_vote_open(college, survey, monkeypatch):
    cast_ballot(
        survey.pk, survey.test_codes[0], BallotInput({str(survey.presenters[0]["review"]): "satisfied"}, {}, {}, "")
    )

    def fail(*args, **kwargs):  # close_survey audits last, after storing the results, in its transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(closing, "record", fail)
    with pytest.raises(RuntimeError):
        closing.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and not survey.seal_digest
    assert not VoteResult.objects.exists() and not VoteSummary.objects.exists()
    monkeypatch.undo()
    closing.close_survey(college.org_dept, survey)
    assert VoteResult.objects.filter(survey=survey).count() == 3


def _closed(college, survey):
    first, second = (str(p["review"]) for p in survey.presenters[:2])
    for code, rating in zip(survey.test_codes[:4], ["satisfied", "satisfied", "basic", "unsatisfied"], strict=True):
        cast_ballot(survey.pk, code, BallotInput({first: rating, second: "satisfied"}, {}, {}, ""))
    return closing.close_survey(college.org_dept, survey)


def test_verify_votes_names_a_stored_result_changed_behind_the_applications_back(college, survey, client_for):
    survey = _closed(college, survey)
    out = StringIO()
    call_command("verify_votes", stdout=out)
    assert "OK" in out.getvalue() and "存储的测评结果与重新计票一致" in out.getvalue()
    first = survey.presenters[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_voteresult SET score = 99.5 WHERE survey_id = %s AND review_id = %s",
            [survey.pk, first["review"]],
        )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_votes", stdout=out)
    report = out.getvalue()
    assert "FAIL" in report and f"{first['org']} {first['name']}（得分）" in report
    assert "99.5" in report and "65.0000" in report  # stored, and the recount: (100+100+60+0)/4
    assert survey.presenters[1]["name"] not in report  # only the changed result is named
    page = client_for(college.org_dept).get(f"/meetings/{survey.meeting_id}/vote-design/{survey.pk}/verify/")
    html = page.content.decode()
    assert 'id="recount-differs"' in html and f"{first['name']}（得分）" in html
    # The seal is untouched: the ballots are fine, only the stored result was changed.
    assert 'id="verify-ok"' in html


def test_the_results_page_and_xlsx_show_the_stored_result(college, survey, client_for):
    survey = _closed(college, survey)
    with connection.cursor() as cursor:  # what the page shows comes from the stored rows, not a recount
        cursor.execute(
            "UPDATE voting_voteresult SET score = 12.3456 WHERE survey_id = %s AND review_id = %s",
            [survey.pk, survey.presenters[0]["review"]],
        )
    client = client_for(college.org_dept)
    page = client.get(f"/meetings/{survey.meeting_id}/vote/{survey.pk}/results/").content.decode()
    assert "12.35" in page and 'id="recount-link"' in page
    from io import BytesIO

    from openpyxl import load_workbook

    xlsx = client.get(f"/meetings/{survey.meeting_id}/vote/{survey.pk}/results.xlsx")
    values = [
        cell for row in load_workbook(BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True) for cell in row
    ]
    assert Decimal("12.35") in [Decimal(str(v)) for v in values if isinstance(v, (int, float, Decimal))]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _vote(college, meeting, ratings_per_ballot: int, ballots: int):
    survey = setup.create_survey(college.org_dept, meeting)
    codes = setup.issue_codes(college.org_dept, survey, ballots)
    setup.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    reviews = [str(p["review"]) for p in survey.presenters][:ratings_per_ballot]
    for number, code in enumerate(codes):
        cast_ballot(
            survey.pk,
            code,
            BallotInput({r: "basic" for r in reviews}, {}, {r: f"意见{number}" for r in reviews}, f"总体{number}"),
        )
    return closing.close_survey(college.org_dept, survey)


def test_the_results_and_own_result_pages_take_the_same_queries_whatever_the_size_of_the_vote(
    college, cycle, meeting, client_for
):
    small_meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支委员会扩大会议",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    small = _vote(college, small_meeting, 1, 1)
    large = _vote(college, meeting, 3, 30)
    client = client_for(college.org_dept)
    for meeting_id, survey, review in (
        (small_meeting.pk, small, review_of(cycle, college.branch_a1)),
        (meeting.pk, large, review_of(cycle, college.gb_a)),
    ):
        counts = (
            _queries(client, f"/meetings/{meeting_id}/vote/{survey.pk}/results/"),
            _queries(client, result_url(review)),
            _queries(client, f"/meetings/{meeting_id}/vote-design/{survey.pk}/breakdown/"),
        )
        if survey is small:
            expected = counts
    assert counts == expected


def test_a_review_presented_again_at_a_rerun_vote_has_one_current_result(college, cycle, survey, client_for):
    survey = _closed(college, survey)
    review = review_of(cycle, college.gb_a)
    first = VoteResult.objects.get(survey=survey, review=review, kind=ResultKind.COUNTED)
    AgendaItem.objects.filter(review=review).delete()  # the presentation is redone at a second meeting
    rerun = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.committee,
        title="重新评议会",
        starts_at=timezone.now(),
        place="第二会议室",
        comment_mode="collective",
        agenda=[(review, "on_site")],
    )
    meeting_services.add_comment(college.committee_member, rerun, review=None, problems="集中点评的问题")
    second = setup.create_survey(college.org_dept, rerun)
    codes = setup.issue_codes(college.org_dept, second, 2)
    setup.open_survey(college.org_dept, second)
    cast_ballot(second.pk, codes[0], BallotInput({str(review.pk): "unsatisfied"}, {}, {}, ""))
    closing.close_survey(college.org_dept, second)
    first.refresh_from_db()
    current = VoteResult.objects.get(review=review, kind=ResultKind.COUNTED, is_current=True)
    assert current.survey_id == second.pk and current.score == Decimal("0.0000") and not first.is_current
    page = client_for(college.gb_a_secretary).get(result_url(review)).content.decode()
    assert "重新评议会" in page and "集中点评的问题" in page and 'id="score">0.00<' in page


def test_each_secretary_sees_their_own_result_and_comments_and_nobody_elses(college, cycle, survey, client_for):
    review = review_of(cycle, college.gb_a)
    meeting_services.add_comment(college.committee_member, survey.meeting, review=review, problems="党建与业务融合不够")
    other = review_of(cycle, college.gb_b)
    meeting_services.add_comment(college.committee_member, survey.meeting, review=other, problems="乙的问题")
    client = client_for(college.gb_a_secretary)
    before = client.get(result_url(review)).content.decode()
    assert 'id="no-result"' in before and survey.meeting.title in before and "党建与业务融合不够" not in before
    _closed(college, survey)
    page = client.get(result_url(review)).content.decode()
    assert 'id="score">65.00<' in page and "75.0%" in page  # 3 of 4 satisfied or basically
    assert "党建与业务融合不够" in page and "乙的问题" not in page
    for outsider in (
        college.gb_b_secretary,
        college.branch_b1_secretary,
        college.direct_secretary,
        college.branch_a1_secretary,
    ):
        assert client_for(outsider).get(result_url(review)).status_code == 404
    for reader in (college.committee_member, college.org_dept):
        assert client_for(reader).get(result_url(review)).status_code == 200
    assert client_for(college.gb_a_secretary).get("/reviews/999999/result/").status_code == 404


def test_the_report_page_says_when_the_meeting_is_then_links_to_the_result(college, cycle, survey, client_for):
    review = review_of(cycle, college.gb_a)
    client = client_for(college.gb_a_secretary)
    page = client.get(f"/reports/review/{review.pk}/").content.decode()
    assert 'id="review-vote"' in page and survey.meeting.title in page and "review-result-link" not in page
    _closed(college, survey)
    page = client.get(f"/reports/review/{review.pk}/").content.decode()
    assert f'href="/reviews/{review.pk}/result/"' in page


def test_a_small_voter_category_is_flagged_on_the_results_and_not_broken_down_for_the_secretary(
    college, cycle, meeting, client_for
):
    survey = setup.create_survey(college.org_dept, meeting)
    setup.set_categories(college.org_dept, survey, [("校领导", Decimal(30)), ("教职工", Decimal(70))])
    leaders, staff = survey.categories.all()
    one = setup.issue_codes(college.org_dept, survey, 1, category=leaders)
    many = setup.issue_codes(college.org_dept, survey, 3, category=staff)
    setup.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first = str(survey.presenters[0]["review"])
    for code in one + many:
        cast_ballot(survey.pk, code, BallotInput({first: "satisfied"}, {}, {}, ""))
    closing.close_survey(college.org_dept, survey)
    results_page = client_for(college.org_dept).get(f"/meetings/{meeting.pk}/vote/{survey.pk}/results/")
    assert 'id="small-categories"' in results_page.content.decode() and "校领导" in results_page.content.decode()
    own = client_for(college.gb_a_secretary).get(result_url(review_of(cycle, college.gb_a))).content.decode()
    assert "Mean value" not in own and "平均" not in own and 'id="weights"' in own
