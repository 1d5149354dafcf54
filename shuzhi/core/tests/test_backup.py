"""Backups (shuzhi.core.backup): consistent while ballots stream in, restored whole into an empty
database, and holding nothing that closing a vote erased."""

import gzip
import random
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from django.db import connection

from shuzhi.audit.models import AuditEvent
from shuzhi.core.backup import archive, contents, create_backup, restore_backup
from shuzhi.core.backup import sqlite as sqlite_backup
from shuzhi.core.backup.services import SQLITE_PART
from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode, CodeStatus, Survey, SurveyStatus
from shuzhi.voting.services import BallotInput

OPTIONS = ["satisfied", "basic", "unsatisfied"]


def ballot(survey, n: int) -> BallotInput:
    presenters = [str(p["review"]) for p in survey.presenters]
    return BallotInput(
        {review: OPTIONS[(n + i) % 3] for i, review in enumerate(presenters)},
        {},
        {presenters[0]: f"第{n}张票：多下基层"},
        f"总体意见{n}",
    )


def audit_trail() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("id").values_list(
            "id",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "organization_id",
            "before",
            "after",
            "ip",
            "note",
        )
    )


class BallotStream:
    """A thread casting ballots one after another through cast_ballot, as the room's phones would."""

    def __init__(self, survey, codes: list[str]):
        self.survey, self.codes = survey, codes
        self.receipts: list[str] = []
        self.errors: list[Exception] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection as thread_connection

        try:
            for n, code in enumerate(self.codes):
                if self.stop.is_set():
                    break
                self.receipts.append(services.cast_ballot(self.survey.pk, code, ballot(self.survey, n)))
                time.sleep(0.005)
        except Exception as error:  # noqa: BLE001 - reported by finish()
            self.errors.append(error)
        finally:
            thread_connection.close()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.receipts) < count and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.receipts) >= count, (len(self.receipts), self.errors)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(60)
        assert not self.errors, self.errors


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_ballots_stream_in_restores_whole_and_the_vote_verifies(
    college, open_vote, tmp_path, scratch_database, monkeypatch
):
    survey = open_vote
    # Codes enough that the stream outlasts a slow backup on a busy machine; it stops once checked.
    stream = BallotStream(survey, survey.test_codes + services.issue_codes(college.org_dept, survey, 200))
    read_contents, during = contents.read_contents, {}

    def read_while_ballots_arrive(cursor, vendor):
        # Inside the backup (on PostgreSQL with its snapshot held open) ballots keep being counted.
        if not during:
            during["cast"] = len(stream.receipts)
            stream.wait_for(during["cast"] + 3)
        return read_contents(cursor, vendor)

    monkeypatch.setattr(contents, "read_contents", read_while_ballots_arrive)
    stream.thread.start()
    stream.wait_for(5)
    during_vote = create_backup(tmp_path)
    monkeypatch.undo()
    audit_at_backup = audit_trail()  # casting a ballot writes no audit event
    stream.wait_for(len(stream.receipts) + 3)
    stream.finish()
    live = services.close_survey(college.org_dept, survey)
    live_audit = audit_trail()

    with scratch_database():
        report = restore_backup(during_vote.path)
        assert report.ok, report.problems
        restored = Survey.objects.get(pk=survey.pk)
        assert restored.status == SurveyStatus.OPEN
        receipts = set(Ballot.objects.filter(survey=restored).values_list("receipt", flat=True))
        # One snapshot: every ballot with its used code, none half in, none from after the snapshot.
        assert len(receipts) == BallotCode.objects.filter(survey=restored, status=CodeStatus.USED).count()
        assert 5 <= len(receipts) <= during["cast"] + 1 < len(stream.receipts)
        assert receipts <= set(stream.receipts)
        assert audit_trail() == audit_at_backup
        closed = services.close_survey(college.org_dept, restored)
        assert services.verify_seal(closed).ok and closed.seal["count"] == len(receipts)

    after_close = create_backup(tmp_path)
    with scratch_database():
        report = restore_backup(after_close.path, force=True)  # the scratch database holds the first restore
        assert report.ok, report.problems
        assert [(v.survey_id, v.ok, v.ballots) for v in report.votes] == [(survey.pk, True, len(stream.receipts))]
        assert BallotCode.objects.filter(survey=survey, status=CodeStatus.USED).count() == len(stream.receipts)
        restored = Survey.objects.get(pk=survey.pk)
        assert restored.seal_digest == live.seal_digest and services.verify_seal(restored).ok
        assert audit_trail() == live_audit and report.audit_events == len(live_audit)


