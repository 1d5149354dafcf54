"""The fast count gives the same verdicts and the same tally as the straightforward one.

`reference_classify` and `reference_tally` are the plain implementations the optimised
ballotform.Classifier and tally.tally_rows replaced (the rules re-read and the option set rebuilt for
every ballot, a BallotData per ballot; the summary of the counts, tally.summarize, did not change and
is shared); random forms and ballots must get identical answers from both,
and services.results() on a real closed vote must equal the reference count of the same ballots.
"""

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuzhi.voting import ballotform, services
from shuzhi.voting.models import Ballot
from shuzhi.voting.services import BallotInput
from shuzhi.voting.tally import BallotData, summarize, tally, tally_rows

# --- The reference implementations --------------------------------------------------------------


def reference_classify(ratings, form, presenter_count):
    rules = {**ballotform.DEFAULT_RULES, **(form.get("rules") or {})}
    options = form["options"]
    rated = [v for v in ratings.values() if v in {o["key"] for o in options}]
    if not rated:
        return ("void", "no_rating") if rules["void_if_no_rating"] else ("valid", "")
    top = options[0]["key"]
    bottom = min(options, key=lambda o: o["value"])["key"]
    share = rules.get("max_satisfied_share")
    if (
        share is not None
        and presenter_count
        and rated.count(top) / presenter_count > share
        and rules["max_satisfied_action"] == "flag"
    ):
        return "flagged", "too_many_top"
    if (
        presenter_count > 1
        and len(rated) == presenter_count
        and all(v == bottom for v in rated)
        and rules["all_unsatisfied_action"] == "flag"
    ):
        return "flagged", "all_bottom"
    return "valid", ""


def reference_tally(presenters, options, categories, ballots, items=()):
    values = {o["key"]: float(o["value"]) for o in options}
    option_keys = [o["key"] for o in options]
    review_ids = [str(p["review"]) for p in presenters]
    counts = {r: {c[0]: dict.fromkeys(option_keys, 0) for c in categories} for r in review_ids}
    item_counts = {r: {i["key"]: {o["key"]: 0 for o in i.get("options", options)} for i in items} for r in review_ids}
    suggestions = {r: [] for r in review_ids}
    total = 0
    for ballot in ballots:
        total += 1
        for review, option in ballot.ratings.items():
            per_category = counts.get(review)
            if per_category is None or option not in values:
                continue
            bucket = per_category.get(ballot.category_id)
            if bucket is not None:
                bucket[option] += 1
        for review, marks in ballot.item_ratings.items():
            per_item = item_counts.get(review)
            if per_item is None:
                continue
            for item_key, option in marks.items():
                if item_key in per_item and option in per_item[item_key]:
                    per_item[item_key][option] += 1
        for review, text in ballot.suggestions.items():
            if review in suggestions and text.strip():
                suggestions[review].append(text.strip())
    return summarize(presenters, options, categories, counts, item_counts, suggestions, total)


# --- Random forms and ballots -------------------------------------------------------------------

KEY_POOL = ["satisfied", "basic", "unsatisfied", "good", "poor"]
REVIEWS = ["1", "2", "3", "4", "5"]


def options_strategy(min_size=1):
    return st.lists(st.sampled_from(KEY_POOL), min_size=min_size, max_size=5, unique=True).flatmap(
        lambda keys: st.tuples(*[st.tuples(st.integers(0, 3).map(lambda v: v * 50), st.booleans()) for _ in keys]).map(
            lambda marks, keys=keys: [
                {"key": k, "label": k, "value": v, "satisfied": s} for k, (v, s) in zip(keys, marks, strict=False)
            ]
        )
    )


