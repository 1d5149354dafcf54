"""Back up the whole system into one archive, and restore it into an empty database.

`create_backup` runs while the server runs and a vote is open: the database is copied from one
consistent snapshot (SQLite's VACUUM INTO, PostgreSQL's exported snapshot; see sqlite.py and
postgres.py) and the copy holds nothing a close has erased. `restore_backup` verifies every part of
the archive first, refuses a database that holds data unless forced, restores, and then checks the
result: every table against the digest the backup recorded, every closed vote against its seal.
"""

from __future__ import annotations

import hmac
import importlib.metadata
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from shuzhi.core.backup import archive, contents, postgres, sqlite
from shuzhi.core.backup.errors import BackupError

ALIAS = DEFAULT_DB_ALIAS
SQLITE_PART = "database.sqlite3"


def default_directory() -> Path:
    return Path(settings.BASE_DIR) / "var" / "backups"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]
    pruned: list[Path]


def create_backup(output: Path | None = None, *, keep_days: int | None = None) -> BackupResult:
    """Write a backup archive of the database and the uploaded files.

    `output`: a file name ending in .tar.gz, which must not exist yet, or else a directory (created if
    need be; a new timestamped name is chosen in it); default var/backups/. `keep_days`: afterwards,
    delete the backups in that directory older than that many days. Raises BackupError with the reason
    if no backup could be written (then no file named shuzhi-backup-*.tar.gz was written either)."""
    if keep_days is not None and keep_days < 1:
        raise BackupError("--keep-days must be at least 1.")
    target = _target_path(output)
    vendor = connections[ALIAS].vendor
    with tempfile.TemporaryDirectory(prefix="." + archive.PREFIX + "work-", dir=target.parent) as work:
        work = Path(work)
        if vendor == "sqlite":
            copy = work / SQLITE_PART
            sqlite.copy_database(Path(connections[ALIAS].settings_dict["NAME"]), copy)
            summary = sqlite.read_contents(copy)
            parts = [archive.Part(SQLITE_PART, copy, "database")]
            database = {"vendor": "sqlite", "server_version": sqlite.server_version(), "dump_tool": "VACUUM INTO"}
        elif vendor == "postgresql":
            dump = postgres.dump(ALIAS, work)
            summary = dump.contents
            parts = [archive.Part(postgres.DATABASE_PART, work / postgres.DATABASE_PART, "database")]
            parts += [archive.Part(t.name, work / t.name, "table-data", t.to_json()) for t in dump.tables]
            database = {"vendor": "postgresql", "server_version": dump.server_version, "dump_tool": dump.tool_version}
        else:
            raise BackupError(f"Backing up a {vendor} database is not supported.")
        parts += _media_parts(work / "media")
        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": database,
            "app": {"name": "shuzhi", "version": _app_version(), "commit": _git_commit()},
            "secret_key_check": _secret_key_check(settings.SECRET_KEY),
            "migrations": summary.migrations,
            "parts": [archive.describe(part) for part in parts],
            "contents": summary.to_json(),
        }
        size = archive.write(target, manifest, parts)
    pruned = prune_backups(target.parent, keep_days, keep=target) if keep_days else []
    return BackupResult(target, size, manifest, pruned)


def _target_path(output: Path | None) -> Path:
    if output is not None and output.name.endswith((archive.SUFFIX, ".tgz")) and not output.is_dir():
        if output.exists():
            raise BackupError(f"{output} already exists: give another file name, or a directory.")
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return output
    directory = output or default_directory()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target, n = directory / f"{archive.PREFIX}{stamp}{archive.SUFFIX}", 2
    while target.exists():
        target, n = directory / f"{archive.PREFIX}{stamp}-{n}{archive.SUFFIX}", n + 1
    return target


