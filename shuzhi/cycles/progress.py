"""The progress board of a cycle: one row per Review the user may see, its counts and its filters.

The rows come from access.visible_reviews(user) and are narrowed only by the filters the user chose.
A fixed number of queries whatever the number of rows: counts of preparation items are subqueries,
the report's status and submission time are joined columns, and each row's stage is the annotation of
shuzhi.cycles.review_stage (its real state, not a stored button) next to its group's stage.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuzhi.cycles.models import PreparationItem, PreparationKind, ReportMode, Review, ReviewCycle
from shuzhi.cycles.review_stage import with_stage
from shuzhi.cycles.stages import Stage
from shuzhi.orgs import access
from shuzhi.orgs.models import Organization, OrgKind
from shuzhi.orgs.tree import order_by_tree
from shuzhi.reports.models import ReportStatus

NOT_STARTED = "not_started"

# The report statuses of the board, in the order of the workflow (未开始/草稿/已提交/已退回/已通过).
STATUS_CHOICES: list[tuple[str, str]] = [
    (NOT_STARTED, gettext_lazy("Not started")),
    (ReportStatus.DRAFT, gettext_lazy("Draft")),
    (ReportStatus.SUBMITTED, gettext_lazy("Submitted")),
    (ReportStatus.RETURNED, gettext_lazy("Returned")),
    (ReportStatus.ACCEPTED, gettext_lazy("Accepted")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
PREP_KINDS = [PreparationKind.RESEARCH, PreparationKind.OPINION, PreparationKind.PROBLEM]


@dataclass(frozen=True)
class ProgressRow:
    """One Review on the board, as plain values (what the page and the .xlsx show)."""

    review_id: int
    organization: str
    kind: str
    secretary: str
    reviewer: str
    report_mode: str
    stage: str  # the Review's own stage (review_stage), as its label
    group_stage: str  # the stage of its review group, as its label
    prepared: bool
    research_count: int
    opinion_count: int
    problem_count: int
    status: str  # one of STATUS_LABELS' keys
    status_label: str
    submitted_at: datetime.datetime | None  # local time

    @property
    def prep_counts(self) -> list[tuple[str, int]]:
        return [
            (_("Research"), self.research_count),
            (_("Opinions"), self.opinion_count),
            (_("Problems"), self.problem_count),
        ]


@dataclass
class Counts:
    total: int = 0
    prepared: int = 0
    not_started: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    accepted: int = 0


def _prep_count(kind: str) -> Coalesce:
    items = (
        PreparationItem.objects.filter(review=OuterRef("pk"), kind=kind, is_withdrawn=False)
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), Value(0))


def cycle_reviews(user, cycle: ReviewCycle) -> QuerySet[Review]:
    """The Reviews of the cycle the user may see: access decides."""
    return access.visible_reviews(user).filter(cycle=cycle)


def with_columns(qs: QuerySet[Review]) -> QuerySet[Review]:
    """The board's columns, joined or as subqueries: no query per row."""
    return with_stage(qs.select_related("organization", "secretary", "reviewer", "group")).annotate(
        report_status=F("report__status"),
        report_submitted_at=F("report__submitted_at"),
        research_count=_prep_count(PreparationKind.RESEARCH),
        opinion_count=_prep_count(PreparationKind.OPINION),
        problem_count=_prep_count(PreparationKind.PROBLEM),
    )


def reviewer_choices(user, cycle: ReviewCycle, *, ranks: dict[int, int] | None = None) -> QuerySet[Organization]:
    """The reviewing organisations among the Reviews the user may see, in tree order (ranks: tree.tree_ranks())."""
    reviewer_ids = cycle_reviews(user, cycle).values("reviewer_id")
    return order_by_tree(Organization.objects.filter(pk__in=reviewer_ids), ranks=ranks)


def apply_filters(qs: QuerySet[Review], filters: dict) -> QuerySet[Review]:
    """Everything but the status filter (the counts are taken after these)."""
    if filters.get("reviewer"):
        qs = qs.filter(reviewer_id=filters["reviewer"])
    if filters.get("kind"):
        qs = qs.filter(organization__kind=filters["kind"])
    if filters.get("prepared") == "yes":
        qs = qs.filter(preparation_done_at__isnull=False)
    elif filters.get("prepared") == "no":
        qs = qs.filter(preparation_done_at__isnull=True)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(organization__name__contains=q) | Q(secretary__name__contains=q))
    return qs


def apply_status(qs: QuerySet[Review], status: str | None) -> QuerySet[Review]:
    if status == NOT_STARTED:
        return qs.filter(report__isnull=True)
    if status in ReportStatus.values:
        return qs.filter(report__status=status)
    return qs


def count(qs: QuerySet[Review]) -> Counts:
    """The board's counts in one query."""
    data = qs.order_by().aggregate(
        total=Count("pk"),
        prepared=Count("pk", filter=Q(preparation_done_at__isnull=False)),
        not_started=Count("pk", filter=Q(report__isnull=True)),
        draft=Count("pk", filter=Q(report__status=ReportStatus.DRAFT)),
        submitted=Count("pk", filter=Q(report__status=ReportStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(report__status=ReportStatus.RETURNED)),
        accepted=Count("pk", filter=Q(report__status=ReportStatus.ACCEPTED)),
    )
    return Counts(**data)


def to_row(review: Review) -> ProgressRow:
    status = review.report_status or NOT_STARTED
    submitted = review.report_submitted_at
    return ProgressRow(
        review_id=review.pk,
        organization=review.organization.name,
        kind=str(OrgKind(review.organization.kind).label),
        secretary=review.secretary.name,
        reviewer=review.reviewer.name,
        report_mode=str(ReportMode(review.report_mode).label),
        stage=str(Stage(review.stage).label),
        group_stage=str(Stage(review.group.stage).label),
        prepared=review.preparation_done_at is not None,
        research_count=review.research_count,
        opinion_count=review.opinion_count,
        problem_count=review.problem_count,
        status=status,
        status_label=str(STATUS_LABELS.get(status, status)),
        submitted_at=timezone.localtime(submitted) if submitted else None,
    )


@dataclass
class Board:
    rows: list[ProgressRow]
    counts: Counts
    filters: dict


def build_board(user, cycle: ReviewCycle, filters: dict, *, ranks: dict[int, int] | None = None) -> Board:
    """Two queries (three without `ranks`, tree.tree_ranks()): the counts and the rows, in the tree order
    of their organisation."""
    qs = apply_filters(cycle_reviews(user, cycle), filters)
    counts = count(qs)
    rows = [
        to_row(r)
        for r in order_by_tree(
            with_columns(apply_status(qs, filters.get("status"))), "organization_id", "pk", ranks=ranks
        )
    ]
    return Board(rows=rows, counts=counts, filters=filters)