def _stored_code_texts(survey) -> dict[str, str]:
    """Each code of the survey -> the text its row holds while unused (sealed, or the plain code)."""
    column = "sealed_code" if any(f.name == "sealed_code" for f in BallotCode._meta.fields) else "code"
    by_hash = dict(BallotCode.objects.filter(survey=survey).values_list("code_hash", column))
    return {code: by_hash[codelib.code_hash(code)] for code in survey.test_codes}


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_after_the_vote_closed_holds_no_trace_of_a_used_code(college, open_vote, tmp_path):
    survey = open_vote
    stored = _stored_code_texts(survey)
    used, unused = survey.test_codes[:30], survey.test_codes[30:]
    for n, code in enumerate(used):
        services.cast_ballot(survey.pk, code, ballot(survey, n))
    services.close_survey(college.org_dept, survey)
    result = create_backup(tmp_path)
    raw = gzip.decompress(result.path.read_bytes())  # every byte of the dumped database and the manifest
    for code in used:
        for trace in {code, codelib.format_code(code), stored[code]} - {""}:
            assert trace.encode() not in raw, f"a trace of used code {code} is in the backup"
    # The search finds what is there: the stored text of each code not used yet is in the backup.
    assert all(stored[code] and stored[code].encode() in raw for code in unused)


def test_the_sqlite_copy_leaves_out_what_the_live_file_still_holds_of_erased_rows(tmp_path):
    live = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(live, isolation_level=None)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA secure_delete = OFF")
        writer.execute("CREATE TABLE code (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        writer.executemany(
            "INSERT INTO code (id, text) VALUES (?, ?)", [(n, f"ROW-{n:03d}-" + "x" * 40) for n in range(1, 201)]
        )
        writer.execute("UPDATE code SET text = '' WHERE id % 2 = 0")  # as a used code's text is erased
        writer.execute("DELETE FROM code WHERE id > 150")
        files = live.read_bytes() + live.with_name(live.name + "-wal").read_bytes()
        assert b"ROW-002-" in files and b"ROW-200-" in files  # still in the live files
        copy = tmp_path / "copy.sqlite3"
        sqlite_backup.copy_database(live, copy)
    copied = copy.read_bytes()
    assert b"ROW-001-" in copied and b"ROW-149-" in copied  # the live rows
    assert b"ROW-002-" not in copied and b"ROW-200-" not in copied  # overwritten, deleted: gone
    assert not copy.with_name(copy.name + "-wal").exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_keeps_no_trace_of_the_order_ballots_arrived_in(college, open_vote, tmp_path):
    """While a vote is open the live storage order follows the arrival of ballots; the backup's does
    not. PostgreSQL: the ballot and code tables are listed in key order (a plain pg_dump would write
    them in storage order). SQLite: in the VACUUM INTO copy, neither ballots nor codes sit in the
    order of voting (the attacker's check of voting/tests/test_files_secrecy.py, on the copy)."""
    from shuzhi.voting.tests.test_files_secrecy import _assert_storage_order_says_nothing

    survey = open_vote
    order = list(survey.test_codes)
    random.Random(1202).shuffle(order)  # cards handed out from a shuffled stack
    cast = [
        (code, codelib.code_hash(code), services.cast_ballot(survey.pk, code, ballot(survey, n)))
        for n, code in enumerate(order)
    ]
    result = create_backup(tmp_path)
    extracted = tmp_path / "extracted"
    archive.extract_verified(result.path, extracted)
    if connection.vendor == "sqlite":
        _assert_storage_order_says_nothing((extracted / SQLITE_PART).read_bytes(), cast)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT id::text FROM voting_ballot ORDER BY ctid")
        arrival = [row[0] for row in cursor.fetchall()]
    assert arrival != sorted(arrival)  # what a plain pg_dump would have written
    ballots = [line.split("\t")[0] for line in (extracted / "voting_ballot.copy").read_text().splitlines()]
    codes = [int(line.split("\t")[0]) for line in (extracted / "voting_ballotcode.copy").read_text().splitlines()]
    assert sorted(ballots) == sorted(arrival) and ballots == sorted(ballots)
    assert len(codes) == 40 and codes == sorted(codes)
