"""Review meetings' items on the home page (shuzhi.core.worklist): a coming meeting without presenters
on its agenda, for those who run it; the meeting a secretary presents at."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.core.worklist import WorkItem, urgency_for
from shuzhi.cycles import stages
from shuzhi.orgs import access
from shuzhi.orgs.access import Scope


def start_of_today() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def when(meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def coming_meetings(user):
    """The meetings the user runs from today on, in cycles not archived."""
    return (
        access.runnable_meetings(user)
        .filter(starts_at__gte=start_of_today())
        .exclude(cycle__stage=stages.Stage.ARCHIVED)
        .order_by("starts_at", "pk")
    )


def meetings_without_agenda(user, scope: Scope) -> list[WorkItem]:
    """One query."""
    meetings = coming_meetings(user).annotate(presenters=Count("agenda")).filter(presenters=0)
    items = []
    for meeting in meetings:
        day = timezone.localdate(meeting.starts_at)
        items.append(
            WorkItem(
                text=_("%(title)s (%(when)s) has nobody on its agenda yet: add the presenters.")
                % {"title": meeting.title, "when": when(meeting)},
                url=reverse("meetings:agenda", args=[meeting.pk]),
                urgency=urgency_for(day),
                due=day,
            )
        )
    return items


def my_presentation(user, scope: Scope) -> list[WorkItem]:
    """The coming meeting at which the secretary presents their report. Read through the secretary's own
    Review (a 党支部 secretary does not see the 党总支's meeting page), so the link is to their report."""
    if scope.person_id is None:
        return []
    reviews = (
        access.my_reviews(user)
        .filter(agenda_item__meeting__starts_at__gte=start_of_today())
        .exclude(cycle__stage=stages.Stage.ARCHIVED)
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__starts_at", "pk")
    )
    items = []
    for review in reviews:
        meeting = review.agenda_item.meeting
        day = timezone.localdate(meeting.starts_at)
        items.append(
            WorkItem(
                text=_("You present your duty report at %(title)s, %(when)s, %(place)s (number %(n)d on the agenda).")
                % {
                    "title": meeting.title,
                    "when": when(meeting),
                    "place": meeting.place,
                    "n": review.agenda_item.position,
                },
                url=reverse("reports:editor", args=[review.pk]),
                urgency=urgency_for(day),
                due=day,
            )
        )
    return items
