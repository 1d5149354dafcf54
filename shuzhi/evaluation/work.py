"""The comprehensive evaluation's items on the home page (shuzhi.core.worklist): for a reviewing
organisation's leaders, each of their groups in the 综合评价 stage whose grades are not submitted yet;
for the org dept, every such group of any reviewer, as others' work it follows. One query each."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shuzhi.core.worklist import Kind, WorkItem
from shuzhi.cycles.stages import Stage
from shuzhi.evaluation.models import GradingStatus
from shuzhi.orgs import access
from shuzhi.orgs.access import Scope


def _open_groups(qs):
    return (
        qs.filter(stage=Stage.EVALUATION)
        .exclude(grading__status=GradingStatus.SUBMITTED)
        .select_related("cycle", "reviewer", "grading")
        .annotate(
            people=Count("reviews", distinct=True),
            graded=Count("reviews", filter=Q(reviews__grade__grade__gt=""), distinct=True),
        )
        .order_by("-cycle__year", "reviewer__kind", "reviewer__sort_order", "reviewer__name")
    )


def _text(group) -> str:
    values = {"year": group.cycle.year, "name": group.reviewer.name, "n": group.people, "graded": group.graded}
    if getattr(group, "grading", None) is None or group.grading.proposed_at is None:
        return _("%(year)d: grade the group of %(name)s (%(n)d people); no grades proposed yet.") % values
    return _("%(year)d: the grades of the group of %(name)s are not submitted (%(graded)d of %(n)d graded).") % values


def groups_to_grade(user, scope: Scope) -> list[WorkItem]:
    """A reviewing organisation's leaders: their groups to grade (the org dept gets ungraded_groups)."""
    if scope.can_manage or not scope.leader_org_ids:
        return []
    groups = _open_groups(access.gradable_groups(user))
    return [WorkItem(text=_text(g), url=reverse("evaluation:grading", args=[g.pk])) for g in groups]


def ungraded_groups(user, scope: Scope) -> list[WorkItem]:
    """The org dept: every group in the 综合评价 stage whose grades are not submitted."""
    if not scope.can_manage:
        return []
    groups = _open_groups(access.gradable_groups(user))
    return [WorkItem(text=_text(g), url=reverse("evaluation:grading", args=[g.pk]), kind=Kind.WATCH) for g in groups]
