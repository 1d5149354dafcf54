"""What one ballot page costs the server under gunicorn, without contention: one sync worker, one
client, one GET after the other (a new connection each, as a phone makes).

    .venv/bin/python bench/get_cost.py --database postgres [--requests 3000]

vote_load.py measures throughput with 200 phones on the machine's cores, where the figure also
depends on how the server's processes, PostgreSQL's backends and the load generator share those
cores. This one measures the page's own cost: CPU milliseconds per GET of the gunicorn worker, of the
PostgreSQL backend (0 on SQLite) and of this client, and the wall time per GET. Same settings and
data as vote_load.py (gunicorn.conf.py, DEBUG=0, 20 presenters).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import benchlib
from benchlib import Connection, CpuMeter, Database, Gunicorn, log


async def measure(port: int, pgid: int, db_name: str, codes: list[str], warm_up: int) -> dict:
    async def get(code: str) -> None:
        connection = Connection(port, 10)
        response = await connection.request("GET", f"/v/{code}/")
        await connection.close()
        if response.status != 200:
            raise SystemExit(f"GET /v/<code>/ answered {response.status}")

    for code in codes[:warm_up]:
        await get(code)
    meter = CpuMeter(pgid, db_name)
    started = time.perf_counter()
    for code in codes[warm_up:]:
        await get(code)
    wall = time.perf_counter() - started
    return {"wall_s": wall, **meter.result()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--pg-url", default=benchlib.DEFAULT_PG)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warm-up", type=int, default=100)
    args = parser.parse_args()
    if not 1 <= args.requests <= 50000:
        raise SystemExit("--requests 1..50000")
    with Database(args.database, args.pg_url) as db:
        env = benchlib.django_env(db)
        benchlib.prepare(db, env)
        vote = benchlib.data(env, "setup", "--presenters", "20", "--codes", str(args.requests + args.warm_up))
        with Gunicorn(env, workers=1, worker_class="sync", threads=1, log_path=db.tmp / "gunicorn.log") as server:
            log(f"{server.description}; {args.requests} GETs one at a time after {args.warm_up} to warm up")
            got = asyncio.run(measure(server.port, server.proc.pid, db.pg_name or "", vote["codes"], args.warm_up))
    n = args.requests
    print(
        f"{args.database}: per GET {1000 * got['wall_s'] / n:.3f} ms wall; CPU: gunicorn "
        f"{1000 * got['server_cpu_s'] / n:.3f} ms, PostgreSQL {1000 * got['postgres_cpu_s'] / n:.3f} ms, "
        f"client {1000 * got['client_cpu_s'] / n:.3f} ms; other processes {got['other_cpu_s']} s in all"
    )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
