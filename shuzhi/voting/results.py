"""The results of a closed vote, counted from its ballots (the recount), what may be shown while it is
open (turnout), and the receipts list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.db.models import TextField
from django.db.models.functions import Cast

from shuzhi.voting import ballotform
from shuzhi.voting.models import (
    Ballot,
    BallotCode,
    ResultKind,
    Survey,
    VoteResult,
    VoteSummary,
)
from shuzhi.voting.tally import CategoryResult, PresenterResult, tally_rows


@dataclass(frozen=True)
class PresenterSuggestions:
    review_id: int
    name: str
    organization: str
    texts: list[str]


@dataclass(frozen=True)
class Suggestions:
    """The suggestions (意见建议) written on one group of ballots: per presenter (in ballot order, only
    those with any) and overall (总体意见建议). Each list is sorted by text, so nothing in it links a
    suggestion to a ballot, its receipt or category, another suggestion on the same ballot, or the
    order the ballots came in (docs/vote-anonymity.md)."""

    presenters: list[PresenterSuggestions] = dataclass_field(default_factory=list)
    overall: list[str] = dataclass_field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.presenters or self.overall)

    @property
    def count(self) -> int:
        return sum(len(p.texts) for p in self.presenters) + len(self.overall)


def _suggestions(presenters: list[dict], per_review: dict[str, list[str]], overall: list[str]) -> Suggestions:
    return Suggestions(
        presenters=[
            PresenterSuggestions(
                int(p["review"]), p.get("name", ""), p.get("org", ""), sorted(per_review[str(p["review"])])
            )
            for p in presenters
            if per_review.get(str(p["review"]))
        ],
        overall=sorted(overall),
    )


@dataclass
class SurveyResults:
    survey: Survey
    presenters: list[PresenterResult]  # each presenter's suggestions sorted by text
    ballots: int  # every ballot received
    valid: int
    void: dict[str, int]  # reason -> ballots
    flagged: dict[str, int]
    flagged_presenters: list[PresenterResult]  # the flagged ballots' own tally, shown separately
    codes_issued: int
    # What voters wrote, by the kind of ballot it was written on. Void and set-aside ballots are not in
    # the scores, but their suggestions are still the voters' and are shown apart, never dropped.
    suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on valid ballots
    void_suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on void ballots (not counted)
    flagged_suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on set-aside ballots


def results(survey: Survey) -> SurveyResults:
    """The tally of a closed survey (callers must not show it while the vote is open). Ballots are
    classified by the form's valid-ballot rules first; void and flagged ones are counted separately,
    and the suggestions on them are returned separately too.

    Counted afresh on every call (1,000 ballots x 60 presenters: 30-40 ms, bench/tally.py). The JSON
    columns are fetched as text and decoded here, one json.loads each (an empty object without one),
    rather than through JSONField; the rules are worked out once (ballotform.Classifier)."""
    categories = [(c.pk, c.name, c.weight) for c in survey.categories.all()]
    rows = Ballot.objects.filter(survey=survey).values_list(
        "category_id",
        Cast("ratings", TextField()),
        Cast("item_ratings", TextField()),
        Cast("suggestions", TextField()),
        "overall_suggestion",
    )
    classify = ballotform.Classifier(survey.form, len(survey.presenters))
    loads = json.loads
    valid, flagged_ballots = [], []
    void: dict[str, int] = {}
    flagged: dict[str, int] = {}
    overall: dict[str, list[str]] = {"valid": [], "void": [], "flag": []}
    void_texts: dict[str, list[str]] = {}
    total = 0
    for category_id, ratings, item_ratings, suggestions, overall_text in rows:
        total += 1
        row = (
            category_id,
            loads(ratings),
            {} if item_ratings == "{}" else loads(item_ratings),
            {} if suggestions == "{}" else loads(suggestions),
        )
        verdict, reason = classify(row[1])
        if verdict == "valid":
            valid.append(row)
        elif verdict == "void":
            void[reason] = void.get(reason, 0) + 1
            for review, text in row[3].items():
                if text.strip():
                    void_texts.setdefault(review, []).append(text.strip())
        else:
            flagged[reason] = flagged.get(reason, 0) + 1
            flagged_ballots.append(row)
        if overall_text and overall_text.strip():
            overall["valid" if verdict == "valid" else "void" if verdict == "void" else "flag"].append(
                overall_text.strip()
            )
    options, items = survey.form["options"], survey.form.get("items", [])
    presenters = tally_rows(survey.presenters, options, categories, valid, items)
    flagged_presenters = (
        tally_rows(survey.presenters, options, categories, flagged_ballots, items) if flagged_ballots else []
    )
    for presenter in (*presenters, *flagged_presenters):
        presenter.suggestions.sort()

    def by_review(tallied: list[PresenterResult]) -> dict[str, list[str]]:
        return {str(p.review_id): p.suggestions for p in tallied}

    return SurveyResults(
        survey=survey,
        presenters=presenters,
        ballots=total,
        valid=len(valid),
        void=void,
        flagged=flagged,
        flagged_presenters=flagged_presenters,
        codes_issued=BallotCode.objects.filter(survey=survey).count(),
        suggestions=_suggestions(survey.presenters, by_review(presenters), overall["valid"]),
        void_suggestions=_suggestions(survey.presenters, void_texts, overall["void"]),
        flagged_suggestions=_suggestions(survey.presenters, by_review(flagged_presenters), overall["flag"]),
    )


def turnout(survey: Survey) -> tuple[int, int]:
    """(ballots received, codes issued) — safe to show while the vote is open."""
    return Ballot.objects.filter(survey=survey).count(), BallotCode.objects.filter(survey=survey).count()


def receipts(survey: Survey) -> list[str]:
    """Every receipt code, sorted, for voters to check their ballot was counted (after closing only)."""
    return sorted(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True))


# --- The stored results (VoteSummary, VoteResult: stored when the vote closes) ------------------------


def _stored_presenter(row: VoteResult) -> PresenterResult:
    return PresenterResult(
        review_id=row.review_id,
        name=row.name,
        organization=row.organization,
        counts=row.counts,
        rated=row.rated,
        not_rated=row.not_rated,
        satisfaction_rate=row.satisfaction_rate,
        score=row.score,
        by_category=[
            CategoryResult(
                i,
                c["category"],
                Decimal(c["weight"]),
                c["counts"],
                c["rated"],
                None if c["mean"] is None else Decimal(c["mean"]),
                None if c["mean"] is None else Decimal(c["mean"]),
            )
            for i, c in enumerate(row.by_category)
        ],
        item_counts=row.item_counts,
        suggestions=row.suggestions,
        score_exact=row.score,
        satisfaction_exact=row.satisfaction_rate,
    )


def stored_results(survey: Survey) -> SurveyResults | None:
    """The results stored when the vote closed, in the shape results() gives (scores and rates are the
    stored Decimals), or None if none are stored (a rehearsal, an open vote). Two queries, whatever
    the number of presenters and ballots."""
    summary = VoteSummary.objects.filter(survey=survey).first()
    if summary is None:
        return None
    counted, set_aside = [], []
    for row in VoteResult.objects.filter(survey=survey).order_by("kind", "position"):
        (counted if row.kind == ResultKind.COUNTED else set_aside).append(_stored_presenter(row))
    overall = summary.overall_suggestions

    def by_review(tallied: list[PresenterResult]) -> dict[str, list[str]]:
        return {str(p.review_id): p.suggestions for p in tallied}

    return SurveyResults(
        survey=survey,
        presenters=counted,
        ballots=summary.ballots,
        valid=summary.valid,
        void=summary.void,
        flagged=summary.set_aside,
        flagged_presenters=set_aside,
        codes_issued=summary.codes_issued,
        suggestions=_suggestions(survey.presenters, by_review(counted), overall.get("counted", [])),
        void_suggestions=_suggestions(survey.presenters, summary.void_suggestions, overall.get("void", [])),
        flagged_suggestions=_suggestions(survey.presenters, by_review(set_aside), overall.get("set_aside", [])),
    )


def current_result(review_id: int) -> VoteResult | None:
    """The Review's current result (the latest closed real vote it was presented at), with its survey
    and meeting, or None before that vote has closed."""
    return (
        VoteResult.objects.filter(review_id=review_id, kind=ResultKind.COUNTED, is_current=True)
        .select_related("survey__meeting", "survey__stored_summary")
        .first()
    )


SMALL_CATEGORY = 3  # a voter category with fewer valid ballots than this is flagged (docs/vote-anonymity.md)


def small_categories(result: PresenterResult | None) -> list[str]:
    """The voter categories with fewer than SMALL_CATEGORY ballots rating this presenter (but at least
    one): their figures, and through the weights the score, can show how those few voted. With one
    category there is nothing per category to show beyond the totals, so nothing is flagged."""
    if result is None or len(result.by_category) < 2:
        return []
    return [c.name for c in result.by_category if 0 < c.rated < SMALL_CATEGORY]
