"""The daily assessment on other apps' pages: a Review's daily score with how it was reached (on the
duty report page), and the cycle page's links. Both read through shuzhi.orgs.access and make a fixed
number of queries."""

from __future__ import annotations

from django import template

from shuzhi.assessment import scores
from shuzhi.assessment.models import CheckStatus
from shuzhi.orgs import access

register = template.Library()


@register.inclusion_tag("assessment/_daily_score_card.html", takes_context=True)
def daily_score_card(context, review) -> dict:
    """The Review's daily score (scores.daily_score), the rule stated, each indicator's figure and the
    checks counted, linked. For whoever reads the Review's page (access.access_review got it)."""
    user = context["request"].user
    result = scores.daily_score(review)
    checks = list(
        access.visible_checks(user)
        .filter(cycle_id=review.cycle_id, organization_id=review.organization_id, status=CheckStatus.RECORDED)
        .select_related("recorded_by__person")
        .order_by("date", "recorded_at", "id")
    )
    return {
        "review": review,
        "result": result,
        "checks": checks,
        "rule": result.rule if result else scores.rule_statement(scores.cycle_rule(review.cycle)),
        "can_inspect": access.can_inspect(user, review.cycle, review.organization),
    }


@register.inclusion_tag("assessment/_cycle_links.html", takes_context=True)
def assessment_links(context, cycle) -> dict:
    user = context["request"].user
    return {
        "cycle": cycle,
        "checks": access.visible_checks(user).filter(cycle=cycle, status=CheckStatus.RECORDED).count(),
        "can_inspect": access.can_inspect_in(user, cycle),
        "can_set_up": access.can_set_up_assessment(user),
    }
