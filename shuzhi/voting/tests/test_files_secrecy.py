"""An attacker with the database files cannot pair a ballot with its code once the vote is closed.

The tests do what such an attacker does, with no project code: cast ballots with known codes in a
known order, then read the raw bytes the database keeps — SQLite's main file, write-ahead log, its
index (-shm) and any journal; PostgreSQL's table files and the system columns of the rows — and look
for a used code's text, for a commit that pairs a code turning "used" with a new ballot, and for a
storage order that follows the order of voting.
"""

from __future__ import annotations

import random
import re
import struct
from pathlib import Path

import pytest
from django.db import connection

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import BallotCode
from shuzhi.voting.services import BallotInput

VOTERS = 60
# With 60 ballots in random order, the rank-wise pairing of two unrelated orders gets about one pair
# right and their rank correlation stays within about ±0.13 (one standard deviation); the limits
# below are beyond any chance result (p < 1e-5) and far below what a leaking order gives (60, ±1).
MAX_PAIRS_BY_ORDER = 8
MAX_RANK_CORRELATION = 0.6

pytestmark = pytest.mark.django_db(transaction=True)


def _vote(college, meeting) -> tuple[object, list[tuple[str, str, str]]]:
    """An open survey with VOTERS phone ballots cast one after another: [(code, its hash, receipt)] in
    the order of voting. The cards are handed out shuffled, as from a stack, so the order of voting
    is not the order the codes were issued (which the code table's keys keep, harmlessly)."""
    survey = services.create_survey(college.org_dept, meeting)
    plain = services.issue_codes(college.org_dept, survey, VOTERS + 5)
    random.Random(20261201).shuffle(plain)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    first = str(survey.presenters[0]["review"])
    cast = []
    for number, code in enumerate(plain[:VOTERS]):
        receipt = services.cast_ballot(survey, code, BallotInput({first: "satisfied"}, {}, {first: f"意见{number}"}))
        cast.append((code, codelib.code_hash(code), receipt))
    return survey, cast


# --- Reading SQLite's files as the attacker would --------------------------------------------------


def _sqlite_files() -> dict[str, bytes]:
    main = Path(connection.settings_dict["NAME"])
    files = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{main}{suffix}")
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


_CODE_ROW = re.compile(rb"([0-9a-f]{64})(?:[A-Za-z0-9+/=]{56})?(unused|used)")


def _wal_commits(wal: bytes) -> list[list[bytes]]:
    """The page images of each committed transaction in a write-ahead log, in commit order — from
    every generation of the log still in the file (a reset starts writing at the top again with new
    salts, the first one counting up, and leaves the older frames after it)."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    generations: dict[bytes, list[list[bytes]]] = {}
    pending: dict[bytes, list[bytes]] = {}
    for offset in range(32, len(wal) - 24 - page_size + 1, 24 + page_size):
        header = wal[offset : offset + 24]
        salts = header[8:16]
        pending.setdefault(salts, []).append(wal[offset + 24 : offset + 24 + page_size])
        if struct.unpack(">I", header[4:8])[0]:  # a commit frame: the database size after it
            generations.setdefault(salts, []).append(pending.pop(salts))
    return [
        commit
        for salts in sorted(generations, key=lambda s: struct.unpack(">I", s[:4])[0])
        for commit in generations[salts]
    ]


def _pairs_from_wal(wal: bytes, hashes: set[str], receipts: set[str]) -> set[tuple[str, str]]:
    """(code hash, receipt) pairs read off the log: a commit where exactly one code turns "used" and
    exactly one new receipt appears pairs the two."""
    status: dict[str, bytes] = {}
    seen: set[str] = set()
    pairs = set()
    for pages in _wal_commits(wal):
        blob = b"".join(pages)
        turned = set()
        for hashed, state in _CODE_ROW.findall(blob):
            name = hashed.decode()
            if name in hashes and state == b"used" and status.get(name) != b"used":
                turned.add(name)
            if name in hashes:
                status[name] = state
        new = {r for r in receipts - seen if r.encode() in blob}
        seen |= new
        if len(turned) == 1 and len(new) == 1:
            pairs.add((turned.pop(), new.pop()))
    return pairs


def _order_in(data: bytes, needles: list[str], *, last: bool) -> list[int]:
    """The needles' ranks by the position of their first (or last) occurrence in data."""
    positions = [(data.rfind if last else data.find)(n.encode()) for n in needles]
    assert all(p >= 0 for p in positions)
    ranked = sorted(range(len(needles)), key=positions.__getitem__)
    ranks = [0] * len(needles)
    for rank, index in enumerate(ranked):
        ranks[index] = rank
    return ranks


