"""Login accounts. A person's roles follow from their positions (see shuzhi.orgs.access)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """username is the person's 工号 for imported accounts."""

    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.name if person else (self.get_full_name() or self.username)


class ThrottleScope(models.TextChoices):
    # Failures with one login name from one client network: locks that name there only.
    NAME_AT_NETWORK = "name_at_network", _("staff number at a network address")
    # Failures from one client network, whatever the login name: locks every login from there.
    NETWORK = "network", _("network address")


class LoginThrottle(models.Model):
    """Failed logins counted in a window, and the lock they led to (shuzhi.accounts.services).

    A lock is never account-wide: a stranger's wrong passwords lock the account only on the
    stranger's own network address, so nobody can lock another person out from elsewhere."""

    scope = models.CharField(max_length=20, choices=ThrottleScope.choices)
    # The login name as typed (trimmed), existing or not: unknown names are counted and locked the same
    # way, so the answers never tell whether a staff number has an account. "" for scope NETWORK.
    username = models.CharField(max_length=150, blank=True)
    # The client's address (an IPv6 client's /64 network); "" when the server did not learn it.
    network = models.CharField(max_length=64, blank=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "username", "network"], name="login_throttle_unique"),
        ]
        indexes = [models.Index(fields=["username", "locked_until"], name="login_throttle_name_lock")]

    def __str__(self) -> str:
        return f"{self.scope} {self.username} {self.network}"