rules_strategy = st.fixed_dictionaries(
    {},
    optional={
        "void_if_no_rating": st.booleans(),
        "max_satisfied_share": st.one_of(
            st.none(), st.sampled_from([0.2, 1 / 3, 0.5, 0.6, 2 / 3, 0.8]), st.floats(0.01, 0.99)
        ),
        "max_satisfied_action": st.sampled_from(ballotform.ACTIONS),
        "all_unsatisfied_action": st.sampled_from(ballotform.ACTIONS),
    },
)
form_strategy = st.fixed_dictionaries(
    {"options": options_strategy()}, optional={"rules": st.one_of(st.none(), rules_strategy)}
)
ratings_strategy = st.dictionaries(
    st.sampled_from(REVIEWS + ["99"]), st.sampled_from(KEY_POOL + ["bogus", ""]), max_size=6
)


@given(form_strategy, st.integers(0, 6), st.lists(ratings_strategy, max_size=30))
def test_the_classifier_gives_the_reference_verdicts(form, presenter_count, ballots):
    classify = ballotform.Classifier(form, presenter_count)  # one classifier for every ballot
    for ratings in ballots:
        expected = reference_classify(ratings, form, presenter_count)
        assert classify(ratings) == expected
        assert ballotform.classify(ratings, form, presenter_count) == expected


@given(st.sampled_from(KEY_POOL[:3]), st.integers(1, 6), st.data())
def test_the_rules_that_set_ballots_aside_agree_with_the_reference(top, presenter_count, data):
    """Ballots built to sit on the edges of the two flagging rules (all ratings top, all bottom, one off)."""
    form = ballotform.default_form()
    form["rules"] = {
        "void_if_no_rating": data.draw(st.booleans()),
        "max_satisfied_share": data.draw(st.sampled_from([None, 0.5, 2 / 3, 0.8])),
        "max_satisfied_action": "flag",
        "all_unsatisfied_action": "flag",
    }
    reviews = REVIEWS[:presenter_count]
    classify = ballotform.Classifier(form, presenter_count)
    for ratings in (
        {r: top for r in reviews},
        {r: "unsatisfied" for r in reviews},
        {r: "unsatisfied" for r in reviews[1:]},
        {**{r: top for r in reviews[1:]}, reviews[0]: "basic"},
        data.draw(st.dictionaries(st.sampled_from(reviews), st.sampled_from(KEY_POOL[:3]))),
    ):
        assert classify(ratings) == reference_classify(ratings, form, presenter_count)


items_strategy = st.lists(st.sampled_from(["duty", "team", "style"]), max_size=3, unique=True).flatmap(
    lambda keys: st.tuples(*[st.one_of(st.none(), options_strategy(2)) for _ in keys]).map(
        lambda opts, keys=keys: [
            {"key": k, "label": k, **({"options": o} if o is not None else {})}
            for k, o in zip(keys, opts, strict=False)
        ]
    )
)
ballot_strategy = st.builds(
    BallotData,
    category_id=st.sampled_from([1, 2, 3, 4]),  # 4 is on no list of categories
    ratings=ratings_strategy,
    item_ratings=st.dictionaries(
        st.sampled_from(REVIEWS + ["99"]),
        st.dictionaries(
            st.sampled_from(["duty", "team", "style", "other"]), st.sampled_from(KEY_POOL + ["bogus"]), max_size=4
        ),
        max_size=5,
    ),
    suggestions=st.dictionaries(
        st.sampled_from(REVIEWS + ["99"]), st.sampled_from(["", "  ", "多调研", " 注重实效 "]), max_size=5
    ),
)


@given(
    st.lists(st.sampled_from([1, 2, 3, 4, 5]), max_size=5, unique=True),
    options_strategy(),
    st.lists(
        st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from([Decimal(0), Decimal(30), Decimal("70.5")])),
        max_size=3,
        unique_by=lambda c: c[0],
    ),
    items_strategy,
    st.lists(ballot_strategy, max_size=40),
)
def test_the_count_equals_the_reference_count(reviews, options, categories, items, ballots):
    presenters = [{"review": r, "name": f"书记{r}", "org": f"支部{r}"} for r in reviews]
    categories = [(c, f"类别{c}", w) for c, w in categories]
    expected = reference_tally(presenters, options, categories, ballots, items)
    assert tally(presenters, options, categories, ballots, items) == expected
    rows = [(b.category_id, b.ratings, b.item_ratings, b.suggestions) for b in ballots]
    assert tally_rows(presenters, options, categories, rows, items) == expected


