"""The audit log's hash chain: every event chains to the one before; manage.py verify_audit names the
first event changed, removed or slipped in with SQL behind the application's back."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shuzhi.audit import chain
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb

triggers = importlib.import_module("shuzhi.audit.migrations.0002_append_only_triggers")


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _tamper(sql: str, params: list | None = None) -> None:
    """Run raw SQL with the append-only triggers dropped, then create them again (as an intruder with
    the database's owner rights could)."""
    triggers.backwards(None, _Editor())
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        triggers.forwards(None, _Editor())


class _Editor:
    """What the trigger migration's functions use of a schema editor (inside the test's transaction)."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.fixture
def events(college):
    record(
        college.org_dept,
        Verb.ORG_CHANGED,
        college.direct,
        before={"name": "旧名", "n": [1, 2.5, None]},
        after={"name": "新名", "nested": {"b": 1, "a": True}},
        organization_id=college.direct.pk,
        ip="2001:DB8:0:0::1",
        note="备注",
    )
    record("系统", Verb.LOGIN, ip="192.168.5.20")
    record(None, Verb.LOGOUT)
    return list(AuditEvent.objects.order_by("pk"))


def test_each_event_stores_the_hash_of_its_stored_fields_and_its_predecessor(events):
    previous = chain.GENESIS
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == chain.event_hash(previous, chain.values_of(event))  # the values as read back
        previous = event.hash


def test_verify_audit_reports_ok_with_the_count(events):
    assert f"共 {len(events)} 条记录，哈希链完整" in _verify()


def test_verify_audit_names_an_event_edited_with_sql(events):
    target = events[-2]
    _tamper("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["改过", target.pk])
    with pytest.raises(CommandError, match=f"#{target.pk} "):
        _verify()


def test_verify_audit_names_the_event_after_one_deleted_with_sql(events):
    removed, following = events[-2], events[-1]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError, match=f"#{following.pk} "):
        call_command("verify_audit", stdout=out)
    assert "之前有记录被删除" in out.getvalue()


def _skip_keys(count: int) -> None:
    """Leave a gap of `count` unused keys before the next event (where an intruder can slip one in)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                "(SELECT max(id) FROM audit_auditevent) + %s)",
                [count],
            )
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = 'audit_auditevent'", [count])


@pytest.mark.parametrize("forged_hash", [False, True])
def test_verify_audit_names_an_event_inserted_with_sql(events, forged_hash):
    _skip_keys(5)
    last = record("系统", Verb.LOGOUT)
    before = events[-1]
    slipped_in = before.pk + 1
    columns = ", ".join(name for name in (*chain.HASHED_FIELDS, *chain.EXTENSION_FIELDS) if name != "object_repr")
    _tamper(
        f"INSERT INTO audit_auditevent (id, object_repr, prev_hash, hash, {columns}) "
        f"SELECT %s, 'forged', %s, '', {columns} FROM audit_auditevent WHERE id = %s",
        [slipped_in, before.hash, before.pk],
    )
    if forged_hash:  # chained properly to its predecessor, as someone who read chain.py would
        forged = AuditEvent.objects.get(pk=slipped_in)
        _tamper(
            "UPDATE audit_auditevent SET hash = %s WHERE id = %s",
            [chain.event_hash(before.hash, chain.values_of(forged)), slipped_in],
        )
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError, match=f"#{slipped_in} "):
        call_command("verify_audit", stdout=out)
    assert "事后插入" in out.getvalue() and last.prev_hash == before.hash


def test_audit_events_written_in_bulk_by_the_importer_join_the_chain(college, monkeypatch):
    from shuzhi.orgs import importing
    from shuzhi.orgs.tests.test_import import good_file, run

    monkeypatch.setattr(importing.applying, "BULK_THRESHOLD", 0)
    first_new = AuditEvent.objects.latest("pk").pk + 1
    run(college.org_dept, good_file())
    record("系统", Verb.LOGOUT)  # and later events chain on from them
    assert AuditEvent.objects.filter(pk__gte=first_new).count() > 5
    assert not AuditEvent.objects.filter(hash="").exists()
    assert "哈希链完整" in _verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_chain_to_the_same_predecessor(college):
    import time

    from django.db import transaction

    from shuzhi.orgs.tests.test_concurrency import run_concurrently

    before = AuditEvent.objects.count()

    def write(i):
        for n in range(3):
            with transaction.atomic():
                record(f"写入者{i}", Verb.LOGIN, note=str(n))
                time.sleep(0.02)  # a slow transaction: another writer would read the same newest hash now
                record(f"写入者{i}", Verb.LOGOUT, note=str(n))

    results = run_concurrently(write, 4)
    assert results == [None] * 4
    assert AuditEvent.objects.count() == before + 4 * 3 * 2
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)
    assert "哈希链完整" in _verify()


def _fake_chain(n: int) -> list:
    """n linked rows without a database (chain.verify only reads attributes)."""
    import datetime
    from types import SimpleNamespace

    at = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    rows = [
        SimpleNamespace(
            id=i + 1,
            at=at,
            actor_id=None,
            actor_name="组织部",
            action="update",
            object_type="orgs.person",
            object_id=str(i),
            object_repr=f"人{i}",
            organization_id=None,
            before={"k": i},
            after=None,
            ip=None,
            note="",
        )
        for i in range(n)
    ]
    chain.link(rows, chain.GENESIS)
    return rows


def test_verify_accepts_an_intact_chain_and_gives_its_count_and_head():
    rows = _fake_chain(4)
    result = chain.verify(iter(rows))
    assert (result.count, result.head, result.broken) == (4, rows[-1].hash, None)


@pytest.mark.parametrize("index", [0, 2, 4])
def test_verify_names_the_changed_event(index):
    rows = _fake_chain(5)
    rows[index].note = "改过"
    assert chain.verify(iter(rows)).broken == chain.Break("changed", index + 1, index or None)


@pytest.mark.parametrize("index", [0, 2])
def test_verify_names_the_event_after_a_removed_one(index):
    rows = _fake_chain(5)
    del rows[index]
    assert chain.verify(iter(rows)).broken.kind == "removed"
    assert chain.verify(iter(rows)).broken.event_id == index + 2