def _spearman(a: list[int], b: list[int]) -> float:
    n = len(a)
    return 1 - 6 * sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / (n * (n * n - 1))


def _assert_storage_order_says_nothing(data: bytes, cast: list[tuple[str, str, str]]) -> None:
    """Neither the ballots' nor the codes' places in the file follow the order of voting, and pairing
    them rank by rank pairs no more than chance would."""
    voting_order = list(range(len(cast)))
    for last in (False, True):
        ballot_ranks = _order_in(data, [receipt for _c, _h, receipt in cast], last=last)
        code_ranks = _order_in(data, [hashed for _c, hashed, _r in cast], last=last)
        for ranks in (ballot_ranks, code_ranks):
            assert abs(_spearman(ranks, voting_order)) < MAX_RANK_CORRELATION
        by_code_rank = {rank: index for index, rank in enumerate(code_ranks)}
        right = sum(by_code_rank[rank] == index for index, rank in enumerate(ballot_ranks))
        assert right <= MAX_PAIRS_BY_ORDER, f"{right} of {len(cast)} ballots paired with their code by storage order"


def _sqlite_vote_then_close(college, meeting) -> None:
    with connection.cursor() as cursor:  # the log starts empty, so the whole vote fits in it
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    survey, cast = _vote(college, meeting)
    hashes = {hashed for _c, hashed, _r in cast}
    receipts = {receipt for _c, _h, receipt in cast}

    # While the vote is open the log shows each commit go by: the attack works (so the checks below
    # are not vacuous), as docs/vote-anonymity.md says.
    pairs = _pairs_from_wal(
        _sqlite_files().get(Path(connection.settings_dict["NAME"]).name + "-wal", b""), hashes, receipts
    )
    assert len(pairs) > VOTERS // 2

    services.close_survey(college.org_dept, survey)

    files = _sqlite_files()
    for name, data in files.items():
        for code, _hashed, _receipt in cast:
            for text in (code, codelib.format_code(code), code.lower()):
                assert text.encode() not in data, f"used code {text} is in {name}"
        if name.endswith("-wal"):
            assert not _wal_commits(data), "the write-ahead log still holds page images of the vote"
            assert not _pairs_from_wal(data, hashes, receipts)
    main = files[Path(connection.settings_dict["NAME"]).name]
    _assert_storage_order_says_nothing(main, cast)
    assert services.verify_seal(survey.__class__.objects.get(pk=survey.pk)).ok


def test_a_code_is_never_stored_in_plain_text(college, meeting):
    """Cards are printed from sealed codes: not even an unused code's text is in the files (SQLite's
    main file, log and index; PostgreSQL's code table file)."""
    survey = services.create_survey(college.org_dept, meeting)
    plain = services.issue_codes(college.org_dept, survey, 20)
    services.issue_codes(college.org_dept, survey, 5, paper=True)
    files = (
        _sqlite_files()
        if connection.vendor == "sqlite"
        else {"voting_ballotcode": _relation_bytes("voting_ballotcode")}
    )
    for name, data in files.items():
        for code in plain:
            assert code.encode() not in data, f"code {code} in plain text in {name}"
    assert [c for c, _category in services.printable_codes(survey, paper=False)[0]] == plain


# --- PostgreSQL: the rows, their system columns and the table files --------------------------------


