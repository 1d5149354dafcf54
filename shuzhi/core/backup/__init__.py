"""Backups of the whole system (database and uploaded files) and their restore.

`services` holds the two operations (`create_backup`, `restore_backup`) that `manage.py backup` and
`manage.py restore` call; `archive` the archive format; `sqlite` and `postgres` how each database is
copied and loaded; `contents` the digests that show a restored database is the one backed up.
"""

from shuzhi.core.backup.errors import BackupError
from shuzhi.core.backup.services import BackupResult, RestoreReport, check_archive, create_backup, restore_backup

__all__ = ["BackupError", "BackupResult", "RestoreReport", "check_archive", "create_backup", "restore_backup"]
