"""The grade proposal for a school of 5,000 Reviews in 100 review groups, and the grading page's queries.

    .venv/bin/python bench/grade_proposal.py [--database sqlite|postgres] [--runs 9] [--no-db]

1. Pure functions (no database): 5,000 composites (scoring.composite over random vote, daily and
   reviewer scores, a tenth of them missing a component) and the proposal of every one of the 100 groups
   (proposal.propose, 50 people each), timed `--runs` times; the median is printed.
2. Through the service, with a database (skipped with --no-db): a fresh database (SQLite temp file or a
   PostgreSQL database created and dropped here), migrated; 5,000 Reviews in 100 groups (97 of 50
   people, one each of 10, 60 and 80) bulk-created with a closed vote's stored score and a reviewer's
   score each (no daily check: those are re-weighted); then services.propose for all 100 groups (reads
   the components, proposes, stores 5,000 grades with their change records and 100 audit events), and
   the grading page (GET, as the org dept) of the 10- and the 60-person group, counting its SQL queries.

Prints numbers; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

GROUPS, PEOPLE = 100, 5000
SIZES = [50] * 97 + [10, 60, 80]


def pure(runs: int) -> dict:
    from shuzhi.evaluation import proposal, scoring

    rng = random.Random(2026)
    weights, rule = scoring.DEFAULT_WEIGHTS, scoring.MissingRule.REWEIGHT

    def score():
        return None if rng.random() < 0.1 / 3 else Decimal(rng.randint(4000, 10000)) / 100

    inputs = [{c: score() for c in scoring.COMPONENTS} for _ in range(PEOPLE)]
    composite_times, propose_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        composites = [scoring.composite(values, weights, rule).composite for values in inputs]
        composite_times.append(time.perf_counter() - started)
        groups, at = [], 0
        for size in SIZES:
            groups.append([proposal.Candidate(at + i, composites[at + i]) for i in range(size)])
            at += size
        started = time.perf_counter()
        results = [proposal.propose(group) for group in groups]
        propose_times.append(time.perf_counter() - started)
    ties = sum(len(r.ties) for r in results)
    return {
        "composites_ms": round(1000 * statistics.median(composite_times), 1),
        "proposal_ms": round(1000 * statistics.median(propose_times), 1),
        "ties": ties,
    }


def child() -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shuzhi.cycles.models import Review, ReviewCycle, ReviewGroup
    from shuzhi.cycles.stages import Stage
    from shuzhi.evaluation import services
    from shuzhi.evaluation.models import GroupGrading, ReviewGrade
    from shuzhi.meetings.models import Meeting
    from shuzhi.orgs.models import Organization, OrgKind, Person
    from shuzhi.voting.models import ResultKind, Survey, SurveyStatus, VoteResult

    rng = random.Random(2026)
    started = time.perf_counter()
    cycle = ReviewCycle.objects.create(year=2026, title="2026年度", stage=Stage.EVALUATION)
    committee = Organization.objects.create(name="学校党委", kind=OrgKind.COMMITTEE)
    gbs = Organization.objects.bulk_create(
        [Organization(name=f"第{g:03d}党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee) for g in range(GROUPS)]
    )
    branches, people = [], []
    for g, size in enumerate(SIZES):
        for i in range(size):
            branches.append(Organization(name=f"第{g:03d}党总支第{i:02d}党支部", kind=OrgKind.BRANCH, parent=gbs[g]))
            people.append(Person(name=f"书记{g:03d}{i:02d}", staff_no=f"B{g:03d}{i:02d}"))
    branches = Organization.objects.bulk_create(branches, batch_size=500)
    people = Person.objects.bulk_create(people, batch_size=500)
    groups = ReviewGroup.objects.bulk_create(
        [ReviewGroup(cycle=cycle, reviewer=gb, stage=Stage.EVALUATION) for gb in gbs]
    )
    reviews, at = [], 0
    for g, size in enumerate(SIZES):
        for i in range(size):
            reviews.append(
                Review(
                    cycle=cycle,
                    organization=branches[at + i],
                    secretary=people[at + i],
                    reviewer=gbs[g],
                    group=groups[g],
                    report_mode="both",
                )
            )
        at += size
    reviews = Review.objects.bulk_create(reviews, batch_size=500)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                cycle=cycle,
                reviewer=gb,
                kind="general_branch_enlarged",
                title="述职评议会",
                starts_at=timezone.now(),
                place="会议室",
            )
            for gb in gbs
        ]
    )
    surveys = Survey.objects.bulk_create(
        [Survey(meeting=m, form={}, status=SurveyStatus.CLOSED, closed_at=timezone.now()) for m in meetings]
    )
    gradings = GroupGrading.objects.bulk_create([GroupGrading(group=g) for g in groups])
    by_group = {g.pk: i for i, g in enumerate(groups)}
    VoteResult.objects.bulk_create(
        [
            VoteResult(
                survey=surveys[by_group[r.group_id]],
                review=r,
                kind=ResultKind.COUNTED,
                position=i,
                name=f"书记{i}",
                organization="党支部",
                score=Decimal(rng.randint(600000, 1000000)) / 10000,
                rated=30,
                not_rated=0,
            )
            for i, r in enumerate(reviews)
        ],
        batch_size=500,
    )
    ReviewGrade.objects.bulk_create(
        [
            ReviewGrade(review=r, grading=gradings[by_group[r.group_id]], reviewer_score=Decimal(rng.randint(60, 100)))
            for r in reviews
        ],
        batch_size=500,
    )
    built_s = time.perf_counter() - started

    started = time.perf_counter()
    for group in ReviewGroup.objects.filter(cycle=cycle).select_related("cycle", "reviewer"):
        services.propose("bench", group)
    propose_s = time.perf_counter() - started
    graded = ReviewGrade.objects.exclude(grade="").count()

    admin = get_user_model().objects.create_superuser("bench-admin", password="x")
    client = Client()
    client.force_login(admin)
    counts = {}
    for size in (10, 60):
        group = groups[SIZES.index(size)]
        url = f"/evaluation/groups/{group.pk}/"
        client.get(url, SERVER_NAME="127.0.0.1")  # warm
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            t0 = time.perf_counter()
            response = client.get(url, SERVER_NAME="127.0.0.1")
            page_ms = 1000 * (time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
        counts[size] = {"queries": len(statements), "ms": round(page_ms, 1)}
    return {
        "database": connection.vendor,
        "build_s": round(built_s, 1),
        "propose_all_groups_s": round(propose_s, 2),
        "graded": graded,
        "page": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child()))
        return
    result = pure(max(1, min(args.runs, 100)))
    print(
        f"pure: {PEOPLE} composites in {result['composites_ms']} ms; the proposal of {GROUPS} groups "
        f"({PEOPLE} people) in {result['proposal_ms']} ms (median of {args.runs}; {result['ties']} ties reported)"
    )
    if args.no_db:
        return
    import benchlib

    with benchlib.Database(args.database) as db:
        env = benchlib.django_env(db)
        benchlib.prepare(db, env)
        out = benchlib.run([benchlib.PYTHON, __file__, "--child"], env, timeout=1800)
    db_result = json.loads(out.strip().splitlines()[-1])
    print(
        f"{db_result['database']}: services.propose for {GROUPS} groups ({db_result['graded']} grades stored) in "
        f"{db_result['propose_all_groups_s']} s (data built in {db_result['build_s']} s)"
    )
    for size, page in db_result["page"].items():
        print(
            f"{db_result['database']}: grading page of a {size}-person group: {page['queries']} SQL queries, {page['ms']} ms"
        )


if __name__ == "__main__":
    main()