def _relation_bytes(table: str) -> bytes:
    """The table's file on the server's disk, as the database administrator can read it."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # what is in shared memory is written to the file first
        cursor.execute("SELECT pg_read_binary_file(pg_relation_filepath(%s))", [table])
        return bytes(cursor.fetchone()[0])


def _postgresql_vote_then_close(college, meeting) -> None:
    survey, cast = _vote(college, meeting)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM voting_ballot WHERE survey_id = %s", [survey.pk])
        assert cursor.fetchone()[0] == VOTERS  # while open: one transaction per ballot

    services.close_survey(college.org_dept, survey)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM voting_ballot WHERE survey_id = %s "
            "UNION SELECT DISTINCT xmin::text FROM voting_ballotcode WHERE survey_id = %s",
            [survey.pk, survey.pk],
        )
        assert len(cursor.fetchall()) == 1
        by_receipt = {r: i for i, (_c, _h, r) in enumerate(cast)}
        by_hash = {h: i for i, (_c, h, _r) in enumerate(cast)}
        cursor.execute("SELECT receipt FROM voting_ballot WHERE survey_id = %s ORDER BY ctid", [survey.pk])
        ballot_order = [by_receipt[r] for (r,) in cursor.fetchall()]
        cursor.execute(
            "SELECT code_hash FROM voting_ballotcode WHERE survey_id = %s AND status = 'used' ORDER BY ctid",
            [survey.pk],
        )
        code_order = [by_hash[h] for (h,) in cursor.fetchall()]
    assert abs(_spearman(ballot_order, sorted(ballot_order))) < 1  # well defined
    right = sum(a == b for a, b in zip(ballot_order, code_order, strict=True))
    assert right <= MAX_PAIRS_BY_ORDER
    for order in (ballot_order, code_order):
        ranks = [0] * len(order)
        for rank, index in enumerate(order):
            ranks[index] = rank
        assert abs(_spearman(ranks, list(range(len(order))))) < MAX_RANK_CORRELATION

    # The table files hold one version of each row: no dead copy from the vote, with its own
    # transaction ids, survives the close; no used code's text is there.
    ballots, codes = _relation_bytes("voting_ballot"), _relation_bytes("voting_ballotcode")
    for code, hashed, receipt in cast:
        assert ballots.count(receipt.encode()) == 1
        assert codes.count(hashed.encode()) == 1
        assert code.encode() not in ballots + codes
    assert BallotCode.objects.filter(survey=survey, status="used").count() == VOTERS
    assert services.verify_seal(survey.__class__.objects.get(pk=survey.pk)).ok


def test_files_hold_no_used_code_and_no_pairing_after_close(college, meeting):
    """SQLite: the main file, the write-ahead log and its index; PostgreSQL: the rows, their system
    columns and the table files (the helpers above say what each checks)."""
    if connection.vendor == "sqlite":
        _sqlite_vote_then_close(college, meeting)
    else:
        _postgresql_vote_then_close(college, meeting)


def test_scrub_waits_for_a_reader_older_than_the_close(college, meeting):
    """A reader whose snapshot began before the close may still see what the close replaced, which
    the database must then keep for it (SQLite: the log's frames; PostgreSQL: the replaced row
    versions): the scrub says it is not done (and the close still succeeds) until that reader ends;
    then it finishes, as `manage.py scrub_vote_files` does."""
    if connection.vendor == "sqlite":
        _sqlite_scrub_waits_for_an_older_reader(college, meeting)
    else:
        _postgresql_scrub_waits_for_an_older_session(college, meeting)


def _sqlite_scrub_waits_for_an_older_reader(college, meeting) -> None:
    import sqlite3

    from shuzhi.voting import secrecy

    survey, cast = _vote(college, meeting)
    wal = Path(f"{connection.settings_dict['NAME']}-wal")
    reader = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    with connection.cursor() as cursor:  # wait 50 ms for the reader, not the server's 20 s, in each try
        cursor.execute("PRAGMA busy_timeout = 50")
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM voting_ballot").fetchone()  # its snapshot begins before the close
        services.close_survey(college.org_dept, survey)
        assert not secrecy.scrub_files(attempts=1).done
        assert _wal_commits(wal.read_bytes())  # kept, as it must be
    finally:
        reader.close()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(connection.settings_dict['OPTIONS']['timeout'] * 1000)}")
    assert secrecy.scrub_files().done
    assert wal.stat().st_size == 0
    for code, _hashed, _receipt in cast:
        assert code.encode() not in Path(connection.settings_dict["NAME"]).read_bytes()


def _postgresql_scrub_waits_for_an_older_session(college, meeting) -> None:
    from django.db import connections

    from shuzhi.voting import secrecy

    survey, cast = _vote(college, meeting)
    reader = connections.create_connection("default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT count(*) FROM voting_ballot")  # its snapshot begins before the close
        services.close_survey(college.org_dept, survey)
        assert not secrecy.scrub_files(attempts=1).done
        assert _relation_bytes("voting_ballot").count(cast[0][2].encode()) == 2  # kept, as it must be
    finally:
        reader.rollback()
        reader.close()
    assert secrecy.scrub_files().done
    ballots = _relation_bytes("voting_ballot")
    assert all(ballots.count(receipt.encode()) == 1 for _c, _h, receipt in cast)
