"""Shared by the benchmark scripts: a throwaway database, a gunicorn server, a raw HTTP/1.1 client.

Standard library only (plus psycopg, a project dependency, to create and drop a PostgreSQL
database). Everything listens and connects on 127.0.0.1 only; every wait is bounded; every server
and database a script starts is stopped and removed when it ends, also on Ctrl-C or an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
HOST = "127.0.0.1"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # shuzhi.voting.codes.ALPHABET
RECEIPT = re.compile(rf"(?<![A-Za-z0-9])[{ALPHABET}]{{8}}(?![A-Za-z0-9])")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(min(rank, len(ordered))) - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- Who used the CPUs -------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICK, sum(fields[:8]) / TICK


def process_cpu(pgid: int, db_name: str = "") -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds used so far, per process, by (the processes of one process group — the gunicorn
    master and workers —, the PostgreSQL backends serving database `db_name`, whose process title
    names it)."""
    group: dict[int, float] = {}
    backends: dict[int, float] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parts = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(parts[11]) + int(parts[12])) / TICK  # fields 14, 15: utime, stime
            if int(parts[2]) == pgid:  # field 5: pgrp
                group[int(proc.name)] = cpu
            elif db_name and f" {db_name} ".encode() in (proc / "cmdline").read_bytes():
                backends[int(proc.name)] = cpu
        except (OSError, IndexError, ValueError):
            continue
    return group, backends


def _used_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two snapshots by the processes alive at the second (a process that exited in
    between is not counted: PostgreSQL backends come and go as CONN_MAX_AGE recycles connections)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class CpuMeter:
    """CPU use during a phase: the machine's, the server's (gunicorn), this client's, everyone else's
    (PostgreSQL backends and any other work on the machine)."""

    def __init__(self, server_pgid: int, db_name: str = ""):
        self.pgid, self.db_name = server_pgid, db_name
        self.machine = machine_cpu()
        self.server, self.db = process_cpu(server_pgid, db_name)
        self.client = time.process_time()
        self.load = os.getloadavg()[0]
        self.wall = time.perf_counter()

    def result(self) -> dict:
        busy, total = machine_cpu()
        wall = time.perf_counter() - self.wall
        machine_busy = busy - self.machine[0]
        server, db = process_cpu(self.pgid, self.db_name)
        server, db = _used_since(self.server, server), _used_since(self.db, db)
        client = time.process_time() - self.client
        elapsed = max(total - self.machine[1], 1e-9)
        return {
            "cpus": os.cpu_count(),
            "machine_busy_pct": round(100 * machine_busy / elapsed),
            "server_cpu_s": round(server, 2),
            "postgres_cpu_s": round(db, 2),
            "client_cpu_s": round(client, 2),
            "other_cpu_s": round(max(machine_busy - server - db - client, 0), 2),
            "wall_s": round(wall, 2),
            "loadavg_1min_before": round(self.load, 2),
        }


# --- The database ------------------------------------------------------------------------------


