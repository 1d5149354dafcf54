"""What a database holds, summed up so that a restored copy can be compared with its backup.

Every function here takes a DB-API cursor (Python's sqlite3, or a Django connection's cursor on
PostgreSQL) and reads plain SQL, so the same code describes the database being backed up (inside the
backup's own consistent snapshot) and the database a backup was restored into.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

# What `manage.py migrate` writes into an empty database by itself: a database holding rows only in
# these tables is still empty (nobody has used it), so a backup may be restored into it.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

_BATCH = 2000


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str  # order-independent: the sum modulo 2**256 of the SHA-256 of each row's text


@dataclass
class Contents:
    tables: dict[str, TableDigest] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)  # "app.name", in the order applied
    seals: dict[str, str] = field(default_factory=dict)  # closed real vote (survey id) -> seal digest

    def to_json(self) -> dict[str, Any]:
        """The manifest's "contents" (its migrations are listed on their own, as "migrations")."""
        return {
            "tables": {name: {"rows": t.rows, "sha256": t.sha256} for name, t in sorted(self.tables.items())},
            "seals": self.seals,
        }

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Contents:
        data = manifest.get("contents", {})
        return cls(
            tables={name: TableDigest(t["rows"], t["sha256"]) for name, t in data.get("tables", {}).items()},
            migrations=list(manifest.get("migrations", [])),
            seals=dict(data.get("seals", {})),
        )


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    return [row[0] for row in cursor.fetchall()]


def column_names(cursor, table: str) -> list[str]:
    cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def tables_with_data(cursor, vendor: str) -> list[str]:
    """The tables, other than migrate's own bookkeeping, that hold at least one row."""
    found = []
    for table in table_names(cursor, vendor):
        if table in BOOKKEEPING_TABLES:
            continue
        cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
        if cursor.fetchone() is not None:
            found.append(table)
    return found


def table_digest(cursor, table: str) -> TableDigest:
    """Rows and an order-independent digest of a table. Every value is read as the database's own text
    (CAST AS TEXT), so a database compared with a copy of itself gives the same digest whichever
    driver reads it; the digest does not depend on the order rows are stored or returned in."""
    columns = ", ".join(f"CAST({quote(c)} AS TEXT)" for c in column_names(cursor, table))
    cursor.execute(f"SELECT {columns} FROM {quote(table)}")
    rows, total = 0, 0
    while batch := cursor.fetchmany(_BATCH):
        for row in batch:
            text = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
            total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % (1 << 256)
        rows += len(batch)
    return TableDigest(rows, f"{total:064x}")


def read_contents(cursor, vendor: str) -> Contents:
    """The digest of every table, the migrations applied and the seals of the closed votes."""
    from shuzhi.voting.models import Survey, SurveyStatus

    tables = table_names(cursor, vendor)
    contents = Contents(tables={table: table_digest(cursor, table) for table in tables})
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        contents.migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    survey_table = Survey._meta.db_table
    if survey_table in tables:
        cursor.execute(f"SELECT id, status, is_rehearsal, seal_digest FROM {quote(survey_table)} ORDER BY id")
        contents.seals = {
            str(pk): digest
            for pk, status, rehearsal, digest in cursor.fetchall()
            if status == SurveyStatus.CLOSED and not rehearsal
        }
    return contents


def differences(expected: Contents, found: Contents) -> tuple[list[str], list[str]]:
    """(what the restored database lacks or holds differently from the backup, tables it holds that
    the backup did not have). The first list must be empty for the restore to be whole."""
    problems = []
    for table, want in sorted(expected.tables.items()):
        got = found.tables.get(table)
        if got is None:
            problems.append(f"table {table} is missing")
        elif got.rows != want.rows:
            problems.append(f"table {table}: {got.rows} rows, the backup has {want.rows}")
        elif got.sha256 != want.sha256:
            problems.append(f"table {table}: same {got.rows} rows but different content")
    for survey, digest in sorted(expected.seals.items()):
        if found.seals.get(survey) != digest:
            problems.append(f"vote #{survey}: the stored seal differs from the backup's")
    extra = sorted(set(found.tables) - set(expected.tables))
    return problems, extra
