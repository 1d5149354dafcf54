"""One ballot per code, counted exactly once; every refusal explained."""

import threading

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuzhi.voting import closing as closing_module
from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode, CodeStatus
from shuzhi.voting.services import BallotInput, BallotRefused


def full_ballot(survey, option="satisfied"):
    return BallotInput({str(p["review"]): option for p in survey.presenters}, {}, {}, "")


def test_a_code_votes_once_and_gets_a_receipt(survey):
    receipt = services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey))
    assert len(receipt) == codelib.RECEIPT_LENGTH
    assert Ballot.objects.filter(survey=survey).count() == 1
    code = BallotCode.objects.get(code_hash=codelib.code_hash(survey.test_codes[0]))
    assert code.status == CodeStatus.USED and code.sealed_code == ""  # sealed text erased on use


def test_second_use_of_a_code_is_refused(survey):
    services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey))
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey, "basic"))
    assert refused.value.reason == "used" and "已" in str(refused.value)
    assert Ballot.objects.filter(survey=survey).count() == 1


def test_typing_is_forgiving_about_case_spaces_and_hyphens(survey):
    typed = codelib.format_code(survey.test_codes[1]).lower().replace("-", " - ")
    assert services.cast_ballot(survey.pk, typed, full_ballot(survey))


@pytest.mark.parametrize("typed", ["", "ABC", "0000000000000", "ZZZZZZZZZZZZZ"])
def test_unknown_codes_are_refused(survey, typed):
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(survey.pk, typed, full_ballot(survey))
    assert refused.value.reason == "unknown"


def test_code_of_another_meeting_is_refused(college, cycle, survey):
    from django.utils import timezone

    from conftest import review_of
    from shuzhi.meetings import services as meeting_services

    other_meeting = meeting_services.schedule_meeting(
        college.org_dept,
        cycle=cycle,
        reviewer=college.gb_a,
        title="甲学院党总支述职评议会",
        starts_at=timezone.now(),
        place="甲学院会议室",
        agenda=[(review_of(cycle, college.branch_a1), "on_site")],
    )
    other = services.create_survey(college.org_dept, other_meeting)
    other_codes = services.issue_codes(college.org_dept, other, 2)
    services.open_survey(college.org_dept, other)
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(survey.pk, other_codes[0], full_ballot(survey))
    assert refused.value.reason == "other_meeting"
    assert BallotCode.objects.get(code_hash=codelib.code_hash(other_codes[0])).status == CodeStatus.UNUSED


def test_rehearsal_code_is_refused_on_the_real_vote(college, meeting, survey):
    rehearsal = services.create_survey(college.org_dept, meeting, rehearsal=True)
    codes = services.issue_codes(college.org_dept, rehearsal, 1)
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(survey.pk, codes[0], full_ballot(survey))
    assert refused.value.reason == "rehearsal"


def test_vote_after_closing_is_refused_and_result_does_not_change(college, survey):
    services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey))
    services.close_survey(college.org_dept, survey)
    before = services.results(survey).presenters[0].counts
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(survey.pk, survey.test_codes[1], full_ballot(survey))
    assert refused.value.reason == "not_open"
    assert services.results(survey).presenters[0].counts == before


def test_vote_before_opening_is_refused(college, meeting):
    draft = services.create_survey(college.org_dept, meeting)
    codes = services.issue_codes(college.org_dept, draft, 1)
    with pytest.raises(BallotRefused) as refused:
        services.cast_ballot(draft.pk, codes[0], BallotInput({}, {}, {}))
    assert refused.value.reason == "not_open"


def test_forged_presenter_or_option_is_refused_and_the_code_stays_unused(survey):
    with pytest.raises(ValidationError):
        services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({"999999": "satisfied"}, {}, {}))
    with pytest.raises(ValidationError):
        services.cast_ballot(
            survey.pk, survey.test_codes[0], BallotInput({str(survey.presenters[0]["review"]): "excellent"}, {}, {})
        )
    assert BallotCode.objects.get(code_hash=codelib.code_hash(survey.test_codes[0])).status == CodeStatus.UNUSED


def test_partial_ballot_and_suggestions_are_kept(survey):
    first = str(survey.presenters[0]["review"])
    services.cast_ballot(
        survey.pk,
        survey.test_codes[0],
        BallotInput({first: "basic"}, {}, {first: "<script>alert(1)</script>多下基层"}, "整体很好"),
    )
    ballot = Ballot.objects.get(survey=survey)
    assert ballot.ratings == {first: "basic"}
    assert ballot.suggestions[first] == "<script>alert(1)</script>多下基层"


def test_codes_have_at_least_64_bits_and_no_look_alike_characters(survey):
    assert codelib.BITS_PER_CODE >= 64
    for ch in "01OIL":
        assert ch not in codelib.ALPHABET
    assert all(codelib.looks_valid(c) for c in survey.test_codes)
    assert len(set(survey.test_codes)) == len(survey.test_codes)


def test_guessing_is_throttled(db, monkeypatch):
    now = services.time.time()
    monkeypatch.setattr(services.time, "time", lambda: now)  # one throttle window for the whole test
    for _ in range(services.guess_limit()):
        assert not services.too_many_guesses("10.0.0.9")
        services.note_failed_guess("10.0.0.9")
    assert services.too_many_guesses("10.0.0.9")
    assert not services.too_many_guesses("10.0.0.10")


