"""Logging in and out, with lock-out after repeated failures, and password changes; all audited."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.models import AuditAction
from shuzhi.audit.services import client_ip, record


class LoginRefused(Exception):
    """Raised with the Chinese message to show; never says whether the username exists."""


def _lockout() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def log_in(request: HttpRequest, username: str, password: str):
    """Authenticate and start a session, or raise LoginRefused.

    After LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for
    LOGIN_LOCKOUT_MINUTES; while locked even the right password is refused."""
    User = get_user_model()
    username = (username or "").strip()
    ip = client_ip(request)
    now = timezone.now()
    user = User.objects.filter(username=username).first()
    if user is not None and user.locked_until and user.locked_until > now:
        record(username, AuditAction.LOGIN_FAILED, user, object_repr=username, ip=ip, note=_("account locked"))
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(_("Too many failed attempts: this account is locked for %(minutes)d more minutes.") % {
            "minutes": minutes})
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        # Record the failure (and the lock) first; raising inside atomic() would roll them back.
        locked = _record_failure(user, username, ip, now)
        if locked:
            raise LoginRefused(_(
                "Too many failed attempts: this account is locked for %(minutes)d minutes."
            ) % {"minutes": settings.LOGIN_LOCKOUT_MINUTES})
        raise LoginRefused(_("Wrong staff number or password."))
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(failed_login_count=0, locked_until=None)
        login(request, authenticated)
        record(authenticated, AuditAction.LOGIN, authenticated, ip=ip)
    return authenticated


@transaction.atomic
def _record_failure(user, username: str, ip: str | None, now: datetime.datetime) -> bool:
    """Count a failed attempt; lock the account when it reaches the limit. Returns whether it locked."""
    User = get_user_model()
    if user is None:
        record(username[:150], AuditAction.LOGIN_FAILED, None, object_repr=username[:150], ip=ip)
        return False
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    record(username, AuditAction.LOGIN_FAILED, user, object_repr=username, ip=ip)
    if user.failed_login_count < settings.LOGIN_MAX_FAILURES:
        return False
    User.objects.filter(pk=user.pk).update(locked_until=now + _lockout(), failed_login_count=0)
    record(username, AuditAction.LOCKED, user, object_repr=username, ip=ip)
    return True


def log_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record(user, AuditAction.LOGOUT, user, ip=client_ip(request))
    logout(request)


@transaction.atomic
def change_password(request: HttpRequest, old_password: str, new_password: str) -> None:
    """Change the logged-in user's own password; raises ValidationError with Chinese messages."""
    from django.core.exceptions import ValidationError

    user = request.user
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password1": _("Choose a password different from the current one.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    update_session_auth_hash(request, user)
    record(user, AuditAction.PASSWORD_CHANGE, user, ip=client_ip(request))
