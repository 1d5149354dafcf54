"""The switch behind the audit log's append-only triggers (see migration 0002).

Every SQLite connection the application opens gets shuzhi_audit_purge() returning 0, so the
triggers refuse UPDATE and DELETE. Only the test suite calls allow_purge() (to empty tables between
browser tests); nothing in the application does.
"""

from django.db.backends.signals import connection_created

_purge_allowed = False


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "shuzhi_audit_purge", 0, lambda: 1 if _purge_allowed else 0, deterministic=False
        )
    elif connection.vendor == "postgresql" and _purge_allowed:
        with connection.connection.cursor() as cursor:
            cursor.execute("SET shuzhi.audit_purge = 'on'")


def install() -> None:
    connection_created.connect(_register, dispatch_uid="shuzhi-audit-dbguard")


def allow_purge() -> None:
    """For the test suite only: let flush() empty the audit table between transactional tests."""
    global _purge_allowed
    _purge_allowed = True
