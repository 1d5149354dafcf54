"""The yearly cycle's items on the home page (shuzhi.core.worklist): the secretary's preparation to
finish, and for the org dept each open cycle's stragglers as counts linking to the filtered progress board."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shuzhi.core.worklist import Kind, Urgency, WorkItem, urgency_for
from shuzhi.cycles import stages
from shuzhi.orgs import access
from shuzhi.orgs.access import Scope
from shuzhi.reports.models import ReportStatus
from shuzhi.reports.work import VETTING_DAYS

WRITING_STAGES = (stages.Stage.PREPARATION, stages.Stage.REPORT)
# The stages in which reports are still written and vetted, so stragglers are worth chasing.
WATCHED_STAGES = (stages.Stage.PREPARATION, stages.Stage.REPORT, stages.Stage.MEETING)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y-%m-%d")


def my_preparation(user, scope: Scope) -> list[WorkItem]:
    """The secretary's preparation (述前准备) not yet marked done, while reports are written. One query."""
    if scope.person_id is None:
        return []
    reviews = (
        access.my_reviews(user)
        .filter(cycle__stage__in=WRITING_STAGES, preparation_done_at__isnull=True)
        .select_related("cycle")
        .order_by("-cycle__year", "pk")
    )
    items = []
    for review in reviews:
        due = review.cycle.preparation_due
        text = _("Finish your preparation (research, opinions gathered, problems found) and mark it done.")
        if due:
            text += " " + _("Due %(date)s.") % {"date": _date(due)}
        items.append(
            WorkItem(text=text, url=reverse("cycles:preparation", args=[review.pk]), urgency=urgency_for(due), due=due)
        )
    return items


def _board(cycle_id: int, **filters: str) -> str:
    return reverse("cycles:detail", args=[cycle_id]) + "?" + urlencode(filters)


def stragglers(user, scope: Scope) -> list[WorkItem]:
    """For the org dept: per cycle still being written or met, how many reports are not started, not
    submitted, returned and not resubmitted, or waiting for their vetting (and how many of those for
    more than VETTING_DAYS days), and how many preparations are not done. One query for all cycles."""
    if not scope.can_manage:
        return []
    late = timezone.now() - datetime.timedelta(days=VETTING_DAYS)
    rows = (
        access.visible_reviews(user)
        .filter(cycle__stage__in=WATCHED_STAGES)
        .order_by()
        .values("cycle_id", "cycle__year", "cycle__stage", "cycle__preparation_due", "cycle__report_due")
        .annotate(
            not_started=Count("pk", filter=Q(report__isnull=True)),
            unprepared=Count("pk", filter=Q(preparation_done_at__isnull=True)),
            draft=Count("pk", filter=Q(report__status=ReportStatus.DRAFT)),
            returned=Count("pk", filter=Q(report__status=ReportStatus.RETURNED)),
            submitted=Count("pk", filter=Q(report__status=ReportStatus.SUBMITTED)),
            submitted_late=Count("pk", filter=Q(report__status=ReportStatus.SUBMITTED, report__submitted_at__lt=late)),
        )
        .order_by("-cycle__year")
    )
    items = []
    for row in rows:
        cycle_id, year, stage = row["cycle_id"], row["cycle__year"], row["cycle__stage"]
        writing = stage in WRITING_STAGES
        report_due, preparation_due = row["cycle__report_due"], row["cycle__preparation_due"]

        def add(
            n: int,
            text: str,
            due: datetime.date | None = None,
            urgency: Urgency | None = None,
            *,
            year: int = year,
            cycle_id: int = cycle_id,
            **filters,
        ):
            if n:
                items.append(
                    WorkItem(
                        text=text % {"year": year, "n": n},
                        url=_board(cycle_id, **filters),
                        kind=Kind.WATCH,
                        count=n,
                        due=due,
                        urgency=urgency if urgency is not None else urgency_for(due),
                    )
                )

        if writing:
            add(
                row["unprepared"],
                _("%(year)d: %(n)d secretaries have not finished their preparation."),
                preparation_due,
                prepared="no",
            )
            add(row["not_started"], _("%(year)d: %(n)d duty reports not started."), report_due, status="not_started")
            add(
                row["draft"],
                _("%(year)d: %(n)d duty reports written but not submitted."),
                report_due,
                status=ReportStatus.DRAFT,
            )
            add(
                row["returned"],
                _("%(year)d: %(n)d returned reports not yet submitted again."),
                report_due,
                status=ReportStatus.RETURNED,
            )
        submitted = _("%(year)d: %(n)d reports wait for their vetting.")
        if row["submitted_late"]:
            submitted += " " + _("%(late)d of them for more than %(days)d days.") % {
                "late": row["submitted_late"],
                "days": VETTING_DAYS,
            }
        add(
            row["submitted"],
            submitted,
            urgency=Urgency.OVERDUE if row["submitted_late"] else Urgency.NORMAL,
            status=ReportStatus.SUBMITTED,
        )
    return items
