"""Restoring a backup (shuzhi.core.backup.restore_backup): only into an empty database, only from an
archive whose every part matches its manifest, and nothing changed when it refuses."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from shuzhi.core.backup import BackupError, create_backup, restore_backup
from shuzhi.core.backup.services import current_contents

DATABASE_PART = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def rewritten(source: Path, target: Path, *, part: str | None = None, change=None, manifest=None) -> Path:
    """A copy of the archive `source` with the bytes of `part` passed through `change`, or its
    manifest through `manifest`."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == part:
                data = change(data)
            elif member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(college, tmp_path):
    result = create_backup(tmp_path)
    before = current_contents()
    with pytest.raises(BackupError, match=r"is not empty \(rows in .*accounts_user.*--force.*Nothing was restored"):
        restore_backup(result.path)
    assert current_contents() == before


@pytest.mark.django_db(transaction=True)
def test_a_corrupted_archive_is_refused_naming_the_damaged_part_even_with_force(college, tmp_path):
    result = create_backup(tmp_path)
    part = DATABASE_PART[connection.vendor]
    corrupted = rewritten(result.path, tmp_path / "corrupted.tar.gz", part=part, change=flip_a_byte)
    before = current_contents()
    with pytest.raises(BackupError, match=rf"checksum mismatch in {part}.*damaged\. Nothing was restored"):
        restore_backup(corrupted, force=True)
    assert current_contents() == before


@pytest.mark.django_db(transaction=True)
def test_a_truncated_archive_is_refused_as_damaged(college, tmp_path):
    result = create_backup(tmp_path)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(result.path.read_bytes()[: result.path.stat().st_size // 2])
    before = current_contents()
    with pytest.raises(BackupError, match="cannot be read as a backup.*damaged"):
        restore_backup(truncated, force=True)
    assert current_contents() == before


@pytest.mark.django_db(transaction=True)
def test_an_archive_holding_a_file_its_manifest_does_not_list_is_refused(college, tmp_path):
    result = create_backup(tmp_path)
    smuggled = rewritten(
        result.path,
        tmp_path / "smuggled.tar.gz",
        manifest=lambda m: {**m, "parts": [p for p in m["parts"] if p["role"] != "database"]},
    )
    with pytest.raises(BackupError, match="which its manifest does not list"):
        restore_backup(smuggled, force=True)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_other_kind_of_database_is_refused(college, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    result = create_backup(tmp_path)
    relabelled = rewritten(
        result.path,
        tmp_path / "relabelled.tar.gz",
        manifest=lambda m: {**m, "database": {**m["database"], "vendor": other}},
    )
    with pytest.raises(BackupError, match=f"is a backup of a {other} database"):
        restore_backup(relabelled, force=True)


@pytest.mark.django_db(transaction=True)
def test_uploaded_files_travel_with_the_backup(college, tmp_path, scratch_database):
    media = tmp_path / "media"
    (media / "reports" / "2026").mkdir(parents=True)
    (media / "reports" / "2026" / "述职报告.docx").write_bytes(b"docx bytes")
    with override_settings(MEDIA_ROOT=str(media)):
        result = create_backup(tmp_path / "backups")
    assert [p["name"] for p in result.manifest["parts"] if p["role"] == "media"] == ["media/reports/2026/述职报告.docx"]
    restored_media = tmp_path / "restored-media"
    with scratch_database(), override_settings(MEDIA_ROOT=str(restored_media)):
        report = restore_backup(result.path)
        assert report.ok, report.problems
    assert (restored_media / "reports" / "2026" / "述职报告.docx").read_bytes() == b"docx bytes"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_media_root_that_holds_files(college, tmp_path, scratch_database):
    result = create_backup(tmp_path)
    media = tmp_path / "media"
    media.mkdir()
    (media / "kept.txt").write_text("kept")
    with scratch_database(), override_settings(MEDIA_ROOT=str(media)):
        with pytest.raises(BackupError, match="MEDIA_ROOT .* is not empty"):
            restore_backup(result.path)
        assert current_contents().tables == {}  # the scratch database is still empty
    assert (media / "kept.txt").read_text() == "kept"
