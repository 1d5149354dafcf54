"""A secretary's own result (/reviews/<review_id>/result/): after their vote has closed, their score,
satisfaction rate and ballots per option as stored when the vote closed, the suggestions voters
wrote about them, and the comments (点评) made about them at the meeting — theirs and the meeting's
collective comment. Before that, when and where their meeting is.

Access: access.access_review_result — the Review's own secretary, the reviewing organisation's
leaders, the org dept and the committee; anyone else gets 404. Per voter category figures are not
shown here (docs/vote-anonymity.md: a small category can show how its few voters voted); only the
categories' weights are."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shuzhi.meetings.models import AgendaItem, Comment
from shuzhi.orgs import access
from shuzhi.voting.models import SurveyStatus


def presentation(review_id: int) -> dict:
    """Where the Review stands in the vote: {"item": its agenda item (with the meeting) or None,
    "vote_closed": whether that meeting's real vote has closed}. One query."""
    item = AgendaItem.objects.filter(review_id=review_id).select_related("meeting").first()
    closed = bool(item) and item.meeting.surveys.filter(is_rehearsal=False, status=SurveyStatus.CLOSED).exists()
    return {"item": item, "vote_closed": closed}


@login_required
@require_GET
def review_result(request: HttpRequest, review_id: int) -> HttpResponse:
    review, result = access.access_review_result(request.user, review_id)
    context: dict = {
        "review": review,
        "result": result,
        "is_secretary": access.is_review_secretary(request.user, review),
    }
    if result is None:
        context.update(presentation(review.pk))
        return render(request, "voting/review_result.html", context)
    survey = result.survey
    summary = survey.stored_summary
    options = survey.form["options"]
    context.update(
        {
            "meeting": survey.meeting,
            "survey": survey,
            "summary": summary,
            "counts": [(o["label"], result.counts.get(o["key"], 0)) for o in options],
            "rate": None if result.satisfaction_rate is None else result.satisfaction_rate * 100,
            "void_total": sum(summary.void.values()),
            "set_aside_total": sum(summary.set_aside.values()),
            "comments": list(
                Comment.objects.filter(Q(review=review) | Q(meeting=survey.meeting, review__isnull=True)).order_by(
                    "review_id", "created_at", "id"
                )
            ),
        }
    )
    return render(request, "voting/review_result.html", context)
