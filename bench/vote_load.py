"""Load test of the phone ballot: a production-like gunicorn, 200 phones voting at once.

    .venv/bin/python bench/vote_load.py --database sqlite
    .venv/bin/python bench/vote_load.py --database postgres [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/vote_load.py --database sqlite --endpoint both     # + bare reference and ratio

What it does, all on 127.0.0.1, cleaning up after itself:
1. a fresh database (SQLite: a file in a temp dir; PostgreSQL: a database created here, dropped at
   the end), `manage.py migrate` and `collectstatic` (into the temp dir);
2. the data through the project's services (bench/benchdata.py): a committee meeting with 20
   presenters, its survey with one code per ballot, opened;
3. `gunicorn shuzhi.wsgi` (default 4 sync workers) with DEBUG=0 HTTPS=0 and a random SECRET_KEY;
4. GET phase: 200 clients fetch ballot pages /v/<code>/ (requests/s, p50/p99);
5. two vote phases of 200 phones, each POSTing a full ballot of 20 ratings with a few suggestions
   (ballots/s, POST p50/p90/p99, errors), on half of the codes each:
   - flow: each phone takes the next unused code, GETs its ballot (CSRF cookie and token) and POSTs
     it at once — ballots/s includes the page views;
   - burst: the end of the meeting — every ballot page was opened earlier (not timed), and all the
     ballots are submitted together: POSTs only;
6. integrity after each phase: ballots in the database == codes marked used == responses carrying
   a receipt == codes submitted, and the receipts shown are exactly the receipts stored.

Also printed for each phase: CPU seconds used by the server (gunicorn), the PostgreSQL backends of
this database, this client, and everything else on the machine — and, from the server-side CPU per
request, the rate the machine's cores would allow at that cost if nothing else ran.

The load generator is this process (asyncio, raw HTTP/1.1, keep-alive when the server offers it;
gunicorn's sync workers do not, so every request opens a connection, as a phone would after the
minutes spent filling in the ballot); the server is gunicorn's own processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path

import benchlib
from benchlib import RECEIPT, Connection, Database, Gunicorn, Stats, csrf_from, log

OPTIONS = (("satisfied", 70), ("basic", 25), ("unsatisfied", 5))
SUGGESTIONS = [
    "建议进一步加强党支部标准化规范化建设",
    "希望多开展主题党日活动，增强党员参与感",
    "发展党员工作要更加关注青年教师",
    "理论学习要联系业务工作实际",
    "批评与自我批评要敢于动真碰硬",
]
PHASE_LIMIT = 600  # seconds: no phase runs longer, whatever the load


def ballot_form(rng: random.Random, survey: int, presenters: list[int], token: str) -> bytes:
    keys, weights = zip(*OPTIONS, strict=True)
    form = {"csrfmiddlewaretoken": token, "survey": str(survey)}
    for review in presenters:
        form[f"r_{review}"] = rng.choices(keys, weights)[0]
        form[f"s_{review}"] = rng.choice(SUGGESTIONS) if rng.random() < 0.15 else ""
    form["overall"] = "会议组织有序，述职内容实在" if rng.random() < 0.3 else ""
    return urllib.parse.urlencode(form).encode()


async def get_phase(
    port: int, prefix: str, codes: list[str], clients: int, total: int, timeout: float, pgid: int = 0, db_name: str = ""
) -> dict:
    """`total` GETs of ballot pages by `clients` concurrent clients."""
    stats = Stats()
    issued = 0
    deadline = time.monotonic() + PHASE_LIMIT

    async def client() -> None:
        nonlocal issued
        conn = Connection(port, timeout)
        while issued < total and time.monotonic() < deadline:
            code = codes[issued % len(codes)]
            issued += 1
            started = time.perf_counter()
            try:
                page = await conn.request("GET", f"/{prefix}/{code}/")
            except Exception as error:  # noqa: BLE001 - counted and reported
                stats.error(f"GET {type(error).__name__}")
                await conn.close()
                continue
            stats.latencies.append(time.perf_counter() - started)
            if page.status != 200 or b'name="csrfmiddlewaretoken"' not in page.body:
                stats.error(f"GET {page.status}")
        await conn.close()

    meter = benchlib.CpuMeter(pgid, db_name)
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - started
    result = stats.summary()
    result.update(
        requests=issued, seconds=round(wall, 2), per_second=round(len(stats.latencies) / wall, 1), cpu=meter.result()
    )
    result["cpu"].update(server_side_ceiling(result["cpu"], len(stats.latencies)))
    return result


def server_side_ceiling(cpu: dict, done: int) -> dict:
    """Server-side CPU (gunicorn + PostgreSQL backends) per request, and the rate all the machine's
    cores would allow at that cost: a ceiling, independent of what else ran during the phase."""
    if not done:
        return {}
    per = (cpu["server_cpu_s"] + cpu["postgres_cpu_s"]) / done
    return {"server_cpu_ms_per_request": round(1000 * per, 2), "ceiling_per_s_all_cores": round(cpu["cpus"] / per, 1)}


class Phones:
    """Phones voting on the ballot at /<prefix>/<code>/: open the page (GET: CSRF cookie and token),
    submit the ballot (POST). Collects latencies, errors and what every POST response showed."""

    def __init__(self, port: int, prefix: str, vote: dict, timeout: float):
        self.port, self.prefix, self.vote, self.timeout = port, prefix, vote, timeout
        self.get, self.post = Stats(), Stats()
        self.posted: list[tuple[str, set[str]]] = []  # (code, receipt-like tokens in the response)
        self.connections = 0
        self.deadline = time.monotonic() + PHASE_LIMIT

    async def open(self, conn: Connection, code: str) -> tuple[str, str] | None:
        started = time.perf_counter()
        try:
            page = await conn.request("GET", f"/{self.prefix}/{code}/")
        except Exception as error:  # noqa: BLE001 - counted and reported
            self.get.error(f"GET {type(error).__name__}")
            await conn.close()
            return None
        self.get.latencies.append(time.perf_counter() - started)
        cookie, token = csrf_from(page)
        if page.status != 200 or not cookie:
            self.get.error(f"GET {page.status}")
            return None
        return cookie, token

    async def submit(self, conn: Connection, code: str, csrf: tuple[str, str], rng: random.Random) -> None:
        body = ballot_form(rng, self.vote["survey"], self.vote["presenters"], csrf[1])
        started = time.perf_counter()
        try:
            response = await conn.request(
                "POST",
                f"/{self.prefix}/{code}/",
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf[0]}",
                    "Origin": f"http://{benchlib.HOST}:{self.port}",
                },
                body,
            )
        except Exception as error:  # noqa: BLE001
            self.post.error(f"POST {type(error).__name__}")
            await conn.close()
            return
        self.post.latencies.append(time.perf_counter() - started)
        if response.status != 200:
            self.post.error(f"POST {response.status}")
        self.posted.append((code, set(RECEIPT.findall(response.body.decode("utf-8", "replace")))))

    async def run(self, count: int, work) -> None:
        """`count` phones at once, each taking the next item of the shared iterator `work`."""

        async def phone(number: int) -> None:
            rng = random.Random(number)
            conn = Connection(self.port, self.timeout)
            for item in work:
                if time.monotonic() > self.deadline:
                    self.post.error("phase time limit")
                    break
                await item(conn, rng)
            self.connections += conn.opened
            await conn.close()

        await asyncio.gather(*(phone(i) for i in range(count)))


async def flow_phase(
    port: int, prefix: str, vote: dict, codes: list[str], phones: int, timeout: float, pgid: int, db_name: str = ""
) -> dict:
    """Each phone takes the next unused code, GETs its ballot and POSTs it at once; until none is left."""
    crowd = Phones(port, prefix, vote, timeout)

    def vote_with(code):
        async def item(conn, rng):
            csrf = await crowd.open(conn, code)
            if csrf:
                await crowd.submit(conn, code, csrf, rng)

        return item

    meter = benchlib.CpuMeter(pgid, db_name)
    started = time.perf_counter()
    await crowd.run(phones, (vote_with(c) for c in codes))
    return {"wall": time.perf_counter() - started, "crowd": crowd, "cpu": meter.result()}


async def burst_phase(
    port: int, prefix: str, vote: dict, codes: list[str], phones: int, timeout: float, pgid: int, db_name: str = ""
) -> dict:
    """The end of the meeting: every ballot page was opened earlier (untimed), and the ballots are
    submitted together — `phones` connections POSTing until every code has voted."""
    crowd = Phones(port, prefix, vote, timeout)
    pages: dict[str, tuple[str, str]] = {}

    def open_page(code):
        async def item(conn, _rng):
            csrf = await crowd.open(conn, code)
            if csrf:
                pages[code] = csrf

        return item

    def submit(code):
        async def item(conn, rng):
            await crowd.submit(conn, code, pages[code], rng)

        return item

    await crowd.run(phones, (open_page(c) for c in codes))
    meter = benchlib.CpuMeter(pgid, db_name)
    started = time.perf_counter()
    await crowd.run(phones, (submit(c) for c in codes if c in pages))
    return {"wall": time.perf_counter() - started, "crowd": crowd, "cpu": meter.result()}


def integrity(before: dict, after: dict, posted: list[tuple[str, set[str]]]) -> dict:
    """Ballots stored == codes used == responses with a receipt == codes submitted; same receipts."""
    stored = set(after["receipts"]) - set(before["receipts"])
    ballots = after["ballots"] - before["ballots"]
    used = after["codes_used"] - before["codes_used"]
    shown = [tokens & stored for _code, tokens in posted]
    accepted = [next(iter(t)) for t in shown if len(t) == 1]
    submitted = len({code for code, _tokens in posted})
    ok = (
        len(accepted) == ballots == used == submitted == len(stored)
        and set(accepted) == stored
        and len(set(accepted)) == len(accepted)
        and all(len(t) <= 1 for t in shown)
    )
    return {
        "ok": ok,
        "accepted_responses": len(accepted),
        "ballots_stored": ballots,
        "codes_used": used,
        "codes_submitted": submitted,
        "distinct_receipts": len(stored),
    }


def run_endpoint(args, db: Database, vote: dict, codes: list[str], endpoint: str, logdir: Path) -> dict:
    prefix = "v" if endpoint == "real" else "bare"
    env = benchlib.django_env(db, bare=endpoint == "bare")
    threads = args.threads if args.worker_class == "gthread" else 1
    with Gunicorn(
        env,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=threads,
        log_path=logdir / f"gunicorn-{endpoint}.log",
    ) as server:
        log(f"[{endpoint}] {server.description} on 127.0.0.1:{server.port}")
        result: dict = {"endpoint": f"/{prefix}/<code>/", "server": server.description}
        # Warm-up: every worker imports its templates and opens its database connection.
        asyncio.run(
            get_phase(server.port, prefix, codes, 8, 8 * args.workers, args.timeout, server.proc.pid, db.pg_name)
        )
        if endpoint == "real" and args.get_requests:
            result["get_phase"] = asyncio.run(
                get_phase(
                    server.port,
                    prefix,
                    codes,
                    args.phones,
                    args.get_requests,
                    args.timeout,
                    server.proc.pid,
                    db.pg_name,
                )
            )
            g = result["get_phase"]
            log(
                f"[{endpoint}] GET  {g['per_second']}/s  p50 {g['p50_ms']} ms  p99 {g['p99_ms']} ms  "
                f"errors {g['errors']}  cpu {g['cpu']}"
            )
        for name, phase_of, part in (
            ("vote_flow", flow_phase, codes[: len(codes) // 2]),
            ("vote_burst", burst_phase, codes[len(codes) // 2 :]),
        ):
            before = benchlib.data(env, "verify", "--survey", str(vote["survey"]))
            phase = asyncio.run(
                phase_of(server.port, prefix, vote, part, args.phones, args.timeout, server.proc.pid, db.pg_name)
            )
            after = benchlib.data(env, "verify", "--survey", str(vote["survey"]))
            crowd = phase["crowd"]
            post, get = crowd.post.summary(), crowd.get.summary()
            check = integrity(before, after, crowd.posted)
            result[name] = v = {
                "phones": args.phones,
                "ballots_attempted": len(part),
                "seconds": round(phase["wall"], 2),
                "ballots_per_second": round(check["ballots_stored"] / phase["wall"], 1),
                "post": post,
                "get": get,
                "errors": post["errors"] + get["errors"],
                "tcp_connections": crowd.connections,
                "cpu": phase["cpu"],
                "integrity": check,
            }
            v["cpu"].update(server_side_ceiling(v["cpu"], check["ballots_stored"]))
            log(
                f"[{endpoint}] {name:10} {v['ballots_per_second']} ballots/s  POST p50 {post['p50_ms']} "
                f"p90 {post['p90_ms']} p99 {post['p99_ms']} ms  errors {v['errors']} "
                f"{post['error_kinds'] or ''}{get['error_kinds'] or ''}  integrity {'OK' if check['ok'] else 'FAILED'} "
                f"{check}  cpu {v['cpu']}"
            )
        logged = [line for line in server.errors_logged().splitlines() if "Traceback" in line or "Error" in line]
        result["server_log_errors"] = len(logged)
        if logged:
            log(f"[{endpoint}] the server logged {len(logged)} errors, e.g. {logged[:3]}")
    return result


def summary(results: dict) -> str:
    """The figures as a small table (the full results: --json)."""
    rows = [f"{results['database']}: {results['phones']} phones, {results['presenters']} presenters per ballot"]
    for run in results["runs"]:
        g = run.get("get_phase")
        if g:
            rows.append(
                f"  {run['endpoint']:15} GET page        {g['per_second']:7.1f} req/s      "
                f"p50 {g['p50_ms']:7.1f} ms"
                f"                 p99 {g['p99_ms']:7.1f} ms  errors {g['errors']}  "
                f"(server CPU {g['cpu'].get('server_cpu_ms_per_request')} ms/req, "
                f"all-cores ceiling {g['cpu'].get('ceiling_per_s_all_cores')}/s)"
            )
        for name in ("vote_flow", "vote_burst"):
            v = run[name]
            p = v["post"]
            rows.append(
                f"  {run['endpoint']:15} {name:15} {v['ballots_per_second']:7.1f} ballots/s  "
                f"POST p50 {p['p50_ms']:7.1f} ms  p90 {p['p90_ms']:7.1f} ms  p99 {p['p99_ms']:7.1f} ms  "
                f"errors {v['errors']}  integrity {'OK' if v['integrity']['ok'] else 'FAILED'} "
                f"({v['integrity']['ballots_stored']} ballots)  (server CPU "
                f"{v['cpu'].get('server_cpu_ms_per_request')} ms/ballot, all-cores ceiling "
                f"{v['cpu'].get('ceiling_per_s_all_cores')}/s)"
            )
    for name in ("vote_flow", "vote_burst"):
        if f"{name}_real_to_bare_ratio" in results:
            rows.append(f"  {name}: real / bare = {results[f'{name}_real_to_bare_ratio']:.2f}")
    cpu = results["runs"][0]["vote_burst"]["cpu"]
    rows.append(
        f"  machine: {cpu['cpus']} CPUs; load average before the burst {cpu['loadavg_1min_before']}; "
        f"CPU used by other processes during it {cpu['other_cpu_s']} s of {cpu['wall_s'] * cpu['cpus']:.1f} s"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument(
        "--pg-url",
        default=benchlib.DEFAULT_PG,
        help="PostgreSQL server (loopback) where the throwaway database is created",
    )
    parser.add_argument("--endpoint", choices=["real", "bare", "both"], default="real")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument(
        "--ballots",
        type=int,
        default=2000,
        help="codes to vote with, per endpoint: half in the flow phase, half in the burst",
    )
    parser.add_argument("--presenters", type=int, default=20)
    parser.add_argument("--get-requests", type=int, default=4000, help="GET phase size (0: skip)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not (1 <= args.phones <= 2000 and 1 <= args.ballots <= 20000 and 0 <= args.get_requests <= 100000):
        raise SystemExit("phones 1..2000, ballots 1..20000, get-requests 0..100000")
    endpoints = ["real", "bare"] if args.endpoint == "both" else [args.endpoint]
    results: dict = {
        "database": args.database,
        "phones": args.phones,
        "presenters": args.presenters,
        "ballots": args.ballots,
        "runs": [],
    }
    with Database(args.database, args.pg_url) as db:
        log(f"database: {args.database} ({db.pg_name or db.url})")
        env = benchlib.django_env(db)
        benchlib.prepare(db, env)
        started = time.perf_counter()
        vote = benchlib.data(
            env, "setup", "--presenters", str(args.presenters), "--codes", str(args.ballots * len(endpoints))
        )
        log(
            f"  survey with {len(vote['presenters'])} presenters and {len(vote['codes'])} codes "
            f"made through the services in {time.perf_counter() - started:.1f} s"
        )
        for i, endpoint in enumerate(endpoints):
            codes = vote["codes"][i * args.ballots : (i + 1) * args.ballots]
            results["runs"].append(run_endpoint(args, db, vote, codes, endpoint, db.tmp))
    if len(results["runs"]) == 2:
        for name in ("vote_flow", "vote_burst"):
            real, bare = (r[name]["ballots_per_second"] for r in results["runs"])
            results[f"{name}_real_to_bare_ratio"] = ratio = round(real / bare, 2) if bare else None
            log(f"{name}: the real endpoint reaches {ratio:.0%} of the bare endpoint's ballots/s ({real} vs {bare})")
    print(summary(results))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return results


def cli(argv: list[str] | None = None) -> int:
    """Exit status 1 when any request failed or the integrity check did not hold."""
    results = main(argv)
    failed = any(
        not r[name]["integrity"]["ok"] or r[name]["errors"] or r.get("get_phase", {}).get("errors")
        for r in results["runs"]
        for name in ("vote_flow", "vote_burst")
    )
    if failed:
        log("FAILED: errors or an integrity mismatch (see above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(cli())
