"""Voter categories with weights, the configurable form, valid-ballot rules, rehearsals and the seal."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from shuzhi.voting import ballotform, services
from shuzhi.voting.models import Ballot, BallotCode, Survey
from shuzhi.voting.services import BallotInput


@pytest.fixture
def draft(college, meeting):
    return services.create_survey(college.org_dept, meeting)


def test_category_weights_must_add_up_to_100(college, draft):
    with pytest.raises(ValidationError) as error:
        services.set_categories(college.org_dept, draft, [("校领导", 30), ("中层干部", 30), ("教职工党员代表", 30)])
    assert "100" in str(error.value)
    services.set_categories(
        college.org_dept, draft, [("校领导", 30), ("中层干部", 30), ("党支部书记", 20), ("教职工党员代表", 20)]
    )
    assert [c.name for c in draft.categories.all()] == ["校领导", "中层干部", "党支部书记", "教职工党员代表"]


def test_weighted_score_per_category(college, draft):
    leaders, staff = services.set_categories(college.org_dept, draft, [("校领导", 30), ("教职工", 70)])
    leader_codes = services.issue_codes(college.org_dept, draft, 1, category=leaders)
    staff_codes = services.issue_codes(college.org_dept, draft, 2, category=staff)
    services.open_survey(college.org_dept, draft)
    draft.refresh_from_db()
    first = str(draft.presenters[0]["review"])
    services.cast_ballot(draft.pk, leader_codes[0], BallotInput({first: "satisfied"}, {}, {}))
    services.cast_ballot(draft.pk, staff_codes[0], BallotInput({first: "basic"}, {}, {}))
    services.cast_ballot(draft.pk, staff_codes[1], BallotInput({first: "unsatisfied"}, {}, {}))
    services.close_survey(college.org_dept, draft)
    result = services.results(draft).presenters[0]
    assert abs(result.score - (30 * 100 + 70 * 30) / 100) < 1e-9
    by_name = {c.name: c for c in result.by_category}
    assert by_name["校领导"].rated == 1 and by_name["教职工"].rated == 2
    assert Ballot.objects.filter(category=leaders).count() == 1


def test_categories_fixed_once_ballots_arrive(college, survey):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    with pytest.raises(ValidationError):
        services.set_categories(college.org_dept, survey, [("参会人员", 100)])


def test_form_with_items_and_rules_is_validated(college, draft):
    form = {
        "options": [
            {"key": "good", "label": "好", "value": 100, "satisfied": True},
            {"key": "bad", "label": "差", "value": 0},
        ],
        "items": [{"key": "duty", "label": "履行第一责任人职责"}],
        "rules": {"max_satisfied_share": 0.8, "max_satisfied_action": "flag", "all_unsatisfied_action": "flag"},
    }
    survey = services.set_survey_form(college.org_dept, draft, form)
    assert survey.form["items"][0]["options"][0]["label"] == "好"
    for bad in (
        {"options": [{"key": "a", "label": "甲", "value": 1}]},
        {"options": [{"key": "A B", "label": "甲", "value": 1}, {"key": "b", "label": "乙", "value": 0}]},
        {"options": [{"key": "a", "label": "甲", "value": "x"}, {"key": "b", "label": "乙", "value": 0}]},
        {"rules": {"max_satisfied_share": 2}},
        {"rules": {"all_unsatisfied_action": "drop"}},
    ):
        with pytest.raises(ValidationError):
            services.set_survey_form(college.org_dept, draft, bad)


def test_form_cannot_change_after_the_first_ballot(college, survey):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    with pytest.raises(ValidationError):
        services.set_survey_form(college.org_dept, survey, ballotform.default_form())


def test_void_and_flagged_ballots_are_counted_separately(college, draft):
    services.set_survey_form(
        college.org_dept,
        draft,
        {
            **ballotform.default_form(),
            "rules": {
                "void_if_no_rating": True,
                "max_satisfied_share": 0.5,
                "max_satisfied_action": "flag",
                "all_unsatisfied_action": "flag",
            },
        },
    )
    codes = services.issue_codes(college.org_dept, draft, 4)
    services.open_survey(college.org_dept, draft)
    draft.refresh_from_db()
    ids = [str(p["review"]) for p in draft.presenters]
    services.cast_ballot(draft.pk, codes[0], BallotInput({}, {}, {}))  # void
    services.cast_ballot(draft.pk, codes[1], BallotInput(dict.fromkeys(ids, "satisfied"), {}, {}))  # flagged
    services.cast_ballot(draft.pk, codes[2], BallotInput(dict.fromkeys(ids, "unsatisfied"), {}, {}))  # flagged
    services.cast_ballot(draft.pk, codes[3], BallotInput({ids[0]: "satisfied", ids[1]: "basic"}, {}, {}))  # valid
    services.close_survey(college.org_dept, draft)
    results = services.results(draft)
    assert results.ballots == 4 and results.valid == 1
    assert results.void == {"no_rating": 1}
    assert results.flagged == {"too_many_top": 1, "all_bottom": 1}
    assert results.presenters[0].rated == 1
    assert results.flagged_presenters[0].rated == 2


def test_rehearsal_counts_nothing_and_is_wiped_without_touching_the_real_vote(college, meeting, survey):
    real_ballot = services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    codes = services.issue_codes(college.org_dept, rehearsal, 3)
    services.open_survey(college.org_dept, rehearsal)
    services.cast_ballot(rehearsal.pk, codes[0], BallotInput({}, {}, {}))
    with pytest.raises(ValidationError):
        services.wipe_rehearsal(college.org_dept, survey)
    services.wipe_rehearsal(college.org_dept, rehearsal)
    assert not Survey.objects.filter(pk=rehearsal.pk).exists()
    assert not BallotCode.objects.filter(survey_id=rehearsal.pk).exists()
    assert Ballot.objects.filter(survey=survey, receipt=real_ballot).exists()
    assert BallotCode.objects.filter(survey=survey).count() == 10


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_seal_verification_names_a_ballot_edited_behind_the_apps_back(college, survey):
    first = str(survey.presenters[0]["review"])
    receipts = [
        services.cast_ballot(survey.pk, code, BallotInput({first: "basic"}, {}, {})) for code in survey.test_codes[:3]
    ]
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    assert services.verify_seal(survey).ok
    _tamper("UPDATE voting_ballot SET ratings = %s WHERE receipt = %s", [f'{{"{first}": "satisfied"}}', receipts[1]])
    check = services.verify_seal(survey)
    assert not check.ok and check.changed == [receipts[1]] and not check.missing
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_votes", str(survey.pk), stdout=out)
    assert receipts[1] in out.getvalue()


def test_seal_verification_names_deleted_and_added_ballots(college, survey):
    receipts = [services.cast_ballot(survey.pk, code, BallotInput({}, {}, {})) for code in survey.test_codes[:2]]
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    _tamper("DELETE FROM voting_ballot WHERE receipt = %s", [receipts[0]])
    check = services.verify_seal(survey)
    assert check.missing == [receipts[0]]


def test_archive_rows_can_be_re_verified_from_the_export_alone(college, survey):
    import hashlib

    for code in survey.test_codes[:3]:
        services.cast_ballot(survey.pk, code, BallotInput({str(survey.presenters[0]["review"]): "satisfied"}, {}, {}))
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()
    headers, rows = services.archive_rows(survey)
    payload_col, digest_col = headers.index("票面数据(JSON)"), headers.index("单票摘要(SHA-256)")
    per_ballot = {}
    for row in rows:
        assert hashlib.sha256(row[payload_col].encode()).hexdigest() == row[digest_col]
        per_ballot[row[0]] = row[digest_col]
    top = hashlib.sha256("\n".join(f"{r}:{d}" for r, d in sorted(per_ballot.items())).encode()).hexdigest()
    assert top == survey.seal_digest


def test_category_code_used_in_another_meeting_is_refused(college, cycle, survey):
    from django.utils import timezone

    from conftest import review_of
    from shuzhi.meetings import services as meeting_services

    other_meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="另一场",
        starts_at=timezone.now(),
        place="会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    other = services.create_survey(college.org_dept, other_meeting)
    services.open_survey(college.org_dept, other)
    with pytest.raises(services.BallotRefused) as refused:
        services.cast_ballot(other.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    assert refused.value.reason == "other_meeting"


def test_weights_are_decimals_not_floats(college, draft):
    cats = services.set_categories(college.org_dept, draft, [("甲", "33.33"), ("乙", "33.33"), ("丙", "33.34")])
    assert sum(c.weight for c in cats) == Decimal(100)
