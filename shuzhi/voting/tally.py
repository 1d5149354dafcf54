"""Counting a closed survey: pure functions over plain data, so they can be property-tested."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

DEFAULT_OPTIONS = [
    {"key": "satisfied", "label": "满意", "value": 100, "satisfied": True},
    {"key": "basic", "label": "基本满意", "value": 60, "satisfied": True},
    {"key": "unsatisfied", "label": "不满意", "value": 0, "satisfied": False},
]


@dataclass(frozen=True)
class BallotData:
    category_id: int
    ratings: Mapping[str, str]  # review id -> option key
    item_ratings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    suggestions: Mapping[str, str] = field(default_factory=dict)


@dataclass
class CategoryResult:
    category_id: int
    name: str
    weight: Decimal
    counts: dict[str, int]
    rated: int
    mean: float | None  # mean option value among ballots of this category that rated the presenter
    mean_exact: Decimal | None = None  # the same, computed exactly and rounded once (MEAN_PLACES)


@dataclass
class PresenterResult:
    review_id: int
    name: str
    organization: str
    counts: dict[str, int]  # option key -> ballots
    rated: int
    not_rated: int
    satisfaction_rate: float | None  # share of ratings that count as satisfied
    score: float | None  # weighted over categories (see formula)
    by_category: list[CategoryResult]
    item_counts: dict[str, dict[str, int]]  # item key -> option key -> ballots
    suggestions: list[str]
    # The stored numbers (VoteResult): computed exactly (fractions) and rounded once, half up.
    score_exact: Decimal | None = None  # SCORE_PLACES
    satisfaction_exact: Decimal | None = None  # a share from 0 to 1, RATE_PLACES


SCORE_PLACES = Decimal("0.0001")
MEAN_PLACES = Decimal("0.0001")
RATE_PLACES = Decimal("0.000001")


def exact(value: Fraction | None, places: Decimal) -> Decimal | None:
    """A fraction as a Decimal rounded half up to `places`, with integer arithmetic only (no float,
    no decimal context on the way), so the same ballots always give the same stored digits."""
    if value is None:
        return None
    scale = 10 ** -places.as_tuple().exponent
    scaled = abs(value) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return (Decimal(-whole if value < 0 else whole) / Decimal(scale)).quantize(places)


FORMULA = (
    "score = Σ(weight of category × mean value given by that category) ÷ Σ(weights of categories that "
    "rated the presenter); mean value = Σ(option value × ballots) ÷ ballots that rated the presenter"
)


BallotRow = tuple[int, Mapping[str, str], Mapping[str, Mapping[str, str]], Mapping[str, str]]
"""A ballot as (category id, ratings, item ratings, suggestions): BallotData's fields, as a plain tuple."""


def tally(
    presenters: Sequence[Mapping],
    options: Sequence[Mapping],
    categories: Sequence[tuple[int, str, Decimal]],
    ballots: Iterable[BallotData],
    items: Sequence[Mapping] = (),
) -> list[PresenterResult]:
    """Count every valid ballot once per presenter. Ratings with unknown keys are ignored."""
    rows = ((b.category_id, b.ratings, b.item_ratings, b.suggestions) for b in ballots)
    return tally_rows(presenters, options, categories, rows, items)


