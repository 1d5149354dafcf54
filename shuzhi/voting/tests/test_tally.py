"""Tallies: every valid rating counted once, weighted scores as the formula says."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shuzhi.voting.tally import DEFAULT_OPTIONS, BallotData, tally

PRESENTERS = [{"review": i, "name": f"书记{i}", "org": f"支部{i}"} for i in (1, 2, 3)]
CATEGORIES = [(1, "校领导", Decimal(30)), (2, "中层干部", Decimal(70))]
KEYS = [o["key"] for o in DEFAULT_OPTIONS]

ballot_strategy = st.builds(
    BallotData,
    category_id=st.sampled_from([1, 2]),
    ratings=st.dictionaries(st.sampled_from(["1", "2", "3"]), st.sampled_from(KEYS)),
)


@given(st.lists(ballot_strategy, max_size=200))
def test_every_rating_is_counted_exactly_once(ballots):
    results = tally(PRESENTERS, DEFAULT_OPTIONS, CATEGORIES, ballots)
    for result in results:
        expected = sum(1 for b in ballots if str(result.review_id) in b.ratings)
        assert result.rated == expected
        assert result.rated + result.not_rated == len(ballots)
        for key in KEYS:
            assert result.counts[key] == sum(1 for b in ballots if b.ratings.get(str(result.review_id)) == key)


@given(st.lists(ballot_strategy, max_size=100))
def test_scores_stay_within_the_option_values(ballots):
    for result in tally(PRESENTERS, DEFAULT_OPTIONS, CATEGORIES, ballots):
        if result.score is not None:
            assert 0 <= result.score <= 100
        if result.satisfaction_rate is not None:
            assert 0 <= result.satisfaction_rate <= 1


def test_weighted_score_follows_the_formula():
    ballots = [BallotData(1, {"1": "satisfied"}), BallotData(2, {"1": "unsatisfied"}), BallotData(2, {"1": "basic"})]
    result = tally(PRESENTERS, DEFAULT_OPTIONS, CATEGORIES, ballots)[0]
    # 校领导 mean 100 (weight 30); 中层干部 mean (0 + 60) / 2 = 30 (weight 70)
    assert abs(result.score - (30 * 100 + 70 * 30) / 100) < 1e-9
    assert result.satisfaction_rate == 2 / 3


def test_unknown_keys_are_ignored():
    result = tally(PRESENTERS, DEFAULT_OPTIONS, CATEGORIES, [BallotData(1, {"1": "bogus", "99": "satisfied"})])[0]
    assert result.rated == 0 and result.score is None
