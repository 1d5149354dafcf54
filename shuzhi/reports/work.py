"""The duty report's items on the home page (shuzhi.core.worklist): reports waiting for the user's vetting
(审核), and the secretary's own report to write, submit or revise after it was returned."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.core.worklist import Urgency, WorkItem, urgency_for
from shuzhi.cycles import stages
from shuzhi.orgs import access
from shuzhi.orgs.access import Scope
from shuzhi.reports.models import ReportStatus, ReportVetting

# A report waiting longer than this for its vetting is shown as overdue.
VETTING_DAYS = 7
# At most this many reports are listed one by one; the rest are one item linking to the progress board.
MAX_LISTED = 20
WRITING_STAGES = (stages.Stage.PREPARATION, stages.Stage.REPORT)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d")


def reports_to_vet(user, scope: Scope) -> list[WorkItem]:
    """A reviewer's submitted reports, oldest first, one item each (one query). The org dept follows
    them as counts on the progress board instead (shuzhi.cycles.work)."""
    if scope.can_manage:
        return []
    reviews = list(
        access.vettable_reviews(user)
        .exclude(cycle__stage=stages.Stage.ARCHIVED)
        .filter(report__status=ReportStatus.SUBMITTED)
        .select_related("organization", "secretary", "report", "cycle")
        .order_by("report__submitted_at", "pk")
    )
    today = timezone.localdate()
    items = []
    for review in reviews[:MAX_LISTED]:
        submitted = timezone.localdate(review.report.submitted_at)
        waited = (today - submitted).days
        text = _(
            "%(org)s · %(name)s: the duty report submitted on %(date)s waits for your vetting (pass or return)."
        ) % {"org": review.organization.name, "name": review.secretary.name, "date": _date(submitted)}
        if waited > VETTING_DAYS:
            text += " " + _("Waiting for %(days)d days.") % {"days": waited}
        items.append(
            WorkItem(
                text=text,
                url=reverse("reports:editor", args=[review.pk]),
                urgency=Urgency.OVERDUE if waited > VETTING_DAYS else Urgency.NORMAL,
            )
        )
    if len(reviews) > MAX_LISTED:
        cycle = reviews[MAX_LISTED].cycle
        items.append(
            WorkItem(
                text=_("%(n)d more reports wait for your vetting: see them on the progress board.")
                % {"n": len(reviews) - MAX_LISTED},
                url=reverse("cycles:detail", args=[cycle.pk]) + "?status=" + ReportStatus.SUBMITTED,
                count=len(reviews) - MAX_LISTED,
            )
        )
    return items


def my_report(user, scope: Scope) -> list[WorkItem]:
    """The secretary's own report while it can be written: to write, to submit, or to revise after it was
    returned (with the reviewer's reason). One query."""
    if scope.person_id is None:
        return []
    latest = ReportVetting.objects.filter(version__report__review=OuterRef("pk")).order_by("-version__number")
    reviews = (
        access.my_reviews(user)
        .filter(cycle__stage__in=WRITING_STAGES)
        .select_related("cycle", "organization", "reviewer", "report")
        .annotate(return_reason=Subquery(latest.values("comment")[:1]))
        .order_by("-cycle__year", "pk")
    )
    items = []
    for review in reviews:
        report = getattr(review, "report", None)
        status = report.status if report else None
        due = review.cycle.report_due
        url = reverse("reports:editor", args=[review.pk])
        if status == ReportStatus.RETURNED:
            text = _("%(reviewer)s returned your duty report for revision: revise it and submit it again.") % {
                "reviewer": review.reviewer.name
            }
            urgency = min(urgency_for(due), Urgency.SOON)
            items.append(WorkItem(text=text, url=url, urgency=urgency, due=due, detail=review.return_reason or ""))
        elif status in (None, ReportStatus.DRAFT):
            if status is None:
                text = _("Write your duty report and submit it to %(reviewer)s.")
            else:
                text = _("Your duty report is still a draft: submit it to %(reviewer)s.")
            text = text % {"reviewer": review.reviewer.name}
            if due:
                text += " " + _("Due %(date)s.") % {"date": _date(due)}
            items.append(WorkItem(text=text, url=url, urgency=urgency_for(due), due=due))
    return items
