"""The append-only audit log: who did what, when, to which object, before → after."""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuzhi.audit import chain


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DEACTIVATE = "deactivate", _("deactivate")
    REACTIVATE = "reactivate", _("reactivate")
    IMPORT = "import", _("import")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("login failed")
    LOCKED = "locked", _("account locked")
    UNLOCKED = "unlocked", _("login lock lifted")
    LOGOUT = "logout", _("logout")
    PASSWORD_CHANGE = "password_change", _("password change")


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """One recorded action. Rows are never updated or deleted: the model refuses it, and the
    database refuses it too (triggers installed by migration 0002). Each event carries a hash over its
    stored fields and the previous event's hash (shuzhi.audit.chain; manage.py verify_audit)."""

    # Set before the INSERT (not auto_now_add): the hash covers it.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    # The coarse kind (create, update, …); for events recorded since the verbs, the verb's kind.
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    # What happened, a code from shuzhi.audit.verbs ("report.submitted"); empty on events recorded before
    # the verbs existed (shuzhi.audit.legacy reads theirs from action, object type and values).
    verb = models.CharField(max_length=60, blank=True, default="", db_index=True)
    # The model's app label and name ("cycles.review"); the bare model name on older events.
    object_type = models.CharField(_("object type"), max_length=50, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The person the event concerns where known (the person changed, the secretary of the review, the
    # owner of the account), for finding everything about one person; not the actor.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        from shuzhi.audit import legacy

        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {legacy.verb_label(self)} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Own atomic block: the chain lock is held until the outermost transaction commits.
        with transaction.atomic(using=using):
            chain.link([self], chain.lock_chain(using))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
