"""The Excel import page and its template download. Thin: the work is in the shuzhi.orgs.importing package."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from shuzhi.audit.services import client_ip
from shuzhi.orgs import access, importing

# How many problems the page lists; the total is always shown.
MAX_PROBLEMS_SHOWN = 200


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose the Excel file to import."),
        },
        widget=forms.FileInput(attrs={"accept": f".xlsx,{importing.XLSX_CONTENT_TYPE}"}),
    )
    initial_password = forms.CharField(
        label=gettext_lazy("Initial password for new accounts"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Used for the logins this import creates (user name = staff number); they must "
            "change it when they first log in. Existing logins are not changed."
        ),
        error_messages={"required": gettext_lazy("Enter the initial password for new accounts.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Fill in the downloaded template. At most %(rows)d data rows and %(mb)d MB."
        ) % {"rows": importing.MAX_DATA_ROWS, "mb": importing.MAX_UPLOAD_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(importing.file_too_large_message())
        return upload

    def clean_initial_password(self) -> str:
        password = self.cleaned_data["initial_password"]
        validate_password(password)
        return password


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: import the file, then show the form again with either the summary
    or the problems (first MAX_PROBLEMS_SHOWN, with the total). Managers only (403 otherwise)."""
    access.check_manage(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result: importing.ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importing.run_import(
            request.user,
            upload,
            file_name=upload.name or "",
            ip=client_ip(request),
            initial_password=form.cleaned_data["initial_password"],
        )
        if result.file_error:
            form.add_error("file", result.file_error)
    problems = result.problems if result else []
    return render(
        request,
        "orgs/import.html",
        {
            "form": form,
            "summary": result.summary if result else None,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "problem_count": len(problems),
        },
    )


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    """The blank .xlsx import template. Managers only (403 otherwise)."""
    access.check_manage(request.user)
    response = HttpResponse(importing.build_template(), content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, importing.TEMPLATE_FILE_NAME)
    response["Cache-Control"] = "no-store"
    return response
