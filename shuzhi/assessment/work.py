"""The daily assessment's items on the home page (shuzhi.core.worklist): an inspector's unfinished draft
checks, one line each, linking to the check form."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shuzhi.assessment.models import CheckStatus
from shuzhi.core.worklist import Kind, WorkItem
from shuzhi.orgs import access
from shuzhi.orgs.access import Scope

MAX_ITEMS = 20


def my_draft_checks(user, scope: Scope) -> list[WorkItem]:
    """The user's own draft checks (most recently changed first). One query."""
    drafts = (
        access.visible_checks(user)
        .filter(status=CheckStatus.DRAFT, recorded_by_id=user.pk)
        .select_related("organization")
        .order_by("-updated_at", "-id")[:MAX_ITEMS]
    )
    return [
        WorkItem(
            text=_("Finish and record your draft check of %(org)s.") % {"org": check.organization.name},
            url=reverse("assessment:edit", args=[check.pk]),
            detail=check.date.strftime("%Y-%m-%d") if check.date else "",
        )
        for check in drafts
    ]


def daily_assessment(user, scope: Scope) -> list[WorkItem]:
    """For an inspector, the latest cycle not archived: how many checks are recorded, linking to the
    checks and the form; for the org dept also how many used a not-preferred method, linking to the
    method shares. A fixed number of queries."""
    from django.db.models import Count, Q

    from shuzhi.cycles.models import ReviewCycle
    from shuzhi.cycles.stages import Stage

    cycle = ReviewCycle.objects.exclude(stage=Stage.ARCHIVED).order_by("-year").first()
    if cycle is None or not access.can_inspect_in(user, cycle):
        return []
    counts = (
        access.visible_checks(user)
        .filter(cycle=cycle, status=CheckStatus.RECORDED)
        .aggregate(total=Count("id"), not_preferred=Count("id", filter=Q(uses_not_preferred=True)))
    )
    items = [
        WorkItem(
            text=_("Daily assessment %(year)d: %(n)d checks recorded. Record a check on site.")
            % {"year": cycle.year, "n": counts["total"]},
            url=reverse("assessment:list", args=[cycle.pk]),
            kind=Kind.WATCH,
        )
    ]
    if scope.can_manage and counts["not_preferred"]:
        items.append(
            WorkItem(
                text=_("%(n)d of %(total)d checks used a not preferred method (briefings, documents, ledgers).")
                % {"n": counts["not_preferred"], "total": counts["total"]},
                url=reverse("assessment:methods", args=[cycle.pk]),
                kind=Kind.WATCH,
                count=counts["not_preferred"],
            )
        )
    return items
