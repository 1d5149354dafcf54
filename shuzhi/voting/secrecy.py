"""What the database files hold of a vote once it is closed: nothing that pairs a ballot with a code.

While a vote is open, each ballot is one commit that marks a code used and writes a ballot, so the
files as they change (SQLite's write-ahead log, PostgreSQL's heap and WAL) show which code each ballot
came with. Closing the vote undoes that in two steps (docs/vote-anonymity.md says why they are enough):

1. `rewrite_in_random_order`, inside the closing transaction: every code and every ballot of the
   survey is deleted and written again in a random order. Afterwards their storage order (SQLite's
   cell positions in its pages, PostgreSQL's ctid) is a fresh random permutation, and on PostgreSQL
   they all carry the closing transaction's id (xmin) instead of the id of the ballot's own commit.
2. `scrub_files`, after that transaction has committed: what the files still hold from before is
   removed. SQLite (with `secure_delete` on every connection, so deleted cells and freed pages are
   overwritten with zeros as they are freed) checkpoints its write-ahead log into the main file and
   truncates it to zero bytes, so no page image written during the vote is left. PostgreSQL removes
   the replaced row versions of the vote, which still carry the old pairing (VACUUM, once no session
   of the database is older than the close), and writes both tables into new files (VACUUM FULL), so
   they are in no table file any more.

Neither step touches what a ballot says, so the seal made at close verifies unchanged.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from django.db import OperationalError, connection

from shuzhi.voting.models import Ballot, BallotCode

log = logging.getLogger(__name__)

_TABLES = (BallotCode, Ballot)


def rewrite_in_random_order(survey_id: int) -> None:
    """Delete and re-insert the survey's codes and ballots in a random order.

    Must be called inside the transaction that closes the vote (the caller holds the survey row
    FOR UPDATE, so no ballot arrives meanwhile)."""
    for model in _TABLES:
        table = connection.ops.quote_name(model._meta.db_table)
        if connection.vendor == "postgresql":
            _rewrite_postgresql(table, survey_id)
        else:
            _rewrite_portable(model, table, survey_id)


def _rewrite_postgresql(table: str, survey_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE shuzhi_vote_shuffle AS SELECT * FROM {table} WHERE survey_id = %s ORDER BY random()",
            [survey_id],
        )
        cursor.execute(f"DELETE FROM {table} WHERE survey_id = %s", [survey_id])
        cursor.execute(f"INSERT INTO {table} SELECT * FROM shuzhi_vote_shuffle")
        cursor.execute("DROP TABLE shuzhi_vote_shuffle")


def _rewrite_portable(model, table: str, survey_id: int) -> None:
    """SQLite: the rows travel through Python as the driver returns them (text, numbers), so they
    are written back byte for byte, without a temporary table that could land in a temp file."""
    columns = [field.column for field in model._meta.concrete_fields]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} WHERE survey_id = %s", [survey_id])
        rows = cursor.fetchall()
        secrets.SystemRandom().shuffle(rows)
        cursor.execute(f"DELETE FROM {table} WHERE survey_id = %s", [survey_id])
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


@dataclass(frozen=True)
class ScrubResult:
    done: bool
    detail: str


def scrub_files(*, attempts: int = 5) -> ScrubResult:
    """Remove from the database files what they still hold of closed votes (module docstring).

    Must be called outside any transaction (after the close has committed). Waits for readers and
    writers within the database's busy/lock timeout and tries `attempts` times; returns whether it
    finished. Safe to call at any time, as often as wanted (`manage.py scrub_vote_files`)."""
    if connection.in_atomic_block:
        raise RuntimeError("scrub_files must run after the transaction that closed the vote has committed")
    scrub = _scrub_postgresql if connection.vendor == "postgresql" else _scrub_sqlite
    detail = ""
    for attempt in range(attempts):
        try:
            done, detail = scrub()
        except OperationalError as error:  # a lock not free in time: try again shortly
            done, detail = False, str(error)
        if done:
            return ScrubResult(True, detail)
        time.sleep(0.2 * (attempt + 1))
    log.warning("The vote's database files could not be scrubbed yet (%s); run manage.py scrub_vote_files.", detail)
    return ScrubResult(False, detail)


def _scrub_sqlite() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        if not cursor.fetchone()[0]:
            cursor.execute("PRAGMA secure_delete = ON")
        # TRUNCATE waits (busy timeout) until no reader uses an older snapshot, copies every frame
        # into the main file and truncates the log to zero bytes; busy = 1 if it could not.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, log_frames, checkpointed = cursor.fetchone()
    if busy:
        return False, f"write-ahead log busy ({checkpointed} of {log_frames} frames checkpointed)"
    return True, "write-ahead log checkpointed and truncated"


# Sessions of this database whose snapshot or transaction began before `target` (an xid): they may
# still see the row versions the close replaced, so VACUUM must keep those versions until they end.
_OLDER_SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND ((backend_xmin IS NOT NULL AND age(backend_xmin) >= age(%s::text::xid)) "
    "OR (backend_xid IS NOT NULL AND age(backend_xid) >= age(%s::text::xid)))"
)


def _scrub_postgresql() -> tuple[bool, str]:
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _TABLES)
    with connection.cursor() as cursor:
        # Every close that committed before now has an xid below the snapshot's xmax.
        cursor.execute("SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::text")
        target = cursor.fetchone()[0]
        cursor.execute(_OLDER_SESSIONS, [target, target])
        if waiting := cursor.fetchone()[0]:
            return False, f"{waiting} session(s) of this database began before the close and are still open"
        # A plain VACUUM first: it removes the replaced row versions, judging by this database's
        # sessions only (checked just above). VACUUM FULL alone would keep them while any transaction
        # of the whole server, in any database, is older than the close. Then VACUUM FULL writes the
        # remaining rows into new files, so nothing of the removed versions is left in a table file.
        # It takes an exclusive lock for the time of the copy (milliseconds for thousands of
        # ballots); a lock not granted soon is given up and tried again, rather than making every
        # phone of another open vote queue behind it.
        cursor.execute("SET lock_timeout = '3s'")
        try:
            cursor.execute(f"VACUUM {tables}")
            cursor.execute(f"VACUUM (FULL) {tables}")
        finally:
            cursor.execute("RESET lock_timeout")
    return True, "replaced row versions removed; ballot and code tables rewritten into new files"