# --- services.results() on a real closed vote ---------------------------------------------------


def reference_results(survey):
    """The count the way results() did it before: JSONField rows, classify per ballot, BallotData."""
    categories = [(c.pk, c.name, c.weight) for c in survey.categories.all()]
    valid, flagged_ballots, void, flagged = [], [], {}, {}
    rows = Ballot.objects.filter(survey=survey).values_list("category_id", "ratings", "item_ratings", "suggestions")
    for category_id, ratings, item_ratings, suggestions in rows:
        verdict, reason = reference_classify(ratings, survey.form, len(survey.presenters))
        data = BallotData(category_id, ratings, item_ratings, suggestions)
        if verdict == "valid":
            valid.append(data)
        elif verdict == "void":
            void[reason] = void.get(reason, 0) + 1
        else:
            flagged[reason] = flagged.get(reason, 0) + 1
            flagged_ballots.append(data)
    options, items = survey.form["options"], survey.form.get("items", [])
    return (
        reference_tally(survey.presenters, options, categories, valid, items),
        len(rows),
        len(valid),
        void,
        flagged,
        reference_tally(survey.presenters, options, categories, flagged_ballots, items) if flagged_ballots else [],
    )


def in_any_order(presenters):
    """The order of suggestions is the order the database returns the ballots in, which nothing fixes."""
    return [replace(p, suggestions=sorted(p.suggestions)) for p in presenters]


@pytest.mark.parametrize("seed", [1, 2])
def test_results_of_a_closed_vote_equal_the_reference_count(college, meeting, seed):
    rng = random.Random(seed)
    survey = services.create_survey(college.org_dept, meeting)
    form = ballotform.default_form()
    form["items"] = [{"key": "duty", "label": "履行第一责任人职责", "options": form["options"]}]
    form["rules"] = {
        "void_if_no_rating": True,
        "max_satisfied_share": 0.5,
        "max_satisfied_action": "flag",
        "all_unsatisfied_action": "flag",
    }
    services.set_survey_form(college.org_dept, survey, form)
    leaders, staff = services.set_categories(college.org_dept, survey, [("校领导", 30), ("教职工", 70)])
    codes = services.issue_codes(college.org_dept, survey, 15, category=leaders) + services.issue_codes(
        college.org_dept, survey, 25, category=staff
    )
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    reviews = [str(p["review"]) for p in survey.presenters]
    keys = ["satisfied", "basic", "unsatisfied"]
    for n, code in enumerate(codes):
        ratings = {r: rng.choice(keys) for r in reviews if rng.random() < 0.8}
        if n < 2:  # one ballot rating nobody (void), one rating everybody 不满意 (set aside)
            ratings = {r: "unsatisfied" for r in reviews} if n else {}
        items = {r: {"duty": rng.choice(keys)} for r in ratings if rng.random() < 0.5}
        suggestions = {r: rng.choice(["多调研", "注重实效", "加强党员教育"]) for r in reviews if rng.random() < 0.3}
        services.cast_ballot(survey.pk, code, BallotInput(ratings, items, suggestions))
    services.close_survey(college.org_dept, survey)
    survey.refresh_from_db()

    result = services.results(survey)
    presenters, ballots, valid, void, flagged, flagged_presenters = reference_results(survey)
    assert (result.ballots, result.valid, result.void, result.flagged) == (ballots, valid, void, flagged)
    assert in_any_order(result.presenters) == in_any_order(presenters)
    assert in_any_order(result.flagged_presenters) == in_any_order(flagged_presenters)
    assert result.codes_issued == 40
    assert ballots == 40 and void["no_rating"] >= 1 and flagged["all_bottom"] >= 1 and flagged["too_many_top"] >= 1
