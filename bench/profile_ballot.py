"""Where a ballot's time goes: the real /v/<code>/ GET and POST, in-process, under cProfile.

    .venv/bin/python bench/profile_ballot.py --database sqlite|postgres [--ballots 300] [--top 35]

Same settings and data as vote_load.py (DEBUG=0, a fresh database, 20 presenters), but the requests
go through Django's full handler and middleware in this one process, one after the other, so the
profile shows the server's own CPU and database time per request without the load generator or
other processes in it. Prints: mean ms per GET and per POST, the SQL statements each makes (with
their share of the time), and the top functions by cumulative time for the POSTs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import re
import sys
import time

import benchlib


def child(args) -> None:
    """Runs inside the prepared environment (a re-executed copy of this script)."""
    import django

    django.setup()
    import benchdata
    from django.db import connection
    from django.test import Client

    vote = benchdata.build_vote(args.presenters, args.ballots + 50)
    codes = vote["codes"]
    sql: dict[str, list[float]] = {}

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            key = re.sub(r"\s+", " ", statement)[:110]
            sql.setdefault(key, []).append(time.perf_counter() - started)

    import random

    from vote_load import ballot_form

    rng = random.Random(1)
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-CN", SERVER_NAME="127.0.0.1")
    for code in codes[-50:]:  # warm-up: templates, URL resolver, translations
        client.get(f"/v/{code}/")
    get_s, post_s = [], []
    pages = []
    get_profiler = cProfile.Profile()
    collections = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}  # generation: [runs, seconds] during the GETs
    gc_started = [0.0]

    def gc_timer(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            collections[info["generation"]][0] += 1
            collections[info["generation"]][1] += time.perf_counter() - gc_started[0]

    gc.callbacks.append(gc_timer)
    cpu = time.process_time()
    with connection.execute_wrapper(timed):
        sql.clear()
        for code in codes[: args.ballots]:
            started = time.perf_counter()
            if not args.plain:
                get_profiler.enable()
            page = client.get(f"/v/{code}/")
            get_profiler.disable()
            get_s.append(time.perf_counter() - started)
            pages.append(
                (
                    code,
                    page.cookies["csrftoken"].value,
                    re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1),
                )
            )
        get_sql = {k: v[:] for k, v in sql.items()}
        get_cpu = time.process_time() - cpu
        gc.callbacks.remove(gc_timer)
        sql.clear()
        profiler = cProfile.Profile()
        cpu = time.process_time()
        for code, cookie, token in pages:
            client.cookies["csrftoken"] = cookie
            body = ballot_form(rng, vote["survey"], vote["presenters"], token).decode()
            started = time.perf_counter()
            if not args.plain:
                profiler.enable()
            response = client.post(f"/v/{code}/", body, content_type="application/x-www-form-urlencoded")
            profiler.disable()
            post_s.append(time.perf_counter() - started)
            assert response.status_code == 200 and b'id="receipt"' in response.content, response.status_code
        post_sql = sql
        post_cpu = time.process_time() - cpu
    n = len(pages)
    print(
        f"database: {connection.vendor}; {n} GETs and {n} POSTs, one at a time, in-process (no HTTP, no gunicorn), "
        + ("without a profiler" if args.plain else "under cProfile (which about doubles the time)")
        + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"GET  /v/<code>/  mean {1000 * sum(get_s) / n:.2f} ms wall, {1000 * get_cpu / n:.2f} ms CPU of this process "
        f"(median wall {1000 * sorted(get_s)[n // 2]:.2f})"
    )
    print(
        "     the cyclic garbage collector during the GETs: "
        + ", ".join(f"generation {g} {runs}x {1000 * spent:.1f} ms" for g, (runs, spent) in collections.items())
        + f" ({1000 * sum(spent for _, spent in collections.values()) / n:.3f} ms per GET; "
        f"{gc.get_freeze_count()} objects frozen)"
    )
    print(
        f"POST /v/<code>/  mean {1000 * sum(post_s) / n:.2f} ms wall, {1000 * post_cpu / n:.2f} ms CPU of this "
        "process "
        f"(median wall {1000 * sorted(post_s)[n // 2]:.2f})"
    )
    for label, stats, total in (("GET", get_sql, sum(get_s)), ("POST", post_sql, sum(post_s))):
        spent = sum(sum(v) for v in stats.values())
        print(
            f"\n{label}: {sum(len(v) for v in stats.values()) / n:.1f} SQL statements per request, "
            f"{1000 * spent / n:.2f} ms of {1000 * total / n:.2f} ms ({spent / total:.0%}) in the database calls"
        )
        for statement, times in sorted(stats.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {len(times) / n:4.1f}x {1000 * sum(times) / n:6.2f} ms  {statement}")
    if args.plain:
        return
    for label, prof in (("GET", get_profiler), ("POST", profiler)):
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(args.top)
            print(f"\n{label} profile ({order}, {n} requests):")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
    for function in ("_cast", "cast_ballot"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_callees(rf"\({function}\)")
        print(f"\nwhat {function} calls (cumulative seconds over {n} POSTs):")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip() and "Ordered by" not in line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--pg-url", default=benchlib.DEFAULT_PG)
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--presenters", type=int, default=20)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--plain", action="store_true", help="no profiler: only the times and the SQL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.ballots <= 5000:
        raise SystemExit("--ballots 1..5000")
    if args.child:
        child(args)
        return
    with benchlib.Database(args.database, args.pg_url) as db:
        env = benchlib.django_env(db)
        benchlib.prepare(db, env)
        argv = [
            benchlib.PYTHON,
            __file__,
            "--child",
            "--database",
            args.database,
            "--ballots",
            str(args.ballots),
            "--presenters",
            str(args.presenters),
            "--top",
            str(args.top),
            *(["--plain"] if args.plain else []),
        ]
        print(benchlib.run(argv, env, timeout=900))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