# --- Casting while the vote closes ---------------------------------------------------------------
# Two real connections (threads): one transaction is held open at a chosen point while the other
# runs. On PostgreSQL the cast share-locks the survey row and close_survey locks it for update; on
# SQLite the IMMEDIATE transactions queue on the write lock. Either way nothing may be counted after
# the seal, and a ballot whose code was claimed before the close is in the seal.


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    from django.db import connection as thread_connection

    def run():
        try:
            results[key] = target()
        except Exception as error:  # noqa: BLE001 - handed to the test thread
            results[key] = error
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_ballot_cast_while_the_vote_closes_is_refused_not_counted_after_the_seal(college, survey, monkeypatch):
    in_close, release = threading.Event(), threading.Event()
    real_record = closing_module.record

    def record_then_wait(*args, **kwargs):  # close_survey audits last, inside its transaction
        real_record(*args, **kwargs)
        in_close.set()
        assert release.wait(30)

    monkeypatch.setattr(closing_module, "record", record_then_wait)
    results: dict = {}
    closing = _in_thread(lambda: services.close_survey(college.org_dept, survey), results, "close")
    assert in_close.wait(30)
    casting = _in_thread(
        lambda: services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey)), results, "cast"
    )
    casting.join(0.5)
    assert casting.is_alive(), "the cast must wait for the close to finish"
    release.set()
    closing.join(30)
    casting.join(30)
    assert isinstance(results["cast"], BallotRefused) and results["cast"].reason == "not_open"
    survey.refresh_from_db()
    assert survey.seal["count"] == 0 and Ballot.objects.filter(survey=survey).count() == 0
    assert services.verify_seal(survey).ok
    assert BallotCode.objects.get(code_hash=codelib.code_hash(survey.test_codes[0])).status == CodeStatus.UNUSED


@pytest.mark.django_db(transaction=True)
def test_a_vote_closing_while_a_ballot_is_being_cast_waits_for_it_and_seals_it(college, survey, monkeypatch):
    claimed, release = threading.Event(), threading.Event()
    real_receipt = codelib.new_receipt

    def receipt_then_wait() -> str:  # cast_ballot draws the receipt after claiming the code
        claimed.set()
        assert release.wait(30)
        return real_receipt()

    monkeypatch.setattr(services.codelib, "new_receipt", receipt_then_wait)
    results: dict = {}
    casting = _in_thread(
        lambda: services.cast_ballot(survey.pk, survey.test_codes[0], full_ballot(survey)), results, "cast"
    )
    assert claimed.wait(30)
    closing = _in_thread(lambda: services.close_survey(college.org_dept, survey), results, "close")
    closing.join(0.5)
    assert closing.is_alive(), "the close must wait for the ballot being cast"
    release.set()
    casting.join(30)
    closing.join(30)
    assert isinstance(results["cast"], str), results["cast"]
    survey.refresh_from_db()
    assert survey.seal["count"] == 1 and list(survey.seal["ballots"]) == [results["cast"]]
    assert services.verify_seal(survey).ok
    assert services.results(survey).ballots == 1


# --- The invariant, over any sequence of attempts -------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    attempts=st.lists(
        st.tuples(
            st.sampled_from(["cast", "cast", "cast", "unknown", "close"]),
            st.integers(0, 5),
            st.sampled_from(["plain", "formatted", "lower"]),
        ),
        max_size=25,
    )
)
def test_any_sequence_of_attempts_counts_each_code_at_most_once(college, meeting, attempts):
    """Whatever voters try, in whatever order (the same code again, typed differently, unknown codes,
    voting after the close): ballots stored = codes accepted, each accepted code once, each receipt
    once, nothing accepted after the close, and the seal verifies."""
    survey = services.create_survey(college.org_dept, meeting, rehearsal=True)
    codes = services.issue_codes(college.org_dept, survey, 6)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    typed = {"plain": str, "formatted": codelib.format_code, "lower": lambda c: codelib.format_code(c).lower()}
    accepted: dict[str, str] = {}  # code -> receipt
    closed = False
    for action, index, form in attempts:
        if action == "close":
            services.close_survey(college.org_dept, survey)
            closed = True
            continue
        code = codes[index] if action == "cast" else "Z" * codelib.CODE_LENGTH
        try:
            receipt = services.cast_ballot(survey.pk, typed[form](code), full_ballot(survey))
        except BallotRefused as refused:
            expected = "not_open" if closed else ("unknown" if action == "unknown" else "used")
            assert refused.reason == expected
            assert action == "unknown" or closed or code in accepted
        else:
            assert action == "cast" and not closed and code not in accepted
            accepted[code] = receipt
    stored = list(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True))
    assert sorted(stored) == sorted(accepted.values()) and len(set(stored)) == len(stored)
    used = {c for c in codes if BallotCode.objects.get(code_hash=codelib.code_hash(c)).status == CodeStatus.USED}
    assert used == set(accepted)
    if closed:
        survey.refresh_from_db()
        assert services.verify_seal(survey).ok and services.results(survey).ballots == len(accepted)
