"""The daily-assessment score of each organisation in a cycle, and the findings of its checks: what the
Review page shows and what the comprehensive evaluation (shuzhi.evaluation) reads.

The score follows the cycle's rule (AssessmentSettings.rule): by default, per indicator the mean of the
recorded checks' scores, summed over the indicators; or per indicator the latest recorded check's score,
summed. Only recorded checks count (drafts and withdrawn checks do not). Arithmetic is exact Decimal
(no float anywhere); a mean that does not terminate is carried to PRECISION significant digits, and
only pages quantize for display. Every function here makes a fixed number of queries, whatever the
number of organisations or checks.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from shuzhi.assessment.models import AssessmentSettings, Check, CheckScore, CheckStatus, Indicator, ScoreRule

PRECISION = 40
# A score below this share of the indicator's points is a low score: its reason is a finding.
LOW_SCORE_SHARE = Decimal("0.8")
# Above this many organisations the query reads the whole cycle and keeps the asked ones here, rather
# than sending a long IN list (SQLite's limit on query parameters).
_IN_LIST_LIMIT = 500


@dataclass(frozen=True)
class IndicatorScore:
    indicator_id: int
    name: str
    points: Decimal
    score: Decimal | None  # None: no recorded check scored it
    checks: int  # how many recorded checks scored it


@dataclass(frozen=True)
class DailyScore:
    total: Decimal
    max_points: Decimal
    per_indicator: tuple[IndicatorScore, ...]
    check_ids: tuple[int, ...]  # the recorded checks counted, oldest first
    rule: str  # the rule, stated in Chinese for pages

    @property
    def percent(self) -> Decimal:
        """total / max_points * 100, exact (to PRECISION digits); 0 when there are no points."""
        if not self.max_points:
            return Decimal(0)
        with decimal.localcontext(prec=PRECISION):
            return self.total / self.max_points * 100


@dataclass(frozen=True)
class Finding:
    text: str
    check_id: int
    date: datetime.date
    kind: str  # "seen", "heard" or "low_score"


def rule_statement(rule: str) -> str:
    """The rule as a sentence for pages."""
    if rule == ScoreRule.LATEST:
        return _(
            "For each indicator the score of the latest recorded check counts; the daily score is the sum over "
            "the indicators. Drafts and withdrawn checks do not count."
        )
    return _(
        "For each indicator the mean of the recorded checks' scores counts; the daily score is the sum over "
        "the indicators. Drafts and withdrawn checks do not count."
    )


def cycle_rule(cycle) -> str:
    """The cycle's rule code (the default until the org dept sets one). One query."""
    rule = AssessmentSettings.objects.filter(cycle=cycle).values_list("rule", flat=True).first()
    return rule or ScoreRule.MEAN


def combine(rule: str, indicators: list[Indicator], rows: list[tuple[int, tuple, int, Decimal]]) -> DailyScore:
    """One organisation's DailyScore from its recorded checks' scores: rows of (check id, the check's
    order key (date, recorded_at, id), indicator id, score). Pure: no query."""
    by_indicator: dict[int, list[tuple[tuple, Decimal]]] = defaultdict(list)
    check_order: dict[int, tuple] = {}
    for check_id, order, indicator_id, score in rows:
        by_indicator[indicator_id].append((order, score))
        check_order[check_id] = order
    per_indicator = []
    total = Decimal(0)
    max_points = Decimal(0)
    with decimal.localcontext(prec=PRECISION):
        for indicator in indicators:
            scored = by_indicator.get(indicator.pk, [])
            value: Decimal | None = None
            if scored:
                if rule == ScoreRule.LATEST:
                    value = max(scored, key=lambda pair: pair[0])[1]
                else:
                    value = sum((score for _order, score in scored), Decimal(0)) / len(scored)
                total += value
            max_points += indicator.points
            per_indicator.append(
                IndicatorScore(
                    indicator_id=indicator.pk,
                    name=indicator.name,
                    points=indicator.points,
                    score=value,
                    checks=len(scored),
                )
            )
    return DailyScore(
        total=total,
        max_points=max_points,
        per_indicator=tuple(per_indicator),
        check_ids=tuple(sorted(check_order, key=lambda pk: check_order[pk])),
        rule=rule_statement(rule),
    )


def daily_scores(cycle, organization_ids: Iterable[int]) -> dict[int, DailyScore | None]:
    """Each organisation's daily score in the cycle, keyed by organisation id; None for one with no
    recorded check. Three queries whatever the number of organisations."""
    wanted = {int(pk) for pk in organization_ids}
    if not wanted:
        return {}
    rule = cycle_rule(cycle)
    indicators = list(Indicator.objects.filter(cycle=cycle).order_by("order", "id"))
    scores = CheckScore.objects.filter(
        check_record__cycle=cycle, check_record__status=CheckStatus.RECORDED, score__isnull=False
    )
    if len(wanted) <= _IN_LIST_LIMIT:
        scores = scores.filter(check_record__organization_id__in=wanted)
    rows: dict[int, list[tuple[int, tuple, int, Decimal]]] = defaultdict(list)
    for check_id, org_id, date, recorded_at, indicator_id, score in scores.values_list(
        "check_record_id",
        "check_record__organization_id",
        "check_record__date",
        "check_record__recorded_at",
        "indicator_id",
        "score",
    ):
        if org_id in wanted:
            rows[org_id].append((check_id, (date, recorded_at, check_id), indicator_id, score))
    return {pk: combine(rule, indicators, rows[pk]) if rows.get(pk) else None for pk in wanted}


def daily_score(review) -> DailyScore | None:
    """The daily score of one Review (its cycle and organisation); None without a recorded check."""
    return daily_scores(review.cycle, [review.organization_id])[review.organization_id]


def is_low(score: Decimal | None, points: Decimal) -> bool:
    return score is not None and score < points * LOW_SCORE_SHARE


def findings_for(review) -> list[Finding]:
    """What the Review's recorded checks found, oldest check first: what was seen, what people said, and
    the reason given for each low score (below LOW_SCORE_SHARE of the points), each with its check. Two
    queries."""
    checks = list(
        Check.objects.filter(
            cycle_id=review.cycle_id, organization_id=review.organization_id, status=CheckStatus.RECORDED
        ).order_by("date", "recorded_at", "id")
    )
    low: dict[int, list[CheckScore]] = defaultdict(list)
    for row in (
        CheckScore.objects.filter(check_record__in=[c.pk for c in checks], score__isnull=False)
        .select_related("indicator")
        .order_by("indicator__order", "indicator_id")
    ):
        if is_low(row.score, row.indicator.points) and row.reason.strip():
            low[row.check_record_id].append(row)
    findings: list[Finding] = []
    for check in checks:
        if check.seen.strip():
            findings.append(Finding(text=check.seen.strip(), check_id=check.pk, date=check.date, kind="seen"))
        if check.heard.strip():
            findings.append(Finding(text=check.heard.strip(), check_id=check.pk, date=check.date, kind="heard"))
        for row in low[check.pk]:
            text = _("%(indicator)s (%(score)s of %(points)s points): %(reason)s") % {
                "indicator": row.indicator.name,
                "score": _display(row.score),
                "points": _display(row.indicator.points),
                "reason": row.reason.strip(),
            }
            findings.append(Finding(text=text, check_id=check.pk, date=check.date, kind="low_score"))
    return findings


def _display(value: Decimal) -> str:
    """A score as written on pages: without trailing zeros (25, 22.5)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
