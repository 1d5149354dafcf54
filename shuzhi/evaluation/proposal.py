"""The grade proposal for one review group (好 / 较好 / 一般 / 差 under the quotas), and where the
quotas stand for any set of grades: pure, typed, no ORM.

The rules (seed 五（三）: “评价为‘好’等次一般不超过30%，评价为‘一般’及以下等次的应占一定比例”), every number a
setting of the cycle's scheme (Quotas):

- 好 at most `good_share` % of the group, counting people (everyone in the group, scored or not), the
  count rounded by `rounding` (floor by default: 30 % of 11 is 3 people, not 4);
- 一般 and below at least `low_share` % of the group when it has `low_min_people` or more people (default:
  10 % of a group of 10 or more, at least one person), rounded the same way, never fewer than one;
- 差 below `poor_below` points (a setting; empty: only by the reviewer's judgment).

How the proposal is made, so that it is deterministic, independent of the input order, never over
the cap and always at the minimum share (when enough people are scored):

1. People without a composite get no proposal (the reviewer decides; the page flags them).
2. 差: every composite below `poor_below`.
3. 一般 and below: the lowest composites until the minimum share is reached. When that boundary falls
   inside a run of equal composites the whole run goes to 一般 (a minimum may be exceeded) and is
   reported as a tie: the reviewer may lift some of them, as long as the minimum stays met.
4. 好: the highest composites, at most the cap, among those not already 一般 or below. When the cap falls
   inside a run of equal composites, none of the run is proposed 好 (a cap may never be exceeded) and
   the run is reported as a tie: the reviewer picks who, up to the places left.
5. Everyone else: 较好.

A tie is never broken by order, name or id. Equal composites always get the same proposed grade, and a
higher composite never a lower grade than a lower one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Grade(enum.StrEnum):
    GOOD = "good"  # 好
    FAIR = "fair"  # 较好
    AVERAGE = "average"  # 一般
    POOR = "poor"  # 差


GRADES: tuple[Grade, ...] = (Grade.GOOD, Grade.FAIR, Grade.AVERAGE, Grade.POOR)
GRADE_LABELS = {
    Grade.GOOD: gettext_lazy("Good"),
    Grade.FAIR: gettext_lazy("Fairly good"),
    Grade.AVERAGE: gettext_lazy("Average"),
    Grade.POOR: gettext_lazy("Poor"),
}
RANK = {g: i for i, g in enumerate(GRADES)}  # 0 is the best
LOW = frozenset({Grade.AVERAGE, Grade.POOR})


class Rounding(enum.StrEnum):
    FLOOR = "floor"
    ROUND = "round"  # half up
    CEIL = "ceil"


_ROUNDING = {Rounding.FLOOR: ROUND_FLOOR, Rounding.ROUND: ROUND_HALF_UP, Rounding.CEIL: ROUND_CEILING}


@dataclass(frozen=True)
class Quotas:
    good_share: Decimal = Decimal(30)  # % of the group, at most
    rounding: Rounding = Rounding.FLOOR
    low_share: Decimal = Decimal(10)  # % of the group, at least (一般 and below)
    low_min_people: int = 10  # the minimum share applies to groups of this many people or more
    poor_below: Decimal | None = Decimal(60)  # 差 below this composite; None: only by judgment


DEFAULT_QUOTAS = Quotas()


def people_share(people: int, share: Decimal, rounding: Rounding) -> int:
    """`share` % of `people`, as a whole number of people rounded as set."""
    return int((Decimal(people) * share / 100).quantize(Decimal(1), rounding=_ROUNDING[Rounding(rounding)]))


def good_cap(people: int, quotas: Quotas) -> int:
    return people_share(people, quotas.good_share, quotas.rounding)


def low_required(people: int, quotas: Quotas) -> int:
    if people == 0 or people < quotas.low_min_people:
        return 0
    return min(people, max(1, people_share(people, quotas.low_share, quotas.rounding)))


@dataclass(frozen=True)
class Candidate:
    key: int  # the Review's id (never used to order or break ties)
    composite: Decimal | None


class Boundary(enum.StrEnum):
    GOOD = "good"  # the 好 cap falls inside the run
    LOW = "low"  # the minimum share of 一般 and below falls inside the run


@dataclass(frozen=True)
class Tie:
    boundary: Boundary
    score: Decimal
    keys: frozenset[int]
    places: int  # how many of the run the quota has room for (好) or needs (一般 and below)

    def statement(self) -> str:
        if self.boundary == Boundary.GOOD:
            return _(
                "%(n)d people share the composite %(score)s at the “Good” boundary with room for %(places)d: none "
                "of them is proposed “Good”; the reviewer decides who, if anyone, takes those places."
            ) % {"n": len(self.keys), "score": self.score, "places": self.places}
        return _(
            "%(n)d people share the composite %(score)s at the “Average and below” boundary, where %(places)d "
            "more are needed: all of them are proposed “Average”; the reviewer may lift some while the "
            "minimum stays met."
        ) % {"n": len(self.keys), "score": self.score, "places": self.places}


@dataclass(frozen=True)
class Proposal:
    grades: dict[int, Grade | None]  # key -> proposed grade (None: no composite, the reviewer decides)
    ties: tuple[Tie, ...]
    people: int
    cap: int
    low_needed: int

    def tie_of(self, key: int) -> Tie | None:
        return next((t for t in self.ties if key in t.keys), None)


def _runs(scored: Sequence[Candidate]) -> list[tuple[Decimal, list[int]]]:
    """Runs of equal composites, highest first (keys sorted only to make the output canonical)."""
    by_score: dict[Decimal, list[int]] = {}
    for c in scored:
        by_score.setdefault(Decimal(c.composite), []).append(c.key)
    return [(score, sorted(by_score[score])) for score in sorted(by_score, reverse=True)]


def propose(candidates: Iterable[Candidate], quotas: Quotas = DEFAULT_QUOTAS) -> Proposal:
    """The proposal for one group (see the module docstring). Keys must be distinct."""
    candidates = list(candidates)
    people = len(candidates)
    cap = good_cap(people, quotas)
    needed = low_required(people, quotas)
    grades: dict[int, Grade | None] = {c.key: None for c in candidates}
    scored = [c for c in candidates if c.composite is not None]
    runs = _runs(scored)
    ties: list[Tie] = []
    low_keys: set[int] = set()
    # 差 below the set score.
    if quotas.poor_below is not None:
        for score, keys in runs:
            if score < quotas.poor_below:
                for key in keys:
                    grades[key] = Grade.POOR
                    low_keys.add(key)
    # 一般 and below: the lowest runs until the minimum is met (a run is never split).
    for score, keys in reversed(runs):
        if len(low_keys) >= needed:
            break
        if set(keys) <= low_keys:
            continue
        missing = needed - len(low_keys)
        if len(keys) > missing:
            ties.append(Tie(Boundary.LOW, score, frozenset(keys), missing))
        for key in keys:
            grades[key] = Grade.AVERAGE
            low_keys.add(key)
    # 好: the highest runs, whole, while they fit under the cap.
    taken = 0
    for score, keys in runs:
        if set(keys) & low_keys or taken >= cap:
            break
        if taken + len(keys) > cap:
            ties.append(Tie(Boundary.GOOD, score, frozenset(keys), cap - taken))
            break
        for key in keys:
            grades[key] = Grade.GOOD
        taken += len(keys)
    for c in scored:
        if grades[c.key] is None:
            grades[c.key] = Grade.FAIR
    return Proposal(grades=grades, ties=tuple(ties), people=people, cap=cap, low_needed=needed)


@dataclass(frozen=True)
class QuotaStatus:
    """Where the quotas stand for a set of grades (the proposal's or the reviewer's)."""

    people: int
    counts: dict[Grade, int]
    ungraded: int
    cap: int
    low_needed: int
    quotas: Quotas

    @property
    def good(self) -> int:
        return self.counts[Grade.GOOD]

    @property
    def low(self) -> int:
        return self.counts[Grade.AVERAGE] + self.counts[Grade.POOR]

    @property
    def over_cap(self) -> bool:
        return self.good > self.cap

    @property
    def below_minimum(self) -> bool:
        return self.low < self.low_needed

    @property
    def complete(self) -> bool:
        return self.ungraded == 0

    def statements(self) -> list[str]:
        """How each quota is met, in plain Chinese, one sentence each."""
        q = self.quotas
        rounding = {
            Rounding.FLOOR: _("rounded down"),
            Rounding.ROUND: _("rounded half up"),
            Rounding.CEIL: _("rounded up"),
        }[Rounding(q.rounding)]
        share = format(q.good_share.normalize(), "f")
        good = _("“Good” at most %(share)s%% of %(people)d people, %(rounding)s: at most %(cap)d; now %(good)d.") % {
            "share": share,
            "people": self.people,
            "rounding": rounding,
            "cap": self.cap,
            "good": self.good,
        }
        if self.over_cap:
            good += " " + _("%(n)d over the cap: the group cannot be submitted like this.") % {
                "n": self.good - self.cap
            }
        else:
            good += " " + _("Within the cap.")
        low_share = format(q.low_share.normalize(), "f")
        if self.low_needed == 0:
            low = _(
                "“Average and below” at least %(share)s%% applies to groups of %(min)d people or more; this group "
                "has %(people)d, so no minimum; now %(low)d."
            ) % {"share": low_share, "min": q.low_min_people, "people": self.people, "low": self.low}
        else:
            low = _(
                "“Average and below” at least %(share)s%% of %(people)d people (at least one): at least %(needed)d; "
                "now %(low)d."
            ) % {"share": low_share, "people": self.people, "needed": self.low_needed, "low": self.low}
            if self.below_minimum:
                low += " " + _("Below the minimum: submitting needs a written justification.")
            else:
                low += " " + _("The minimum is met.")
        if q.poor_below is None:
            poor = _("“Poor” only by the reviewer's judgment; now %(n)d.") % {"n": self.counts[Grade.POOR]}
        else:
            poor = _("“Poor” proposed below a composite of %(score)s, or by the reviewer's judgment; now %(n)d.") % {
                "score": format(q.poor_below.normalize(), "f"),
                "n": self.counts[Grade.POOR],
            }
        lines = [good, low, poor]
        if self.ungraded:
            lines.append(_("%(n)d people have no grade yet.") % {"n": self.ungraded})
        return lines


def quota_status(grades: Iterable[Grade | str | None], quotas: Quotas = DEFAULT_QUOTAS) -> QuotaStatus:
    """The quota status of a group whose people have these grades (None or "": not graded yet)."""
    grades = list(grades)
    counts = {g: 0 for g in GRADES}
    ungraded = 0
    for grade in grades:
        if grade:
            counts[Grade(grade)] += 1
        else:
            ungraded += 1
    people = len(grades)
    return QuotaStatus(
        people=people,
        counts=counts,
        ungraded=ungraded,
        cap=good_cap(people, quotas),
        low_needed=low_required(people, quotas),
        quotas=quotas,
    )


def quotas_problem(quotas: Quotas) -> str | None:
    """Why these quota settings cannot be used (in Chinese), or None."""
    for share in (quotas.good_share, quotas.low_share):
        if not share.is_finite() or share < 0 or share > 100:
            return _("A share is between 0 and 100 %.")
    if quotas.good_share + quotas.low_share > 100:
        return _("The share of “Good” and the minimum share of “Average and below” together cannot exceed 100 %.")
    if quotas.low_min_people < 1:
        return _("The group size from which the minimum share applies is at least 1.")
    if quotas.poor_below is not None and (quotas.poor_below < 0 or quotas.poor_below > 100):
        return _("The “Poor” score is between 0 and 100.")
    return None
