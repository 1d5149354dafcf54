"""Storing, withdrawing and opening evidence files. Every path (pages now; the later stages' own pages
and the API) goes through these.

store_attachment checks the file's content first (shuzhi.core.uploads.check_evidence: type decided from
the bytes, size, encryption, structure), then, in one transaction with the owner's organisation locked
(so a double-click or two tabs cannot store one file twice), returns the attachment the same bytes
already are on the same owner, or writes the bytes to the "attachments" storage under a random name and
records the row and an audit event. If the transaction fails, the file just written is removed again;
if an outer transaction of the caller rolls back later, an unreferenced file stays behind in storage
(harmless: its name is random and nothing points at it).
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.attachments.models import Attachment
from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.core import uploads
from shuzhi.orgs.models import Organization

STORAGE = "attachments"
MAX_NAME = 200
MAX_REASON = 200
FIELDS = [
    "original_name",
    "content_type",
    "size",
    "sha256",
    "storage_name",
    "organization",
    "owner_id",
    "withdrawn_at",
    "withdrawn_reason",
]
# Characters that change how a name reads without being seen: bidirectional overrides (a name shown as
# "photo_gpj.exe" ...), zero-width ones.
_INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
}


def limits() -> uploads.EvidenceLimits:
    return uploads.EvidenceLimits(max_bytes=max_bytes())


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def max_files() -> int:
    return settings.ATTACHMENT_MAX_FILES


def storage() -> Storage:
    return storages[STORAGE]


def clean_name(name: str) -> str:
    """The name to show: its last path part (some browsers send a whole path), NFC, without control or
    invisible characters, at most MAX_NAME characters keeping the extension."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c not in _INVISIBLE and unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > MAX_NAME:
        _stem, dot, extension = name.rpartition(".")
        extension = dot + extension if dot and len(extension) <= 10 else ""
        name = name[: MAX_NAME - len(extension)] + extension
    return name or _("unnamed file")


def download_name(attachment: Attachment) -> str:
    """The name a download is saved under: the original, with the decided type's extension added when its
    own does not fit (a PDF named .exe downloads as .exe.pdf), so the program that opens it is the right one."""
    kind = uploads.kind_for_content_type(attachment.content_type)
    name = attachment.original_name
    if kind is not None and not name.lower().endswith(kind.extensions):
        name += kind.extension
    return name


def owner_organization_id(owner: models.Model) -> int:
    """Whose data a record's files are. Each owning model says it here (the later stages add theirs)."""
    from shuzhi.assessment.models import Check
    from shuzhi.cycles.models import PreparationItem

    if isinstance(owner, PreparationItem):
        return owner.review.organization_id
    if isinstance(owner, Check):
        return owner.organization_id
    raise TypeError(f"{type(owner).__name__} cannot own attachments (add it to owner_organization_id)")


def owner_closed_message(owner: models.Model | None) -> str:
    """Why files can no longer be attached to or withdrawn from `owner` (empty: they can)."""
    from shuzhi.cycles.models import PreparationItem
    from shuzhi.cycles.services import preparation_is_open

    if isinstance(owner, PreparationItem):
        if owner.is_withdrawn:
            return _("This record was withdrawn; its files can no longer be changed.")
        if not preparation_is_open(owner.review):
            return _("The preparation and report stages of this cycle are over.")
    from shuzhi.assessment.models import Check

    if isinstance(owner, Check) and not owner.is_draft:
        return _("This check is no longer a draft; its files can no longer be changed.")
    return ""


def _snapshot(attachment: Attachment) -> dict[str, Any]:
    """The audit record's view: the fields, and the owner's kind by its name on the audit page."""
    from shuzhi.audit.display import object_type_label

    data = snapshot(attachment, FIELDS)
    if attachment.owner_type_id is not None:
        data["owner_type"] = object_type_label(attachment.owner_type.model)
    return data


