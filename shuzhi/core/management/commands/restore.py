"""Restore a backup archive into an empty database, then check it.

    manage.py restore var/backups/shuzhi-backup-20261125-020000.tar.gz
    manage.py restore --check ARCHIVE     # only verify the archive's checksums
    manage.py restore --force ARCHIVE     # replace a database that holds data

Stop the server first. Every part of the archive is checked against its manifest before anything is
changed. Afterwards every table is compared with the digest the backup recorded and every closed
vote is verified against its seal; exits with status 1 if anything differs.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shuzhi.core.backup import BackupError, check_archive, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive (made by manage.py backup) into an empty database and verify it."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")
        parser.add_argument("--check", action="store_true", help="only verify the archive; change nothing")

    def handle(self, *args, archive, force, check, **options):
        try:
            if check:
                self._describe(archive, check_archive(archive))
                return
            report = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self._describe(archive, report.manifest)
        self.stdout.write(f"Restored into {report.target}")
        for warning in report.warnings:
            self.stdout.write(f"WARNING {warning}")
        for problem in report.problems:
            self.stdout.write(f"FAIL  {problem}")
        tables = report.manifest["contents"]["tables"]
        if not report.problems:
            self.stdout.write(f"OK    {len(tables)} tables: the same rows and content as the backup")
            self.stdout.write(f"OK    audit trail: {report.audit_events} events, the same as the backup")
        for vote in report.votes:
            label = f"vote #{vote.survey_id} {vote.title}"
            if vote.ok:
                self.stdout.write(f"OK    {label}: {vote.ballots} ballots match the seal {vote.seal_digest[:16]}…")
            else:
                self.stdout.write(f"FAIL  {label}: " + "; ".join(vote.detail))
        if not report.ok:
            raise CommandError("The restored database differs from the backup (see FAIL above).")

    def _describe(self, archive: Path, manifest: dict) -> None:
        app, database = manifest["app"], manifest["database"]
        commit = f" @ {app['commit'][:10]}" if app.get("commit") else ""
        self.stdout.write(
            f"Archive {archive}: made {manifest['created_at']} from {database['vendor']} "
            f"{database['server_version']} by shuzhi {app['version']}{commit}; "
            f"{len(manifest['parts'])} part(s), every checksum matches"
        )
