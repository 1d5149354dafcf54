"""Backing up and restoring the SQLite database file.

The copy is made with `VACUUM INTO`: one statement that reads a consistent snapshot of the live
database (the write-ahead log included; writers carry on meanwhile, WAL mode lets them) and writes a
new file holding only the live rows, in key order, with no free pages. The live file and its -wal may
still hold bytes of rows deleted or overwritten since (a used code's erased text, the order ballots
arrived in); the copy does not, because nothing of the live file is copied except the rows themselves.
The -wal and -shm files are never copied.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from shuzhi.core.backup import contents
from shuzhi.core.backup.errors import BackupError

BUSY_TIMEOUT = 20  # seconds, as the application's own connections (settings.py)


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    connection.text_factory = lambda raw: raw.decode("utf-8", "backslashreplace")
    return connection


def copy_database(source: Path, target: Path) -> None:
    """Write a compacted, consistent copy of the database at `source` to the new file `target`."""
    if not source.exists():
        raise BackupError(f"The database file {source} does not exist.")
    with closing(connect(source)) as connection:
        # VACUUM INTO builds the copy with the source connection's secure_delete setting: space freed
        # while the copy is built (pages rebalanced as rows go in) is zeroed, not left with old bytes.
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute("VACUUM INTO ?", (str(target),))
    with closing(connect(target)) as copy:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        free = copy.execute("PRAGMA freelist_count").fetchone()[0]
    if check != "ok" or free:
        raise BackupError(f"The copy of the database failed its check ({check}, {free} free pages).")


def read_contents(path: Path) -> contents.Contents:
    with closing(connect(path)) as connection:
        return contents.read_contents(connection.cursor(), "sqlite")


def tables_with_data(path: Path) -> list[str]:
    if not path.exists():
        return []
    with closing(connect(path)) as connection:
        return contents.tables_with_data(connection.cursor(), "sqlite")


def server_version() -> str:
    return sqlite3.sqlite_version


def load_database(copy: Path, target: Path) -> None:
    """Replace the database at `target` by the database file `copy`.

    Uses SQLite's online backup API into the target: one write transaction on the target (it waits for
    other connections' locks, and a failure half-way leaves the target as it was), through the target's
    own journal, so a -wal file beside the target cannot be replayed over the new content. The
    caller has checked that the target may be replaced."""
    with closing(connect(copy)) as source:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The database in the archive is damaged ({check}); nothing was changed.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(connect(target)) as destination:
            source.backup(destination)
            # Everything goes into the main file and the log is emptied: nothing of what the target
            # held before stays in its -wal.
            destination.execute("PRAGMA wal_checkpoint(TRUNCATE)")
