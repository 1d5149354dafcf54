"""Tallying a closed vote: results.results() on 1,000 ballots x 60 presenters.

    .venv/bin/python bench/tally.py --database sqlite|postgres [--ballots 1000] [--presenters 60] [--runs 9]

A fresh database (SQLite temp file, or a PostgreSQL database created here and dropped at the end),
migrated; a committee meeting with 60 presenters and its survey (bench/benchdata.py, through the
services); 1,000 ballots cast through casting.cast_ballot (ratings drawn 70/25/5 % satisfied /
basic / unsatisfied, some presenters left unrated, suggestions on 15 %); the vote closed with
closing.close_survey (which seals it). Then vote_results.results(survey) is timed `--runs` times, each
on a freshly fetched Survey (as a results page does), and the median is printed in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import benchlib


def child(args) -> dict:
    import random

    import django

    django.setup()
    import benchdata
    from django.db import connection
    from vote_load import SUGGESTIONS

    from shuzhi.voting import casting, closing
    from shuzhi.voting import results as vote_results
    from shuzhi.voting.models import Survey

    vote = benchdata.build_vote(args.presenters, args.ballots)
    rng = random.Random(2026)
    started = time.perf_counter()
    for code in vote["codes"]:
        ratings, suggestions = {}, {}
        for review in vote["presenters"]:
            if rng.random() < 0.98:
                ratings[str(review)] = rng.choices(["satisfied", "basic", "unsatisfied"], [70, 25, 5])[0]
            if rng.random() < 0.15:
                suggestions[str(review)] = rng.choice(SUGGESTIONS)
        casting.cast_ballot(vote["survey"], code, casting.BallotInput(ratings, {}, suggestions, "会议组织有序"))
    cast_s = time.perf_counter() - started
    survey = Survey.objects.get(pk=vote["survey"])
    started = time.perf_counter()
    closing.close_survey("bench", survey)
    close_s = time.perf_counter() - started
    timings, cpu_times, statements = [], [], []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    for _run in range(args.runs):
        survey = Survey.objects.get(pk=vote["survey"])
        statements.clear()
        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            result = vote_results.results(survey)
            timings.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu)
    if args.profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        survey = Survey.objects.get(pk=vote["survey"])
        profiler.runcall(vote_results.results, survey)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue(), file=sys.stderr)
    assert result.ballots == args.ballots and len(result.presenters) == args.presenters, (result.ballots,)
    return {
        "database": connection.vendor,
        "ballots": result.ballots,
        "valid": result.valid,
        "presenters": len(result.presenters),
        "runs": args.runs,
        "results_median_ms": round(1000 * statistics.median(timings), 1),
        "results_min_ms": round(1000 * min(timings), 1),
        "results_max_ms": round(1000 * max(timings), 1),
        "results_median_cpu_ms": round(1000 * statistics.median(cpu_times), 1),
        "loadavg_1min": round(os.getloadavg()[0], 2),
        "cast_1000_ballots_s": round(cast_s, 2),
        "close_survey_ms": round(1000 * close_s, 1),
        "queries_per_results": len(statements),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--pg-url", default=benchlib.DEFAULT_PG)
    parser.add_argument("--ballots", type=int, default=1000)
    parser.add_argument("--presenters", type=int, default=60)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one results() call")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (1 <= args.ballots <= 20000 and 1 <= args.presenters <= 500 and 1 <= args.runs <= 100):
        raise SystemExit("ballots 1..20000, presenters 1..500, runs 1..100")
    if args.child:
        print(json.dumps(child(args)))
        return
    with benchlib.Database(args.database, args.pg_url) as db:
        env = benchlib.django_env(db)
        benchlib.run([benchlib.PYTHON, "manage.py", "migrate", "--noinput"], env)
        out = benchlib.run(
            [
                benchlib.PYTHON,
                __file__,
                "--child",
                "--database",
                args.database,
                "--ballots",
                str(args.ballots),
                "--presenters",
                str(args.presenters),
                "--runs",
                str(args.runs),
                *(["--profile"] if args.profile else []),
            ],
            env,
            timeout=1200,
            stderr=args.profile,
        )
    result = json.loads(out.strip().splitlines()[-1])
    print(
        f"tally of {result['ballots']} ballots x {result['presenters']} presenters on {args.database}: "
        f"median {result['results_median_ms']} ms over {result['runs']} runs "
        f"(min {result['results_min_ms']}, max {result['results_max_ms']}; CPU of this process: median "
        f"{result['results_median_cpu_ms']} ms); load average {result['loadavg_1min']}; "
        f"close_survey {result['close_survey_ms']} ms",
        file=sys.stderr,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
