"""The daily assessment's items on the home page (shuzhi.core.worklist): an inspector's unfinished draft
checks, one line each, linking to the check form."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from shuzhi.assessment.models import CheckStatus
from shuzhi.core.worklist import WorkItem
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
