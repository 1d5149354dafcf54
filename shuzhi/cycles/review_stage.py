"""A Review's stage, from its real state — the one place that decides it.

Nothing stores a Review's stage: it follows from facts recorded elsewhere (preparation marked done,
the report's status, the meeting agenda, the meeting's vote, the group's filing). RULES lists, latest
stage first, each stage with its condition twice over: as a Q on Review (for the queryset annotation
`with_stage`, so a board of any length costs no extra query) and as a predicate on ReviewFacts (the
pure Python function `stage_from_facts`). The first rule that holds gives the stage; a Review none
holds for is in PREPARATION. Tests check that both sides agree.

The rules today:
  归档 (ARCHIVED)      the Review's group is archived;
  研究决定 (DECISION)   graded: the Review has a grade and its group's grading is submitted
                       (shuzhi.evaluation);
  综合评价 (EVALUATION) presented and voted on (its meeting's real vote is closed), or a written review
                       (书面述职: written on its agenda item, or not on an agenda with the written report
                       mode) whose report is accepted;
  述职评议 (MEETING)    the report is accepted, or the Review is on a meeting's agenda;
  撰写报告 (REPORT)     preparation marked done, or the report started (saved once, or submitted);
  述前准备 (PREPARATION) otherwise.

Later issues add their rule above DECISION in RULES (decided → FEEDBACK, feedback delivered →
RECTIFICATION, ...), with a Q and a predicate over a new field of ReviewFacts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from shuzhi.cycles.stages import Stage

ANNOTATION = "current_stage"
_VOTE_CLOSED = "stage_vote_closed"

ACCEPTED, SUBMITTED, RETURNED, DRAFT = "accepted", "submitted", "returned", "draft"  # reports.ReportStatus
ON_SITE, WRITTEN = "on_site", "written"  # meetings.PresentMode; cycles.ReportMode.WRITTEN is "written" too
GRADING_SUBMITTED = "submitted"  # evaluation.GradingStatus.SUBMITTED


@dataclass(frozen=True)
class ReviewFacts:
    """What a Review's stage is decided from (each a recorded fact, none a stage)."""

    group_stage: str
    preparation_done: bool = False
    report_status: str | None = None  # None: no report yet
    report_revision: int = 0
    report_mode: str = "both"  # the Review's report mode (cycles.ReportMode)
    agenda_mode: str | None = None  # None: on no meeting's agenda
    vote_closed: bool = False  # the real vote of its agenda's meeting is closed
    graded: bool = False  # it has a grade and its group's grading is submitted (shuzhi.evaluation)


def is_written(facts: ReviewFacts) -> bool:
    """Presented in writing (书面述职): so on its agenda item, or, not on an agenda, by its report mode."""
    return facts.agenda_mode == WRITTEN if facts.agenda_mode is not None else facts.report_mode == WRITTEN


def written_q() -> Q:
    return Q(agenda_item__mode=WRITTEN) | Q(agenda_item__isnull=True, report_mode=WRITTEN)


@dataclass(frozen=True)
class Rule:
    stage: str
    condition: Callable[[], Q]
    holds: Callable[[ReviewFacts], bool]


RULES: list[Rule] = [
    Rule(Stage.ARCHIVED, lambda: Q(group__stage=Stage.ARCHIVED), lambda f: f.group_stage == Stage.ARCHIVED),
    Rule(Stage.DECISION, lambda: Q(grade__grade__gt="", group__grading__status=GRADING_SUBMITTED), lambda f: f.graded),
    Rule(
        Stage.EVALUATION,
        lambda: Q(**{_VOTE_CLOSED: True}) | (written_q() & Q(report__status=ACCEPTED)),
        lambda f: f.vote_closed or (is_written(f) and f.report_status == ACCEPTED),
    ),
    Rule(
        Stage.MEETING,
        lambda: Q(report__status=ACCEPTED) | Q(agenda_item__isnull=False),
        lambda f: f.report_status == ACCEPTED or f.agenda_mode is not None,
    ),
    Rule(
        Stage.REPORT,
        lambda: (
            Q(preparation_done_at__isnull=False)
            | Q(report__revision__gt=0)
            | Q(report__status__in=[SUBMITTED, RETURNED, ACCEPTED])
        ),
        lambda f: f.preparation_done or f.report_revision > 0 or f.report_status in (SUBMITTED, RETURNED, ACCEPTED),
    ),
]


def stage_from_facts(facts: ReviewFacts) -> str:
    """The Review's stage (a Stage value) from its facts: pure."""
    for rule in RULES:
        if rule.holds(facts):
            return str(rule.stage)
    return str(Stage.PREPARATION)


def vote_closed_expression() -> Exists:
    from shuzhi.voting.models import Survey, SurveyStatus

    return Exists(
        Survey.objects.filter(
            meeting_id=OuterRef("agenda_item__meeting_id"), is_rehearsal=False, status=SurveyStatus.CLOSED
        )
    )


def stage_expression() -> Case:
    """The Case/When of RULES; needs the `stage_vote_closed` alias (with_stage adds it)."""
    return Case(
        *[When(rule.condition(), then=Value(str(rule.stage))) for rule in RULES],
        default=Value(str(Stage.PREPARATION)),
        output_field=CharField(),
    )


def with_stage(qs: QuerySet) -> QuerySet:
    """The Reviews with `current_stage` (a Stage value) annotated: joins and one EXISTS, no extra query.
    Review.stage reads it."""
    return qs.alias(**{_VOTE_CLOSED: vote_closed_expression()}).annotate(**{ANNOTATION: stage_expression()})


def stage_of(review) -> str:
    """One Review's stage (one query)."""
    from shuzhi.cycles.models import Review

    return with_stage(Review.objects.filter(pk=review.pk)).values_list(ANNOTATION, flat=True).get()


def facts_of(review) -> ReviewFacts:
    """The facts of one Review, read from the database (for tests and diagnostics)."""
    from shuzhi.cycles.models import Review

    row = (
        Review.objects.filter(pk=review.pk)
        .annotate(**{_VOTE_CLOSED: vote_closed_expression()})
        .values(
            "group__stage",
            "preparation_done_at",
            "report__status",
            "report__revision",
            "report_mode",
            "agenda_item__mode",
            "grade__grade",
            "group__grading__status",
            _VOTE_CLOSED,
        )
        .get()
    )
    return ReviewFacts(
        group_stage=row["group__stage"],
        preparation_done=row["preparation_done_at"] is not None,
        report_status=row["report__status"],
        report_revision=row["report__revision"] or 0,
        report_mode=row["report_mode"],
        agenda_mode=row["agenda_item__mode"],
        vote_closed=bool(row[_VOTE_CLOSED]),
        graded=bool(row["grade__grade"]) and row["group__grading__status"] == GRADING_SUBMITTED,
    )
