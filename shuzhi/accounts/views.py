from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuzhi.accounts import services
from shuzhi.accounts.forms import LoginForm, PasswordChangeForm
from shuzhi.core.forms import apply_validation_error


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.log_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except services.LoginRefused as refused:
            error = str(refused)
        else:
            if user.must_change_password:
                return redirect("accounts:password_change")
            return redirect(next_url or "core:home")
    return render(
        request, "accounts/login.html", {"form": form, "error": error, "next": next_url}, status=400 if error else 200
    )


@require_POST
def logout_view(request):
    services.log_out(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request, form.cleaned_data["old_password"], form.cleaned_data["new_password1"])
        except ValidationError as error:
            apply_validation_error(form, error, default_field="new_password1")
        else:
            messages.success(request, _("Your password has been changed."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})
