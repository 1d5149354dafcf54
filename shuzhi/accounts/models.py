"""Login accounts. A person's roles follow from their positions (see shuzhi.orgs.access)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """username is the person's 工号 for imported accounts."""

    must_change_password = models.BooleanField(_("must change password"), default=False)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.name if person else (self.get_full_name() or self.username)
