"""Backing up and restoring a PostgreSQL database with pg_dump, pg_restore and psql.

Consistency: one REPEATABLE READ transaction exports its snapshot, and everything the backup holds is
read in that snapshot: pg_dump's dump (`--snapshot`), the two tables written apart (below) and the
digest of every table in the manifest. Ballots keep being cast meanwhile; none of them is half in.

Ballot secrecy: pg_dump writes a table's rows in their physical order. While a vote is open that is
the order the ballots arrived in (new rows go to the end of the table) and, for the codes, the order
they were used in (an updated row is written anew): side by side, the two would pair ballots with
codes. So pg_dump leaves out the data of the ballot and code tables, and the backup writes it itself,
from the same snapshot, in key order: ballots by their random UUID, codes by their id (issue order).
A logical dump holds no dead rows and no transaction ids, so nothing erased is in it either.

Restore: pg_restore turns the dump into an SQL script that first drops any object of the same name
(`--clean --if-exists`); psql runs it and then loads the two tables, all in one transaction
(`--single-transaction`, ON_ERROR_STOP): a failure anywhere leaves the database as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connections

from shuzhi.core.backup import contents
from shuzhi.core.backup.contents import quote
from shuzhi.core.backup.errors import BackupError

DATABASE_PART = "database.pgdump"


@dataclass(frozen=True)
class TableData:
    """The data of one table written apart from the dump, in key order (module docstring)."""

    name: str  # its file in the archive
    schema: str
    table: str
    columns: list[str]

    def to_json(self) -> dict:
        return {"schema": self.schema, "table": self.table, "columns": self.columns}


@dataclass(frozen=True)
class Dump:
    tables: list[TableData]
    contents: contents.Contents
    server_version: str
    tool_version: str


def _unlinkable_models() -> list:
    from shuzhi.voting.models import Ballot, BallotCode

    return [Ballot, BallotCode]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: run `bash scripts/system-deps.sh` (it installs postgresql-client)."
        )
    return path


def tool_version(path: str) -> tuple[str, int]:
    """("pg_dump (PostgreSQL) 15.20 ...", 15)."""
    text = _run([path, "--version"], os.environ.copy()).strip()
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", text)
    if found is None:
        raise BackupError(f"Cannot tell the version of {path} from {text!r}.")
    return text, int(found.group(1))


def environment(settings_dict: dict) -> dict[str, str]:
    """The libpq environment for the client programs: the connection of settings.DATABASES, the
    password in PGPASSWORD (never on a command line)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    result = {**os.environ, **(env or {})}
    options = settings_dict.get("OPTIONS", {})
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGDATABASE", settings_dict.get("NAME") or options.get("dbname")),
    ):
        if value:
            result[variable] = str(value)
    # pg_restore's --if-exists drops say "does not exist, skipping" for every object of an empty database.
    result["PGOPTIONS"] = (result.get("PGOPTIONS", "") + " -c client_min_messages=warning").strip()
    return result


def _run(args: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"{args[0]} could not be run: {error}") from error
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed (exit status {done.returncode}): {done.stderr.strip()[-3000:]}")
    return done.stdout


def dump(alias: str, directory: Path) -> Dump:
    """Dump the database of connection `alias` into `directory` (DATABASE_PART and one file per
    TableData), all from one snapshot, and sum up its contents from that same snapshot."""
    pg_dump = tool("pg_dump")
    version_text, version = tool_version(pg_dump)
    reader = connections.create_connection(alias)  # its own connection: the snapshot's transaction
    try:
        reader.ensure_connection()
        server = reader.pg_version // 10000
        if version < server:
            raise BackupError(
                f"pg_dump {version} cannot dump a PostgreSQL {server} server: install "
                f"postgresql-client-{server} (PG_MAJOR={server} bash scripts/system-deps.sh)."
            )
        with reader.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot(), current_schema(), current_setting('server_version')")
                snapshot, schema, server_version = cursor.fetchone()
                present = set(contents.table_names(cursor, "postgresql"))
                tables = [
                    _copy_out(cursor, schema, model, directory)
                    for model in _unlinkable_models()
                    if model._meta.db_table in present
                ]
                _run(
                    [
                        pg_dump,
                        "--format=custom",
                        "--compress=0",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        *[f"--exclude-table-data={quote(t.schema)}.{quote(t.table)}" for t in tables],
                        f"--file={directory / DATABASE_PART}",
                    ],
                    environment(reader.settings_dict),
                )
                summary = contents.read_contents(cursor, "postgresql")
            finally:
                cursor.execute("ROLLBACK")
    except DatabaseError as error:
        raise BackupError(f"Cannot read the database: {error}") from error
    finally:
        reader.close()
    return Dump(tables, summary, server_version, version_text)


def _copy_out(cursor, schema: str, model, directory: Path) -> TableData:
    table = model._meta.db_table
    columns = contents.column_names(cursor, table)
    part = TableData(f"{table}.copy", schema, table, columns)
    names = ", ".join(quote(c) for c in columns)
    query = (
        f"COPY (SELECT {names} FROM {quote(schema)}.{quote(table)} ORDER BY {quote(model._meta.pk.column)}) TO STDOUT"
    )
    with (directory / part.name).open("wb") as out, cursor.cursor.copy(query) as copy:
        for chunk in copy:
            out.write(chunk)
    return part


def tables_with_data(alias: str) -> list[str]:
    try:
        with connections[alias].cursor() as cursor:
            return contents.tables_with_data(cursor, "postgresql")
    except DatabaseError as error:
        raise BackupError(f"Cannot read the target database: {error}") from error


def read_contents(alias: str) -> contents.Contents:
    with connections[alias].cursor() as cursor:
        return contents.read_contents(cursor, "postgresql")


def load(alias: str, directory: Path, tables: list[TableData]) -> None:
    """Replace what the database of `alias` holds by the dump in `directory`, in one transaction.
    The caller has verified the files and checked that the database may be replaced."""
    pg_restore, psql = tool("pg_restore"), tool("psql")
    env = environment(connections[alias].settings_dict)
    script = directory / "restore.sql"
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(directory / DATABASE_PART),
        ],
        env,
    )
    table_script = directory / "tables.sql"
    with table_script.open("wb") as out:
        for part in tables:
            names = ", ".join(quote(c) for c in part.columns)
            out.write(f"COPY {quote(part.schema)}.{quote(part.table)} ({names}) FROM stdin;\n".encode())
            with (directory / part.name).open("rb") as data:
                shutil.copyfileobj(data, out)
            out.write(b"\\.\n")
    connections[alias].close()
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--file={script}",
            f"--file={table_script}",
        ],
        env,
    )
