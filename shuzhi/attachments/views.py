"""Evidence files on the pages: a preparation item's files (upload, list), the download, withdrawing.

Every file is looked up through shuzhi.orgs.access (access_attachment / access_preparation_item), so
another organisation's id is a 404. Downloads stream from the storage (FileResponse), always as an
attachment under the original name (RFC 5987 for Chinese names), with the type decided from the content,
nosniff, a sandboxing CSP and no caching: a file is never shown inline as a page of this site.

The upload view reads the request body through EvidenceUploadHandler, which skips a file as soon as it
passes the size limit (nothing more of it is kept, in memory or on disk) and every file past the count
limit. It has to be installed before the body is read, so the view is csrf_exempt on the outside and
csrf_protect inside (Django's documented way): the CSRF check is the same.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from shuzhi.attachments import services
from shuzhi.attachments.models import Attachment
from shuzhi.audit.services import client_ip
from shuzhi.core import uploads
from shuzhi.core.forms import apply_validation_error
from shuzhi.orgs import access

# What the file chooser offers; on a phone "image/*" brings the camera.
ACCEPT = (
    "image/*,.jpg,.jpeg,.png,.webp,.heic,.heif,application/pdf,.pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,.docx,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,.xlsx"
)


class EvidenceUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and skips a file past the size limit or the count limit;
    `refused` names them (file name, why)."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.refused: list[tuple[str, str]] = []
        self.seen = 0
        self.received = 0
        self.too_many = False

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.seen += 1
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # Skipped here, not in new_file: Django then closes the skipped file's own buffers, not the last
        # file received.
        if self.seen > services.max_files():
            if not self.too_many:
                self.refused.append(
                    ("", _("At most %(n)d files can be uploaded at a time.") % {"n": services.max_files()})
                )
            self.too_many = True
            raise SkipFile
        self.received += len(raw_data)
        if self.received > services.max_bytes():
            self.refused.append(
                (services.clean_name(self.file_name), uploads.file_too_large_message(services.limits()))
            )
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def owner_url(owner) -> str:
    """Where a record's files are shown."""
    from shuzhi.assessment.models import Check
    from shuzhi.cycles.models import PreparationItem

    if isinstance(owner, PreparationItem):
        return reverse("cycles:preparation", args=[owner.review_id]) + f"#files-{owner.pk}"
    if isinstance(owner, Check):
        return reverse("assessment:edit" if owner.is_draft else "assessment:check", args=[owner.pk]) + "#files"
    return reverse("core:home")


def _limits_context() -> dict:
    return {"accept": ACCEPT, "max_mb": services.max_bytes() // (1024 * 1024), "max_files": services.max_files()}


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def preparation_item_files(request: HttpRequest, item_id: int) -> HttpResponse:
    handler = EvidenceUploadHandler(request)
    if request.method == "POST":
        request.upload_handlers.insert(0, handler)
    return _preparation_item_files(request, item_id, handler)


@csrf_protect
def _preparation_item_files(request: HttpRequest, item_id: int, handler: EvidenceUploadHandler) -> HttpResponse:
    item = access.access_preparation_item(request.user, item_id)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        access.check_change_attachments_of(request.user, item)
        files = request.FILES.getlist("files")
        try:
            stored = services.attach_to_preparation_item(
                request.user, item, files, ip=client_ip(request), refused=handler.refused
            )
        except services.FilesRefused as refused:
            problems = refused.problems
        except ValidationError as error:
            problems = [("", message) for message in error.messages]
        else:
            messages.success(request, _("%(n)d file(s) uploaded.") % {"n": len(stored)})
            return redirect(owner_url(item))
    services.set_attachment_lists([item])
    can_change = access.can_change_attachments_of(request.user, item)
    closed = services.owner_closed_message(item)
    return render(
        request,
        "attachments/preparation_item.html",
        {
            "item": item,
            "review": item.review,
            "problems": problems,
            "can_edit": can_change and not closed,
            "closed": closed if can_change else "",
            "back_url": owner_url(item),
            **_limits_context(),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = access.access_attachment(request.user, attachment_id)
    response = FileResponse(
        services.open_attachment(attachment),
        as_attachment=True,
        filename=services.download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=services.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment: Attachment = access.access_attachment(request.user, attachment_id)
    access.check_withdraw_attachment(request.user, attachment)
    back = owner_url(attachment.owner) if attachment.owner_type_id else reverse("core:home")
    if attachment.is_withdrawn:
        messages.info(request, _("This file was already withdrawn."))
        return redirect(back)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_attachment(
                request.user, attachment, reason=form.cleaned_data["reason"], ip=client_ip(request)
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("File withdrawn. It stays on record and in the audit log."))
            return redirect(back)
    return render(request, "attachments/withdraw.html", {"attachment": attachment, "form": form, "back_url": back})
