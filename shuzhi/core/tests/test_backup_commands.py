"""manage.py backup and manage.py restore: what the operator is told, and the exit status."""

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shuzhi.voting import services
from shuzhi.voting.services import BallotInput


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def closed_vote(college, survey, ballots: int = 6):
    for n, code in enumerate(survey.test_codes[:ballots]):
        services.cast_ballot(
            survey.pk,
            code,
            BallotInput({str(p["review"]): "satisfied" for p in survey.presenters}, {}, {}, f"总体意见{n}"),
        )
    return services.close_survey(college.org_dept, survey)


def only_archive(directory: Path) -> Path:
    (archive,) = directory.glob("shuzhi-backup-*.tar.gz")
    return archive


@pytest.mark.django_db(transaction=True)
def test_backup_prints_where_the_archive_went_and_its_size(college, tmp_path):
    output = run("backup", "--output", str(tmp_path))
    archive = only_archive(tmp_path)
    assert f"Backup written to {archive} (" in output and " KB)" in output
    assert "audit events" in output and oct(archive.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


@pytest.mark.django_db(transaction=True)
def test_backup_to_a_file_name_refuses_to_overwrite_it(college, tmp_path):
    target = tmp_path / "nightly.tar.gz"
    run("backup", "--output", str(target))
    assert target.is_file()
    with pytest.raises(CommandError, match="already exists"):
        run("backup", "--output", str(target))


@pytest.mark.django_db(transaction=True)
def test_backup_with_keep_days_removes_only_older_backups(college, tmp_path):
    old, recent, unrelated = (
        tmp_path / "shuzhi-backup-20250101-020000.tar.gz",
        tmp_path / "shuzhi-backup-20250110-020000.tar.gz",
        tmp_path / "notes.txt",
    )
    for path, days in ((old, 20), (recent, 3), (unrelated, 30)):
        path.write_bytes(b"x")
        os.utime(path, (time.time() - days * 86400,) * 2)
    output = run("backup", "--output", str(tmp_path), "--keep-days", "14")
    assert not old.exists() and recent.exists() and unrelated.exists()
    assert f"removed {old.name} (older than 14 days)" in output


@pytest.mark.django_db(transaction=True)
def test_restore_reports_every_table_the_audit_trail_and_each_vote_against_its_seal(
    college, open_vote, tmp_path, scratch_database
):
    vote = closed_vote(college, open_vote)
    run("backup", "--output", str(tmp_path))
    with scratch_database():
        output = run("restore", str(only_archive(tmp_path)))
    assert "every checksum matches" in output
    assert "tables: the same rows and content as the backup" in output
    assert "OK    audit trail:" in output
    assert f"OK    vote #{vote.pk} {vote.meeting.title}: 6 ballots match the seal {vote.seal_digest[:16]}" in output


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_with_a_clear_message(college, tmp_path):
    run("backup", "--output", str(tmp_path))
    with pytest.raises(CommandError, match="is not empty .* pass --force to replace it"):
        run("restore", str(only_archive(tmp_path)))


@pytest.mark.django_db(transaction=True)
def test_restore_check_verifies_the_archive_without_restoring(college, tmp_path):
    run("backup", "--output", str(tmp_path))
    output = run("restore", "--check", str(only_archive(tmp_path)))  # the database holds data: not refused
    assert "every checksum matches" in output and "Restored" not in output


def with_a_ballot_changed(archive: Path, target: Path, work: Path) -> Path:
    """The archive with one ballot's text changed and the manifest's checksums made to match: only
    the checks after the restore can tell."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    manifest = json.loads(members[0][1])
    changed = []
    for member, data in members[1:]:
        if member.name == "voting_ballot.copy":  # PostgreSQL: the ballots' rows as text
            data = data.replace("总体意见3".encode(), "改过的意见".encode())
        elif member.name == "database.sqlite3":
            copy = work / "tampered.sqlite3"
            copy.write_bytes(data)
            with closing(sqlite3.connect(copy)) as db:
                db.execute(
                    "UPDATE voting_ballot SET overall_suggestion = '改过的意见' WHERE overall_suggestion = '总体意见3'"
                )
                db.commit()
            data = copy.read_bytes()
        entry = next(p for p in manifest["parts"] if p["name"] == member.name)
        entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        changed.append((member, data))
    with tarfile.open(target, "w:gz") as tar:
        for member, data in [(members[0][0], json.dumps(manifest).encode()), *changed]:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_restore_fails_naming_the_ballot_that_differs_from_its_seal(college, open_vote, tmp_path, scratch_database):
    vote = closed_vote(college, open_vote)
    run("backup", "--output", str(tmp_path / "backups"))
    tampered = with_a_ballot_changed(only_archive(tmp_path / "backups"), tmp_path / "tampered.tar.gz", tmp_path)
    out = io.StringIO()
    with scratch_database(), pytest.raises(CommandError, match="differs from the backup"):
        call_command("restore", str(tampered), stdout=out)
    output = out.getvalue()
    assert "FAIL  table voting_ballot: same 6 rows but different content" in output
    assert f"FAIL  vote #{vote.pk}" in output and "differs from the sealed one" in output
