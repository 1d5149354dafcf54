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
    assert Check.objects.filter(status=CheckStatus.RECORDED).count() == 4
    assert Check.objects.filter(status=CheckStatus.DRAFT, recorded_by__username="20001").count() == 1
    assert Check.objects.filter(uses_not_preferred=True).count() == 2
    review = Review.objects.get(cycle__year=2026, organization__name="信息工程学院教工第一党支部")
    result = scores.daily_score(review)
    assert result.total == Decimal(81) and len(result.check_ids) == 2  # (26+24)/2 + (25+23)/2 + (20+22)/2 + (10+12)/2