def _owner_key(owner: models.Model | None) -> tuple[ContentType | None, int | None]:
    if owner is None:
        return None, None
    return ContentType.objects.get_for_model(owner), owner.pk


def store_attachment(
    actor: Any,
    file: IO[bytes],
    *,
    organization: Organization,
    attached_to: models.Model | None = None,
    ip: str | None = None,
) -> Attachment:
    """The file stored as an Attachment of `organization` (and of `attached_to`); the existing one when the
    same bytes are already attached to that owner. Raises uploads.UploadError when the file is refused."""
    return _store(actor, file, organization=organization, attached_to=attached_to, ip=ip)[0]


def _store(
    actor: Any, file: IO[bytes], *, organization: Organization, attached_to: models.Model | None, ip: str | None
) -> tuple[Attachment, bool]:
    checked = uploads.check_evidence(file, limits())
    if attached_to is not None and owner_organization_id(attached_to) != organization.pk:
        raise ValueError("the attachment's organisation is not its owner's")
    owner_type, owner_id = _owner_key(attached_to)
    name = clean_name(getattr(file, "name", ""))
    files = storage()
    stored = None
    try:
        with transaction.atomic():
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            same = Attachment.objects.filter(
                organization=organization,
                owner_type=owner_type,
                owner_id=owner_id,
                sha256=checked.sha256,
                withdrawn_at__isnull=True,
            )
            if attached_to is None:
                same = same.filter(uploaded_by=actor)
            existing = same.first()
            if existing is not None:
                return existing, False
            now = timezone.now()
            stream = file if hasattr(file, "chunks") else File(file)
            stream.seek(0)
            stored = files.save(f"attachments/{now:%Y}/{secrets.token_urlsafe(24)}", stream)
            attachment = Attachment.objects.create(
                organization=organization,
                owner_type=owner_type,
                owner_id=owner_id,
                original_name=name,
                content_type=checked.kind.content_type,
                size=checked.size,
                sha256=checked.sha256,
                storage_name=stored,
                uploaded_by=actor,
                uploaded_at=now,
            )
            record(
                actor,
                Verb.ATTACHMENT_ADDED,
                attachment,
                after=_snapshot(attachment),
                organization_id=organization.pk,
                ip=ip,
            )
    except BaseException:
        if stored is not None:
            files.delete(stored)
        raise
    return attachment, True


def attach_within(
    actor: Any, owner: models.Model, files: list[IO[bytes]], *, ip: str | None = None
) -> tuple[list[Attachment], list[Attachment]]:
    """Store `files` as attachments of `owner` inside the caller's own transaction: (every attachment,
    those newly stored). For an owner whose service saves the record and its files together (a daily
    check): the caller checked the files first (check_files), holds its owner's lock, and deletes the
    new ones' bytes from storage() if its transaction fails."""
    every, new = [], []
    organization = owner_organization(owner)
    try:
        for file in files:
            attachment, created = _store(actor, file, organization=organization, attached_to=owner, ip=ip)
            every.append(attachment)
            if created:
                new.append(attachment)
    except BaseException:
        for attachment in new:
            storage().delete(attachment.storage_name)
        raise
    return every, new


def owner_organization(owner: models.Model) -> Organization:
    return Organization.objects.get(pk=owner_organization_id(owner))


