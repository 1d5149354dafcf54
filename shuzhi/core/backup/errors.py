"""The one error the backup and restore functions raise: its message is meant for the operator."""


class BackupError(Exception):
    pass