def tally_rows(
    presenters: Sequence[Mapping],
    options: Sequence[Mapping],
    categories: Sequence[tuple[int, str, Decimal]],
    rows: Iterable[BallotRow],
    items: Sequence[Mapping] = (),
) -> list[PresenterResult]:
    """tally() over ballots given as BallotRow tuples (what a database query returns), so counting
    thousands of ballots does not first build a BallotData for each."""
    option_keys = [o["key"] for o in options]
    review_ids = [str(p["review"]) for p in presenters]
    # counts[review][category][option]
    counts: dict[str, dict[int, dict[str, int]]] = {
        r: {c[0]: dict.fromkeys(option_keys, 0) for c in categories} for r in review_ids
    }
    # The same buckets by category first: one lookup per ballot for its category, then one per rating.
    by_category: dict[int, dict[str, dict[str, int]]] = {}
    for review, per_category in counts.items():
        for category_id, bucket in per_category.items():
            by_category.setdefault(category_id, {})[review] = bucket
    item_counts: dict[str, dict[str, dict[str, int]]] = {
        r: {i["key"]: {o["key"]: 0 for o in i.get("options", options)} for i in items} for r in review_ids
    }
    suggestions: dict[str, list[str]] = {r: [] for r in review_ids}
    total = 0
    for category_id, ratings, item_ratings, ballot_suggestions in rows:
        total += 1
        buckets = by_category.get(category_id)
        if buckets is not None:
            for review, option in ratings.items():
                bucket = buckets.get(review)
                if bucket is not None and option in bucket:  # a bucket's keys are the option keys
                    bucket[option] += 1
        for review, marks in item_ratings.items():
            per_item = item_counts.get(review)
            if per_item is None:
                continue
            for item_key, option in marks.items():
                per_option = per_item.get(item_key)
                if per_option is not None and option in per_option:
                    per_option[option] += 1
        for review, text in ballot_suggestions.items():
            if review in suggestions and text.strip():
                suggestions[review].append(text.strip())
    return summarize(presenters, options, categories, counts, item_counts, suggestions, total)


def summarize(
    presenters: Sequence[Mapping],
    options: Sequence[Mapping],
    categories: Sequence[tuple[int, str, Decimal]],
    counts: Mapping[str, Mapping[int, Mapping[str, int]]],
    item_counts: Mapping[str, dict[str, dict[str, int]]],
    suggestions: Mapping[str, list[str]],
    total: int,
) -> list[PresenterResult]:
    """Each presenter's result from the counts: counts[review id][category id][option key] = ballots."""
    values = {o["key"]: float(o["value"]) for o in options}
    exact_values = {o["key"]: Fraction(Decimal(str(o["value"]))) for o in options}
    satisfied = {o["key"] for o in options if o.get("satisfied")}
    option_keys = [o["key"] for o in options]
    results = []
    for presenter in presenters:
        review = str(presenter["review"])
        by_category, weighted_sum, weight_sum = [], 0.0, 0.0
        exact_weighted, exact_weights = Fraction(0), Fraction(0)
        merged = dict.fromkeys(option_keys, 0)
        for category_id, name, weight in categories:
            bucket = counts[review][category_id]
            rated = sum(bucket.values())
            mean = (sum(values[k] * n for k, n in bucket.items()) / rated) if rated else None
            mean_fraction = (sum(exact_values[k] * n for k, n in bucket.items()) / rated) if rated else None
            by_category.append(
                CategoryResult(category_id, name, weight, dict(bucket), rated, mean, exact(mean_fraction, MEAN_PLACES))
            )
            if mean is not None:
                weighted_sum += float(weight) * mean
                weight_sum += float(weight)
                exact_weighted += Fraction(weight) * mean_fraction
                exact_weights += Fraction(weight)
            for k, n in bucket.items():
                merged[k] += n
        rated = sum(merged.values())
        results.append(
            PresenterResult(
                review_id=int(review),
                name=presenter.get("name", ""),
                organization=presenter.get("org", ""),
                counts=merged,
                rated=rated,
                not_rated=total - rated,
                satisfaction_rate=(sum(merged[k] for k in satisfied) / rated) if rated else None,
                score=(weighted_sum / weight_sum) if weight_sum else None,
                by_category=by_category,
                item_counts=item_counts[review],
                suggestions=suggestions[review],
                score_exact=exact(exact_weighted / exact_weights, SCORE_PLACES) if exact_weights else None,
                satisfaction_exact=exact(Fraction(sum(merged[k] for k in satisfied), rated), RATE_PLACES)
                if rated
                else None,
            )
        )
    return results
