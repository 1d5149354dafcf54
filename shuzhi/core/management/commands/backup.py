"""Back up the database and the uploaded files into one archive; safe while the server runs and a
vote is open.

    manage.py backup                              # var/backups/shuzhi-backup-YYYYmmdd-HHMMSS.tar.gz
    manage.py backup --output /mnt/backup         # a new timestamped archive in that directory
    manage.py backup --output /mnt/x.tar.gz       # exactly that file (must not exist yet)
    manage.py backup --keep-days 14               # and delete the backups there older than 14 days
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shuzhi.audit.models import AuditEvent
from shuzhi.core.backup import BackupError, create_backup


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one verified archive (default: var/backups/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="a directory (default var/backups), or the archive's file name ending in .tar.gz",
        )
        parser.add_argument("--keep-days", type=int, help="delete backups in the same directory older than this")

    def handle(self, *args, output, keep_days, **options):
        try:
            result = create_backup(output, keep_days=keep_days)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        tables = manifest["contents"]["tables"]
        media = sum(1 for part in manifest["parts"] if part["role"] == "media")
        audit = tables.get(AuditEvent._meta.db_table, {}).get("rows", 0)
        self.stdout.write(f"Backup written to {result.path} ({human_size(result.size)})")
        self.stdout.write(
            f"  {manifest['database']['vendor']} {manifest['database']['server_version']}: "
            f"{len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows, "
            f"{audit} audit events, {len(manifest['contents']['seals'])} sealed votes, "
            f"{media} uploaded files"
        )
        for path in result.pruned:
            self.stdout.write(f"  removed {path.name} (older than {keep_days} days)")