class Database(contextlib.AbstractContextManager):
    """A fresh database: an SQLite file in a temporary directory, or a PostgreSQL database created
    here and dropped on exit. `url` is the DATABASE_URL the project reads."""

    def __init__(self, kind: str, pg_url: str = DEFAULT_PG):
        if kind not in ("sqlite", "postgres"):
            raise SystemExit("--database is sqlite or postgres")
        self.kind = kind
        self.pg_url = pg_url
        self.tmp = Path(tempfile.mkdtemp(prefix="shuzhi-bench-"))
        self.pg_name = ""
        # One key for the whole run: codes are looked up by a keyed hash of the code (SECRET_KEY).
        self.secret_key = "bench-" + secrets.token_urlsafe(40)
        if kind == "sqlite":
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        else:
            parts = urllib.parse.urlsplit(pg_url)
            if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                raise SystemExit("benchmarks use a PostgreSQL server on loopback only")
            self.pg_name = f"shuzhi_bench_{os.getpid()}_{secrets.token_hex(3)}"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.pg_name))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def __exit__(self, *exc) -> None:
        if self.pg_name:
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - report, and still remove the temp dir
                log(f"could not drop database {self.pg_name}: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)


def django_env(db: Database, *, bare: bool = False) -> dict[str, str]:
    """The environment of a production-like deployment on plain http on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "BENCH_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_site",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(REPO)]),
            "DATABASE_URL": db.url,
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": db.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "BENCH_STATIC_ROOT": str(db.tmp / "static"),
            "BENCH_BARE": "1" if bare else "0",
        }
    )
    return env


def run(args: list[str], env: dict[str, str], *, timeout: float = 300, stderr: bool = False) -> str:
    """Run a command to completion (bounded), return its stdout; stop the whole run if it fails.
    With stderr=True the command's stderr is passed through."""
    done = subprocess.run(
        args,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if stderr else subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        log(done.stdout[-3000:], (done.stderr or "")[-3000:])
        raise SystemExit(f"failed: {' '.join(args[:4])} ... (exit {done.returncode})")
    return done.stdout


def prepare(db: Database, env: dict[str, str]) -> None:
    """migrate and collectstatic, as a deployment does."""
    t0 = time.perf_counter()
    run([PYTHON, "manage.py", "migrate", "--noinput"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    log(f"  migrated and collected static files in {time.perf_counter() - t0:.1f} s")


def data(env: dict[str, str], *args: str, timeout: float = 600) -> dict:
    """Run bench/benchdata.py (the project's services, in a Django process of its own)."""
    return json.loads(run([PYTHON, str(BENCH / "benchdata.py"), *args], env, timeout=timeout))


# --- The server --------------------------------------------------------------------------------


class Gunicorn(contextlib.AbstractContextManager):
    """`gunicorn shuzhi.wsgi` on 127.0.0.1:<free port>, in its own process group; stopped on exit."""

    def __init__(self, env: dict[str, str], *, workers: int, worker_class: str, threads: int, log_path: Path):
        self.port = free_port()
        self.args = [
            GUNICORN,
            "shuzhi.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "5",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]
        self.description = f"gunicorn shuzhi.wsgi --workers {workers} --worker-class {worker_class}" + (
            f" --threads {threads}" if worker_class == "gthread" else ""
        )
        self.log_file = open(log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(
            self.args, cwd=REPO, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.log_path = log_path
        try:
            self._wait_ready(30)
            self._wait_idle(60)
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"gunicorn exited ({self.proc.returncode}); see {self.log_path}:\n"
                    + self.log_path.read_text()[-3000:]
                )
            try:
                with socket.create_connection((HOST, self.port), timeout=2) as sock:
                    sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                    if sock.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {seconds} s")

    def _wait_idle(self, seconds: float) -> None:
        """Wait until the server's processes stop using CPU: shuzhi/wsgi.py starts a thread in every
        worker that loads jieba's dictionary (about 2 s of CPU each), which must not be measured."""
        deadline = time.monotonic() + seconds
        before = sum(process_cpu(self.proc.pid)[0].values())
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now = sum(process_cpu(self.proc.pid)[0].values())
            if now - before < 0.05:
                return
            before = now
        log(f"  the server still used CPU after {seconds} s; measuring anyway")

    def errors_logged(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text()

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the master and its workers, all started here
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log_file.close()


# --- The client --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name), "")

    def cookies(self) -> dict[str, str]:
        jar = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                jar[name.strip()] = rest.split(";", 1)[0]
        return jar


class Connection:
    """One HTTP/1.1 client connection (keep-alive when the server allows it), on asyncio streams.
    A connection idle for more than a second is not reused: no request is ever sent twice."""

    def __init__(self, port: int, timeout: float):
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.idle_since = 0.0
        self.opened = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        return await asyncio.wait_for(self._request(method, path, headers or {}, body), self.timeout)

    async def _request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        if self.writer is not None and (self.writer.is_closing() or time.monotonic() - self.idle_since > 1.0):
            await self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            self.opened += 1
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "User-Agent: shuzhi-bench",
            "Accept-Language: zh-CN",
        ]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        response = await self._read()
        if response.header("connection").lower() == "close":
            await self.close()
        self.idle_since = time.monotonic()
        return response

    async def _read(self) -> Response:
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection without a response")
        status = int(status_line.split()[1])
        headers = []
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        response = Response(status, headers, b"")
        if response.header("transfer-encoding").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            response.body = b"".join(chunks)
        elif response.header("content-length"):
            response.body = await reader.readexactly(int(response.header("content-length")))
        else:
            response.body = await reader.read()
            await self.close()
        return response


def csrf_from(response: Response) -> tuple[str, str]:
    """(cookie, form token) from a page that rendered {% csrf_token %}."""
    cookie = response.cookies().get("csrftoken", "")
    found = CSRF_FIELD.search(response.body)
    return cookie, found.group(1).decode() if found else cookie


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict:
        lat = self.latencies
        return {
            "count": len(lat),
            "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "p50_ms": round(percentile(lat, 50) * 1000, 1) if lat else None,
            "p90_ms": round(percentile(lat, 90) * 1000, 1) if lat else None,
            "p99_ms": round(percentile(lat, 99) * 1000, 1) if lat else None,
            "max_ms": round(max(lat) * 1000, 1) if lat else None,
        }
