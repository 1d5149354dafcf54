"""Evidence files (附件/证明材料) attached to the records of daily checks, preparation, rectification and
filing.

The owner is a generic relation (owner_type, owner_id), not one nullable foreign key per owning model:
the later stages attach files to their own objects without a migration here, and a file's row says which
record it belongs to. The database cannot enforce that the owner row exists, so the owner never is
deleted (every owner in this project is withdrawn or deactivated, never deleted) and
shuzhi.orgs.access decides visibility by owner kind (visible_attachments). `organization` is whose data
the file is: the owner's organisation (store_attachment checks it), kept on the row for access and
listings. Files are never deleted: withdrawn (withdrawn_at/by/reason), the bytes kept in storage.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuzhi.orgs.models import Organization


class Attachment(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("attached to")
    )
    owner_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    # As the uploader's device named it (cleaned: no folders, control or direction characters); shown and
    # used for the download's name, never for the stored file's.
    original_name = models.CharField(_("file name"), max_length=200)
    # Decided from the bytes by shuzhi.core.uploads.check_evidence, never from the name or the browser.
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    # The name in the "attachments" storage: attachments/<yyyy>/<random>, nothing of the original name.
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]
        constraints = [
            # The same bytes offered twice for one record are one attachment (store_attachment returns it).
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "sha256"],
                condition=Q(withdrawn_at__isnull=True),
                name="attachment_once_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(owner_type__isnull=True, owner_id__isnull=True)
                | Q(owner_type__isnull=False, owner_id__isnull=False),
                name="attachment_owner_whole",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
