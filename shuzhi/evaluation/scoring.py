"""The composite score (综合得分) of one Review: pure, typed, no ORM.

Three components, each a score on 0–100:
  vote      the satisfaction vote's score stored when the vote closed (voting.VoteResult.score);
  daily     the daily assessment (日常考核) as a share of its points (assessment DailyScore.percent);
  reviewer  the reviewing body's own assessment of the duty report and its presentation (0–100, given
            by the reviewer to each presenter).

Weights are whole-number-or-decimal percentages summing to exactly 100 (weights_problem). A component
whose score is missing (no daily check, a written report with no vote, no reviewer score yet) is never
silently zero: under MissingRule.REWEIGHT (the default) the present components share its weight in
proportion to their own weights; under MissingRule.ZERO (only when the org dept chose it) it counts as
0 and the breakdown says so. A component with weight 0 takes no part, missing or not.

Arithmetic is exact Decimal: composite = Σ score·weight / Σ weight (the sums over the components that
count), computed at a precision no input can exhaust, and rounded once at the end to two places,
ROUND_HALF_UP. Each part's contribution is shown rounded for reading; the composite is never the sum of
rounded contributions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
PRECISION = (
    60  # digits: scores have ≤ 4 places and weights ≤ 2, so one division at 60 digits is exact to far below a cent
)


class Component(enum.StrEnum):
    VOTE = "vote"
    DAILY = "daily"
    REVIEWER = "reviewer"


COMPONENTS: tuple[Component, ...] = (Component.VOTE, Component.DAILY, Component.REVIEWER)
COMPONENT_LABELS = {
    Component.VOTE: gettext_lazy("Satisfaction vote"),
    Component.DAILY: gettext_lazy("Daily assessment"),
    Component.REVIEWER: gettext_lazy("Reviewer's assessment of the report and presentation"),
}


class MissingRule(enum.StrEnum):
    REWEIGHT = "reweight"  # the present components share the missing one's weight
    ZERO = "zero"  # the missing component counts as 0 (only when explicitly chosen)


@dataclass(frozen=True)
class Weights:
    vote: Decimal
    daily: Decimal
    reviewer: Decimal

    def of(self, component: Component) -> Decimal:
        return getattr(self, component.value)


# The defaults and why (shown in the scheme's help text): the vote is the widest view (every attendee
# of the meeting), so it weighs most; the daily checks (seen on site through the year) and the
# reviewing body's judgement of the report and presentation weigh the same.
DEFAULT_WEIGHTS = Weights(vote=Decimal(40), daily=Decimal(30), reviewer=Decimal(30))


def weights_problem(weights: Weights) -> str | None:
    """Why these weights cannot be used (in Chinese), or None: each within 0–100 with at most two
    decimal places, summing to exactly 100."""
    for component in COMPONENTS:
        value = weights.of(component)
        if not value.is_finite() or value < ZERO or value > HUNDRED:
            return _("Each weight is between 0 and 100.")
        if value != value.quantize(CENT):
            return _("A weight has at most two decimal places.")
    total = sum((weights.of(c) for c in COMPONENTS), ZERO)
    if total != HUNDRED:
        return _("The weights must add up to exactly 100; now they add up to %(total)s.") % {
            "total": format(total.normalize(), "f")
        }
    return None


def score_problem(score: Decimal) -> str | None:
    """Why this is not a valid component score (0–100, at most two decimal places), or None."""
    if not score.is_finite() or score < ZERO or score > HUNDRED:
        return _("A score is between 0 and 100.")
    if score != score.quantize(CENT):
        return _("A score has at most two decimal places.")
    return None


@dataclass(frozen=True)
class Part:
    """One component of a breakdown."""

    component: Component
    score: Decimal | None  # None: missing
    weight: Decimal  # as set in the scheme
    effective_weight: Decimal  # after re-weighting, exact (may have many places); 0 when it takes no part
    contribution: Decimal  # score × effective weight / 100, exact
    missing: bool  # the score is missing and the weight is not 0
    counted_as_zero: bool = False  # missing, and the ZERO rule made it 0

    @property
    def label(self) -> str:
        return str(COMPONENT_LABELS[self.component])

    @property
    def effective_weight_shown(self) -> Decimal:
        return self.effective_weight.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def contribution_shown(self) -> Decimal:
        return self.contribution.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Breakdown:
    parts: tuple[Part, ...]
    composite: Decimal | None  # rounded once, 2 places HALF_UP; None: nothing to compute it from
    exact: Decimal | None  # before the rounding
    rule: MissingRule

    @property
    def missing(self) -> tuple[Component, ...]:
        return tuple(p.component for p in self.parts if p.missing)

    @property
    def reweighted(self) -> bool:
        return bool(self.missing) and self.rule == MissingRule.REWEIGHT and self.composite is not None

    @property
    def flagged(self) -> bool:
        """The reviewer should look: a component is missing (re-weighted or zero), or nothing to compute."""
        return bool(self.missing) or self.composite is None

    def explanation(self) -> str:
        """In plain Chinese: how the composite was reached, and what was done about missing parts."""
        if self.composite is None:
            return _("No component with a weight has a score yet, so there is no composite score.")
        missing = "、".join(str(COMPONENT_LABELS[c]) for c in self.missing)
        if not missing:
            return _("Composite = the sum of each score times its weight, rounded once to two places.")
        if self.rule == MissingRule.ZERO:
            return _(
                "%(missing)s has no score and counts as 0, as this cycle's scheme chose; the composite is the sum "
                "of each score times its weight, rounded once to two places."
            ) % {"missing": missing}
        return _(
            "%(missing)s has no score, so its weight was shared among the other components in proportion to "
            "their weights (it was not counted as 0); the composite is the sum of each score times its "
            "effective weight, rounded once to two places."
        ) % {"missing": missing}


def round_score(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def composite(scores: dict[Component, Decimal | None], weights: Weights, rule: MissingRule) -> Breakdown:
    """The composite score and its breakdown. `scores` maps each component to its 0–100 score or None
    (missing); a component left out of the dict is missing. The weights are assumed valid
    (weights_problem is None) and the scores within 0–100."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        present: dict[Component, Decimal] = {}
        missing: set[Component] = set()
        for c in COMPONENTS:
            w = weights.of(c)
            s = scores.get(c)
            if w == ZERO:
                continue
            if s is None:
                missing.add(c)
                if rule == MissingRule.ZERO:
                    present[c] = ZERO
            else:
                present[c] = Decimal(s)
        total_weight = sum((weights.of(c) for c in present), ZERO)
        weighted = sum((present[c] * weights.of(c) for c in present), ZERO)
        exact = weighted / total_weight if total_weight else None
        parts = []
        for c in COMPONENTS:
            w = weights.of(c)
            if c in present and total_weight:
                effective = w * HUNDRED / total_weight
                contribution = present[c] * w / total_weight
            else:
                effective = contribution = ZERO
            parts.append(
                Part(
                    component=c,
                    score=scores.get(c),
                    weight=w,
                    effective_weight=effective,
                    contribution=contribution,
                    missing=c in missing,
                    counted_as_zero=c in missing and rule == MissingRule.ZERO,
                )
            )
        rounded = round_score(exact) if exact is not None else None
    return Breakdown(parts=tuple(parts), composite=rounded, exact=exact, rule=rule)
