"""After all migrations, the database guards that a table rebuild drops silently are still there: the
audit log's append-only triggers and, on SQLite, the ballots' WITHOUT ROWID table. (The test database
is built by running every migration.)"""

import pytest
from django.db import DatabaseError, connection, transaction

from shuzhi.audit.models import AuditEvent
from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb


def _audit_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
        return {name for (name,) in cursor.fetchall()}


def test_the_append_only_triggers_exist_after_all_migrations(db):
    expected = (
        {"audit_event_no_change", "audit_event_no_truncate"}
        if connection.vendor == "postgresql"
        else {"audit_event_no_update", "audit_event_no_delete"}
    )
    assert _audit_triggers() == expected


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET note = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_updates_and_deletes_of_audit_events_after_all_migrations(db, statement):
    event = record("系统", Verb.LOGOUT)
    try:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            if connection.vendor == "postgresql":  # the suite's purge switch off again, for this transaction
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL shuzhi.audit_purge = 'off'")
            else:
                connection.connection.create_function("shuzhi_audit_purge", 0, lambda: 0)
            with connection.cursor() as cursor:
                cursor.execute(statement)
    finally:
        if connection.vendor == "sqlite":
            connection.connection.create_function("shuzhi_audit_purge", 0, lambda: 1)
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_ballots_still_carry_no_growing_key_after_all_migrations(db):
    """Nothing in the ballot table counts up with each insert: on SQLite it stays WITHOUT ROWID (a
    table rebuild would silently give it a rowid back); on PostgreSQL no column takes its value from
    a sequence."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'voting_ballot'")
            (create_sql,) = cursor.fetchone()
            assert "WITHOUT ROWID" in create_sql.upper()
            return
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'voting_ballot' "
            "AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')"
        )
        assert cursor.fetchall() == []
