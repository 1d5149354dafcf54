"""The vote's items on the home page (shuzhi.core.worklist): for those who run a coming meeting, codes not
issued yet and, on the meeting's day, a vote not opened yet; for a secretary, her own result once the
vote she presented at has closed."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.core.worklist import Urgency, WorkItem, urgency_for
from shuzhi.cycles.stages import Stage
from shuzhi.meetings.work import coming_meetings, when
from shuzhi.orgs.access import Scope, my_reviews
from shuzhi.voting.models import BallotCode, ResultKind, Survey, SurveyStatus, VoteResult


def votes_to_prepare(user, scope: Scope) -> list[WorkItem]:
    """One query: each coming meeting the user runs, with its real vote's status and number of codes."""
    real = Survey.objects.filter(meeting=OuterRef("pk"), is_rehearsal=False)
    codes = (
        BallotCode.objects.filter(survey__meeting=OuterRef("pk"), survey__is_rehearsal=False)
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = coming_meetings(user).annotate(
        vote_status=Subquery(real.values("status")[:1]),
        code_count=Coalesce(Subquery(codes, output_field=IntegerField()), 0),
    )
    today = timezone.localdate()
    items = []
    for meeting in meetings:
        day = timezone.localdate(meeting.starts_at)
        url = reverse("voting:manage", args=[meeting.pk])
        values = {"title": meeting.title, "when": when(meeting)}
        if meeting.vote_status in (SurveyStatus.OPEN, SurveyStatus.CLOSED):
            continue
        if not meeting.code_count:
            items.append(
                WorkItem(
                    text=_("%(title)s (%(when)s): no ballot codes issued yet. Issue and print them before the meeting.")
                    % values,
                    url=url,
                    urgency=urgency_for(day),
                    due=day,
                )
            )
        elif day == today:
            items.append(
                WorkItem(
                    text=_("%(title)s is today (%(when)s): the satisfaction vote is not open yet.") % values,
                    url=url,
                    urgency=Urgency.SOON,
                    due=day,
                )
            )
    return items


def my_results(user, scope: Scope) -> list[WorkItem]:
    """One query: the secretary's stored results (the current one of each of her Reviews) in cycles not
    yet archived, each linking to her result page with the comments made about her."""
    results = (
        VoteResult.objects.filter(review__in=my_reviews(user), kind=ResultKind.COUNTED, is_current=True)
        .exclude(review__cycle__stage=Stage.ARCHIVED)
        .select_related("survey__meeting", "review__cycle")
        .order_by("-survey__closed_at")
    )
    return [
        WorkItem(
            text=_("The satisfaction vote at %(title)s has closed: read your result and the comments made about you.")
            % {"title": result.survey.meeting.title},
            url=reverse("voting:review_result", args=[result.review_id]),
        )
        for result in results
    ]