def prune_backups(directory: Path, keep_days: int, *, keep: Path) -> list[Path]:
    """Delete the backups (and leftovers of interrupted runs) in `directory` older than `keep_days`."""
    cutoff = time.time() - keep_days * 86400
    pruned = []
    candidates = [*directory.glob(f"{archive.PREFIX}*{archive.SUFFIX}"), *directory.glob(f".{archive.PREFIX}*")]
    for path in sorted(candidates):
        if path == keep or path.is_symlink() or path.stat().st_mtime >= cutoff:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        pruned.append(path)
    return pruned


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def _media_parts(copies: Path) -> list[archive.Part]:
    """The uploaded files, copied first so that each one's checksum is that of the file archived."""
    root = _media_root()
    if root is None or not root.is_dir():
        return []
    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(root)
        copy = copies / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        parts.append(archive.Part(f"media/{relative.as_posix()}", copy, "media"))
    return parts


def _app_version() -> str:
    try:
        return importlib.metadata.version("shuzhi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _git_commit() -> str:
    if not (Path(settings.BASE_DIR) / ".git").exists():
        return ""
    try:
        done = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _secret_key_check(key: str) -> str:
    """A short keyed digest telling, at restore, whether SECRET_KEY is the one the backup was made under
    (code hashes, sealed codes and sessions depend on it); it does not reveal the key."""
    return hmac.new(key.encode(), b"shuzhi backup: secret key check", "sha256").hexdigest()[:16]


# --- Restore ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCheck:
    survey_id: int
    title: str
    ok: bool
    ballots: int
    seal_digest: str
    detail: list[str]


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    target: str
    problems: list[str] = field(default_factory=list)  # the restored database differs from the backup
    warnings: list[str] = field(default_factory=list)
    votes: list[VoteCheck] = field(default_factory=list)
    audit_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and all(vote.ok for vote in self.votes)


def check_archive(path: Path) -> dict[str, Any]:
    """Verify an archive (every part against its manifest) without restoring it; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix=".shuzhi-restore-") as work:
        return archive.extract_verified(path, Path(work))


def restore_backup(path: Path, *, force: bool = False) -> RestoreReport:
    """Restore the archive at `path` into the configured database (and MEDIA_ROOT), then check it.

    Verifies every part's checksum before touching anything; refuses a database that holds data (any
    table other than migrate's bookkeeping), or a MEDIA_ROOT with files, unless `force`. The server
    should be stopped. Raises BackupError with the reason when nothing was restored; returns the report
    of the checks otherwise (report.ok is False if the restored data differs from the backup)."""
    connection = connections[ALIAS]
    with tempfile.TemporaryDirectory(prefix=".shuzhi-restore-") as work:
        work = Path(work)
        manifest = archive.extract_verified(path, work)
        kind = manifest["database"]["vendor"]
        if kind != connection.vendor:
            raise BackupError(
                f"{path} is a backup of a {kind} database; the configured database is "
                f"{connection.vendor}. Nothing was restored."
            )
        media = [entry for entry in manifest["parts"] if entry["role"] == "media"]
        media_root = _media_root()
        if media and media_root is None:
            raise BackupError(
                f"{path} holds {len(media)} uploaded files but settings.MEDIA_ROOT is not set. Nothing was restored."
            )
        _refuse_unless_empty(media_root, force)
        connection.close()
        if kind == "sqlite":
            sqlite.load_database(work / SQLITE_PART, Path(connection.settings_dict["NAME"]))
        else:
            tables = [
                postgres.TableData(e["name"], e["schema"], e["table"], e["columns"])
                for e in manifest["parts"]
                if e["role"] == "table-data"
            ]
            postgres.load(ALIAS, work, tables)
        if media:
            _replace_media(work / "media", media_root)
    return check_restored(manifest)


def current_contents() -> contents.Contents:
    """The digest of every table of the configured database, its migrations and seals."""
    connection = connections[ALIAS]
    if connection.vendor == "sqlite":
        return sqlite.read_contents(Path(connection.settings_dict["NAME"]))
    return postgres.read_contents(ALIAS)


def _target_tables_with_data() -> list[str]:
    connection = connections[ALIAS]
    if connection.vendor == "sqlite":
        return sqlite.tables_with_data(Path(connection.settings_dict["NAME"]))
    return postgres.tables_with_data(ALIAS)


def _refuse_unless_empty(media_root: Path | None, force: bool) -> None:
    occupied = _target_tables_with_data()
    if occupied and not force:
        raise BackupError(
            f"The database {_target_name()} is not empty (rows in {_some(occupied, 8)}): restoring "
            "would replace its data. Restore into an empty database, or pass --force to replace it. "
            "Nothing was restored."
        )
    if media_root is not None and media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(
            f"MEDIA_ROOT {media_root} is not empty: pass --force to replace its files. Nothing was restored."
        )


def _target_name() -> str:
    settings_dict = connections[ALIAS].settings_dict
    if connections[ALIAS].vendor == "sqlite":
        return str(settings_dict["NAME"])
    return f"{settings_dict.get('NAME')} on {settings_dict.get('HOST') or 'localhost'}"


def _replace_media(source: Path, media_root: Path) -> None:
    """Put the restored files in place of MEDIA_ROOT: copied beside it first, then swapped by renames."""
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    if media_root.exists():
        replaced = media_root.with_name(media_root.name + ".replaced")
        shutil.rmtree(replaced, ignore_errors=True)
        media_root.rename(replaced)
        staging.rename(media_root)
        shutil.rmtree(replaced)
    else:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(media_root)


def check_restored(manifest: dict[str, Any]) -> RestoreReport:
    """Compare the configured database with the backup `manifest` describes, and verify every closed
    vote against its seal."""
    report = RestoreReport(manifest, _target_name())
    expected = contents.Contents.from_manifest(manifest)
    found = current_contents()
    report.problems, extra = contents.differences(expected, found)
    if extra:
        report.warnings.append(f"tables not in the backup (left from before): {', '.join(extra)}")
    from shuzhi.audit.models import AuditEvent

    audit = found.tables.get(AuditEvent._meta.db_table)
    report.audit_events = audit.rows if audit else 0
    report.warnings += _migration_warnings(found.migrations)
    if manifest.get("secret_key_check") not in {_secret_key_check(k) for k in _secret_keys()}:
        report.warnings.append(
            "the backup was made under another SECRET_KEY: unused ballot codes cannot be printed "
            "or used and all sessions are void until SECRET_KEY is set to the one it was made with"
        )
    try:
        report.votes = _check_votes()
    except DatabaseError as error:
        report.problems.append(
            f"the votes could not be checked against their seals ({error}); run manage.py "
            "migrate, then manage.py verify_votes"
        )
    return report


def _secret_keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _migration_warnings(applied: list[str]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    pending = sorted(known - set(applied))
    unknown = sorted(set(applied) - known)
    warnings = []
    if pending:
        warnings.append(
            f"{len(pending)} migrations of this code are not applied in the backup ({_some(pending)}): "
            "run manage.py migrate"
        )
    if unknown:
        warnings.append(
            f"the backup has {len(unknown)} migrations this code does not know ({_some(unknown)}): "
            "it was made by a newer version"
        )
    return warnings


def _some(names: list[str], shown: int = 5) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _check_votes() -> list[VoteCheck]:
    from shuzhi.voting.models import Survey, SurveyStatus
    from shuzhi.voting.services import verify_seal

    checks = []
    closed = Survey.objects.filter(status=SurveyStatus.CLOSED, is_rehearsal=False).select_related("meeting")
    for survey in closed.order_by("pk"):
        check = verify_seal(survey)
        detail = [] if check.digest_matches else ["the seal record itself was changed"]
        detail += [f"ballot {r} differs from the sealed one" for r in check.changed]
        detail += [f"ballot {r} is missing" for r in check.missing]
        detail += [f"ballot {r} is not in the seal" for r in check.extra]
        checks.append(VoteCheck(survey.pk, survey.meeting.title, check.ok, check.count, survey.seal_digest, detail))
    return checks
