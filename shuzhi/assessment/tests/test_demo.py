"""`make demo` holds the year's daily checks: recorded ones with a daily score, one not done the
preferred way, and a secretary's unfinished draft."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from shuzhi.assessment import scores
from shuzhi.assessment.models import Check, CheckStatus
from shuzhi.cycles.models import Review


def test_the_demo_has_daily_checks_and_scores(db):
    call_command("seed_demo", stdout=StringIO())
    this_year = Check.objects.filter(cycle__year=2026)
    assert this_year.filter(status=CheckStatus.RECORDED).count() == 4
    assert this_year.filter(status=CheckStatus.DRAFT, recorded_by__username="20001").count() == 1
    assert this_year.filter(uses_not_preferred=True).count() == 2
    # 2025: every organisation checked but two, all recorded, some not the preferred way.
    last_year = Review.objects.filter(cycle__year=2025)
    daily = scores.daily_scores(last_year.first().cycle, last_year.values_list("organization_id", flat=True))
    assert sum(1 for score in daily.values() if score is None) == 2
    assert not Check.objects.filter(cycle__year=2025).exclude(status=CheckStatus.RECORDED).exists()
    assert Check.objects.filter(cycle__year=2025, uses_not_preferred=True).exists()
    review = Review.objects.get(cycle__year=2026, organization__name="信息工程学院教工第一党支部")
    result = scores.daily_score(review)
    assert result.total == Decimal(81) and len(result.check_ids) == 2  # (26+24)/2 + (25+23)/2 + (20+22)/2 + (10+12)/2