class FilesRefused(Exception):
    """Some files of an upload are refused; nothing was stored. `problems`: (file name, why) each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {why}" for name, why in problems))
        self.problems = problems


def check_files(files: list[IO[bytes]], *, refused: list[tuple[str, str]] | None = None) -> None:
    """FilesRefused naming every file that would be refused (and those the upload already refused:
    `refused`), or none at all (also when there are more than max_files())."""
    problems = list(refused or [])
    if not files and not problems:
        problems.append(("", _("Choose a file to upload.")))
    too_many = _("At most %(n)d files can be uploaded at a time.") % {"n": max_files()}
    if len(files) > max_files() and ("", too_many) not in problems:
        problems.append(("", too_many))
    for file in files:
        try:
            uploads.check_evidence(file, limits())
        except uploads.UploadError as error:
            problems.append((clean_name(getattr(file, "name", "")), error.message))
    if problems:
        raise FilesRefused(problems)


def attach_to_preparation_item(
    actor: Any,
    item: Any,
    files: list[IO[bytes]],
    *,
    ip: str | None = None,
    refused: list[tuple[str, str]] | None = None,
) -> list[Attachment]:
    """Attach the files to a preparation item (述前准备), all or none: FilesRefused if any is refused,
    ValidationError once the preparation stage is over or the item was withdrawn. Who may is the access
    layer's (the Review's secretary)."""
    from django.core.exceptions import ValidationError

    from shuzhi.cycles.models import PreparationItem

    check_files(files, refused=refused)
    created: list[Attachment] = []
    try:
        with transaction.atomic():
            item = PreparationItem.objects.select_for_update().select_related("review__cycle").get(pk=item.pk)
            closed = owner_closed_message(item)
            if closed:
                raise ValidationError(closed)
            result = []
            for file in files:
                attachment, new = _store(actor, file, organization=item.review.organization, attached_to=item, ip=ip)
                if new:
                    created.append(attachment)
                result.append(attachment)
    except BaseException:
        for attachment in created:
            storage().delete(attachment.storage_name)
        raise
    return result


@transaction.atomic
def withdraw_attachment(actor: Any, attachment: Attachment, *, reason: str = "", ip: str | None = None) -> Attachment:
    """Mark the attachment withdrawn (it stays, with its file, for the record); a no-op when it already is."""
    from django.core.exceptions import ValidationError

    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.withdrawn_at is not None:
        return attachment
    closed = owner_closed_message(attachment.owner)
    if closed:
        raise ValidationError(closed)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": MAX_REASON}})
    before = _snapshot(attachment)
    attachment.withdrawn_at = timezone.now()
    attachment.withdrawn_by = actor
    attachment.withdrawn_reason = reason
    attachment.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    record(
        actor,
        Verb.ATTACHMENT_WITHDRAWN,
        attachment,
        before=before,
        after=_snapshot(attachment),
        organization_id=attachment.organization_id,
        ip=ip,
        note=reason,
    )
    return attachment


def open_attachment(attachment: Attachment) -> File:
    """The stored bytes, opened for reading (the caller streams and closes them)."""
    return storage().open(attachment.storage_name, "rb")


def attachments_of(owner: models.Model) -> QuerySet[Attachment]:
    owner_type, owner_id = _owner_key(owner)
    return Attachment.objects.filter(owner_type=owner_type, owner_id=owner_id)


def set_attachment_lists(owners: list[models.Model]) -> None:
    """Give each owner (all of one model) `attachment_list` (current files) and `withdrawn_attachments`,
    in one query for all of them."""
    for owner in owners:
        owner.attachment_list, owner.withdrawn_attachments = [], []
    if not owners:
        return
    by_id = {owner.pk: owner for owner in owners}
    rows = Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(owners[0]), owner_id__in=list(by_id)
    ).select_related("uploaded_by", "withdrawn_by")
    for attachment in rows.order_by("uploaded_at", "id"):
        owner = by_id[attachment.owner_id]
        (owner.withdrawn_attachments if attachment.is_withdrawn else owner.attachment_list).append(attachment)


def same_evidence_elsewhere(attachment: Attachment) -> QuerySet[Attachment]:
    """Current attachments of other records holding the same bytes (the later stages flag evidence
    offered for two different items)."""
    return (
        Attachment.objects.filter(sha256=attachment.sha256, withdrawn_at__isnull=True)
        .exclude(owner_type=attachment.owner_type, owner_id=attachment.owner_id)
        .exclude(pk=attachment.pk)
    )
