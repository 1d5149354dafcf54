"""Helpers for the daily-assessment tests: recording checks through the services."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from shuzhi.assessment import services
from shuzhi.assessment.models import Method


def check_day(cycle, day: int = 0) -> datetime.date:
    """A day of the cycle's year not after today (checks cannot be dated in the future)."""
    start = datetime.date(cycle.year, 1, 1) + datetime.timedelta(days=day)
    return min(start, timezone.localdate())


def check_input(cycle, scores, *, methods=(Method.ON_SITE,), seen="看了党员活动室和三会一课现场", heard="", day=0):
    """A CheckInput scoring the cycle's indicators in order with `scores` (numbers, or None)."""
    indicators = services.indicators_of(cycle)
    return services.CheckInput(
        date=check_day(cycle, day),
        place="党员活动室",
        methods=[str(m) for m in methods],
        seen=seen,
        heard=heard,
        scores={
            ind.pk: services.ScoreInput(
                score=None if value is None else Decimal(str(value)), reason=f"{ind.name}的评分理由"
            )
            for ind, value in zip(indicators, scores, strict=False)
        },
    )


def record_check(user, cycle, org, scores, *, to_record=True, **kwargs):
    return services.save_check(
        user,
        cycle=cycle,
        organization=org,
        data=check_input(cycle, scores, **kwargs),
        form_token=secrets.token_urlsafe(16),
        to_record=to_record,
    )
