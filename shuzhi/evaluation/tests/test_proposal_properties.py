"""Property tests of the grade proposal and the composite score (pure functions, no database)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import assume, given
from hypothesis import strategies as st

from shuzhi.evaluation import proposal, scoring
from shuzhi.evaluation.proposal import RANK, Candidate, Grade, Quotas, Rounding

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
# Few distinct values so that ties at the boundaries are common.
tied_scores = st.sampled_from([Decimal(v) for v in ("55", "60", "70", "80", "80.5", "90", "95")])
composites = st.one_of(scores, tied_scores)


@st.composite
def quota_settings(draw) -> Quotas:
    good = draw(st.decimals(min_value=0, max_value=60, places=0))
    low = draw(st.decimals(min_value=0, max_value=100 - good, places=0))
    return Quotas(
        good_share=good,
        rounding=draw(st.sampled_from(list(Rounding))),
        low_share=low,
        low_min_people=draw(st.integers(min_value=1, max_value=30)),
        poor_below=draw(st.one_of(st.none(), st.sampled_from([Decimal(50), Decimal(60)]))),
    )


def groups(min_size: int = 0, max_size: int = 80):
    return st.lists(composites, min_size=min_size, max_size=max_size).map(
        lambda values: [Candidate(key=i + 1, composite=v) for i, v in enumerate(values)]
    )


@given(groups(), quota_settings())
def test_the_proposal_never_exceeds_the_good_cap(group, quotas):
    result = proposal.propose(group, quotas)
    good = sum(1 for g in result.grades.values() if g == Grade.GOOD)
    assert good <= proposal.good_cap(len(group), quotas)
    assert proposal.quota_status(result.grades.values(), quotas).over_cap is False


@given(groups(), quota_settings())
def test_the_proposal_meets_the_minimum_share_when_the_group_is_large_enough(group, quotas):
    result = proposal.propose(group, quotas)
    low = sum(1 for g in result.grades.values() if g in proposal.LOW)
    needed = proposal.low_required(len(group), quotas)
    assert low >= needed
    if len(group) >= quotas.low_min_people and len(group) > 0:
        assert needed >= 1
        assert low >= 1


@given(groups(), quota_settings(), st.randoms(use_true_random=False))
def test_the_proposal_is_independent_of_input_order(group, quotas, rnd: random.Random):
    shuffled = list(group)
    rnd.shuffle(shuffled)
    first, second = proposal.propose(group, quotas), proposal.propose(shuffled, quotas)
    assert first.grades == second.grades
    assert set(first.ties) == set(second.ties)
    assert proposal.propose(group, quotas) == first  # deterministic


@given(groups(), quota_settings())
def test_a_higher_composite_never_gets_a_lower_grade(group, quotas):
    result = proposal.propose(group, quotas)
    for a in group:
        for b in group:
            if a.composite > b.composite:
                assert RANK[result.grades[a.key]] <= RANK[result.grades[b.key]]
            if a.composite == b.composite:  # ties are never broken: the same proposal, the reviewer decides
                assert result.grades[a.key] == result.grades[b.key]


@given(groups(), quota_settings())
def test_a_tie_is_reported_exactly_when_a_boundary_splits_a_run(group, quotas):
    result = proposal.propose(group, quotas)
    for tie in result.ties:
        assert {c.composite for c in group if c.key in tie.keys} == {tie.score}
        assert len(tie.keys) > tie.places
        assert tie.keys == {c.key for c in group if c.composite == tie.score}


@given(groups(min_size=1), quota_settings())
def test_people_without_a_composite_get_no_proposal_and_still_count(group, quotas):
    group = [*group, Candidate(key=10_000, composite=None)]
    result = proposal.propose(group, quotas)
    assert result.grades[10_000] is None
    assert result.people == len(group)


def test_ties_at_the_good_boundary_are_left_to_the_reviewer():
    group = [
        Candidate(i, Decimal(s)) for i, s in enumerate(["95", "90", "90", "80", "70", "70", "65", "64", "63", "62"])
    ]
    result = proposal.propose(group, Quotas())
    assert result.cap == 3
    assert [result.grades[i] for i in range(3)] == [Grade.GOOD, Grade.GOOD, Grade.GOOD]
    group[3] = Candidate(3, Decimal("90"))  # now three share 90 with two places left
    result = proposal.propose(group, Quotas())
    assert result.grades[0] == Grade.GOOD
    assert {result.grades[i] for i in (1, 2, 3)} == {Grade.FAIR}
    (tie,) = result.ties
    assert tie.boundary == proposal.Boundary.GOOD and tie.keys == {1, 2, 3} and tie.places == 2
    assert "3" in tie.statement() and "90" in tie.statement()


def test_the_cap_rounds_as_set():
    assert proposal.good_cap(11, Quotas()) == 3
    assert proposal.good_cap(15, Quotas(rounding=Rounding.ROUND)) == 5  # 4.5 half up
    assert proposal.good_cap(11, Quotas(rounding=Rounding.CEIL)) == 4
    assert proposal.low_required(9, Quotas()) == 0
    assert proposal.low_required(10, Quotas()) == 1
    assert proposal.low_required(25, Quotas()) == 2


def test_poor_below_the_set_score():
    group = [Candidate(1, Decimal("59.99")), Candidate(2, Decimal("60")), Candidate(3, Decimal("90"))]
    result = proposal.propose(group, Quotas())
    assert result.grades == {1: Grade.POOR, 2: Grade.FAIR, 3: Grade.FAIR}  # cap of 3 people is 0
    assert proposal.propose(group, Quotas(poor_below=None)).grades[1] == Grade.FAIR


def test_the_quota_status_says_how_each_quota_is_met():
    status = proposal.quota_status([Grade.GOOD] * 4 + [Grade.FAIR] * 6, Quotas())
    assert status.over_cap and status.below_minimum
    text = " ".join(status.statements())
    assert "3" in text and "4" in text


# --- The composite ------------------------------------------------------------------------------------

weights = (
    st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100))
    .filter(lambda t: t[0] + t[1] <= 100)
    .map(lambda t: scoring.Weights(Decimal(t[0]), Decimal(t[1]), Decimal(100 - t[0] - t[1])))
)
component_scores = st.fixed_dictionaries(
    {c: st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=4)) for c in scoring.COMPONENTS}
)


@given(component_scores, weights, st.sampled_from(list(scoring.MissingRule)))
def test_the_composite_is_within_0_100_and_equals_the_weighted_sum(values, w, rule):
    assert scoring.weights_problem(w) is None
    result = scoring.composite(values, w, rule)
    counted = {
        c: (values[c] if values[c] is not None else Decimal(0))
        for c in scoring.COMPONENTS
        if w.of(c) > 0 and (values[c] is not None or rule == scoring.MissingRule.ZERO)
    }
    total = sum((w.of(c) for c in counted), Decimal(0))
    if not total:
        assert result.composite is None
        return
    expected = (sum((counted[c] * w.of(c) for c in counted), Decimal(0)) / total).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert result.composite == expected
    assert Decimal(0) <= result.composite <= Decimal(100)
    with localcontext() as ctx:  # the shown parts add up to the composite (to far below a cent)
        ctx.prec = scoring.PRECISION
        assert abs(sum((p.contribution for p in result.parts), Decimal(0)) - result.exact) < Decimal("1e-40")
        assert abs(sum((p.effective_weight for p in result.parts), Decimal(0)) - 100) < Decimal("1e-40")


@given(component_scores, weights)
def test_a_missing_component_is_never_silently_zero(values, w):
    result = scoring.composite(values, w, scoring.MissingRule.REWEIGHT)
    for part in result.parts:
        if part.missing:
            assert part.effective_weight == 0 and part.contribution == 0 and not part.counted_as_zero
    assume(result.missing)
    assert result.flagged
    assert result.reweighted or result.composite is None


def test_reweighting_a_review_with_no_daily_check():
    w = scoring.DEFAULT_WEIGHTS
    result = scoring.composite(
        {
            scoring.Component.VOTE: Decimal("90"),
            scoring.Component.DAILY: None,
            scoring.Component.REVIEWER: Decimal("80"),
        },
        w,
        scoring.MissingRule.REWEIGHT,
    )
    # (90×40 + 80×30) / 70 = 85.714… → 85.71
    assert result.composite == Decimal("85.71")
    assert result.missing == (scoring.Component.DAILY,)
    assert result.reweighted
    zero = scoring.composite(
        {
            scoring.Component.VOTE: Decimal("90"),
            scoring.Component.DAILY: None,
            scoring.Component.REVIEWER: Decimal("80"),
        },
        w,
        scoring.MissingRule.ZERO,
    )
    assert zero.composite == Decimal("60.00") and zero.parts[1].counted_as_zero


def test_rounded_once_half_up():
    w = scoring.Weights(Decimal(50), Decimal(50), Decimal(0))
    result = scoring.composite(
        {scoring.Component.VOTE: Decimal("80.005"), scoring.Component.DAILY: Decimal("80.005")},
        w,
        scoring.MissingRule.REWEIGHT,
    )
    assert result.composite == Decimal("80.01")


def test_weights_must_add_up_to_100():
    assert "100" in scoring.weights_problem(scoring.Weights(Decimal(40), Decimal(30), Decimal(20)))
    assert scoring.weights_problem(scoring.Weights(Decimal(-10), Decimal(60), Decimal(50)))
    assert scoring.weights_problem(scoring.Weights(Decimal("33.333"), Decimal("33.333"), Decimal("33.334")))
    assert scoring.weights_problem(scoring.DEFAULT_WEIGHTS) is None
