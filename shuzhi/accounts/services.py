"""Logging in and out, with failed logins throttled per network address (never account-wide), and
password changes; all audited."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.accounts.models import LoginThrottle, ThrottleScope
from shuzhi.audit.services import client_ip, record
from shuzhi.audit.verbs import Verb


class LoginRefused(Exception):
    """Raised with the Chinese message to show; never says whether the username exists."""


# --- Throttling failed logins -------------------------------------------------------------------
#
# Wrong passwords are counted twice: per (login name, client network) and per client network.
# LOGIN_MAX_FAILURES wrong passwords for one name from one network within LOGIN_LOCKOUT_MINUTES lock that
# name there, and only there, for LOGIN_LOCKOUT_MINUTES; LOGIN_NETWORK_MAX_FAILURES wrong passwords from
# one network (any names) within LOGIN_NETWORK_LOCKOUT_MINUTES lock every login from it for as long.
# There is no account-wide lock: a stranger's guesses would then lock the owner out from everywhere —
# the org dept on the day of its meeting. The owner, from their own computer, is never held up by
# someone else's wrong passwords; the org dept can lift a name's locks from the person's page
# (unlock_login). An IPv6 client counts by its /64 network, which one machine can fill with addresses.
# While locked, even the right password is refused (else guessing would go on and only the answer
# would change). Unknown names are counted and locked like existing ones: the answers give nothing away.
# A loopback or unknown address gets no network lock: that is what a server sees for every client when a
# proxy on the same machine runs without BEHIND_PROXY, and one such lock would shut everyone out.


def client_network(ip: str | None) -> str:
    """The key a client's failures are counted under: its IPv4 address, or its IPv6 /64 network."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _limits(scope: str) -> tuple[int, datetime.timedelta]:
    """(failures that lock, the window they are counted in, which is also how long the lock lasts)."""
    if scope == ThrottleScope.NETWORK:
        return settings.LOGIN_NETWORK_MAX_FAILURES, datetime.timedelta(minutes=settings.LOGIN_NETWORK_LOCKOUT_MINUTES)
    return settings.LOGIN_MAX_FAILURES, datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _minutes_left(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


def _standing_lock(username: str, network: str, now: datetime.datetime) -> LoginThrottle | None:
    """The lock in force for this attempt, the network's first (it holds every name)."""
    locks = LoginThrottle.objects.filter(locked_until__gt=now).filter(
        Q(scope=ThrottleScope.NETWORK, username="", network=network)
        | Q(scope=ThrottleScope.NAME_AT_NETWORK, username=username, network=network)
    )
    return min(locks, key=lambda lock: lock.scope != ThrottleScope.NETWORK, default=None)


def _refusal(lock: LoginThrottle, now: datetime.datetime) -> LoginRefused:
    minutes = _minutes_left(lock.locked_until, now)
    if lock.scope == ThrottleScope.NETWORK:
        return LoginRefused(
            _(
                "Too many failed sign-ins from this computer's network address: signing in from here is paused "
                "for %(minutes)d minutes. Try again later, or from another network."
            )
            % {"minutes": minutes}
        )
    return LoginRefused(
        _(
            "Too many wrong passwords for this staff number from this computer's network address: signing in "
            "with it from here is paused for %(minutes)d minutes. Sign in from another computer, or ask the "
            "organisation department to lift the lock."
        )
        % {"minutes": minutes}
    )


def _count_failure(scope: str, username: str, network: str, now: datetime.datetime) -> LoginThrottle | None:
    """Count one failure under (scope, username, network); the throttle row if this one locked it."""
    limit, window = _limits(scope)
    row, _created = LoginThrottle.objects.get_or_create(
        scope=scope, username=username, network=network, defaults={"window_started_at": now}
    )
    row = LoginThrottle.objects.select_for_update().get(pk=row.pk)
    if row.window_started_at <= now - window or (row.locked_until and row.locked_until <= now):
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    locked = row.failures >= limit
    if locked:
        row.failures, row.locked_until = 0, now + window
    row.save()
    return row if locked else None


def log_in(request: HttpRequest, username: str, password: str):
    """Authenticate and start a session, or raise LoginRefused. Throttled as described above."""
    username = (username or "").strip()[:150]
    ip = client_ip(request)
    network = client_network(ip)
    now = timezone.now()
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    lock = _standing_lock(username, network, now)
    if lock is not None:
        record(username, Verb.LOGIN_FAILED, user, object_repr=username, ip=ip, note=_("locked at this network address"))
        raise _refusal(lock, now)
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        # Record the failure (and the lock) first; raising inside atomic() would roll them back.
        lock = _record_failure(user, username, ip, network, now)
        if lock is not None:
            raise _refusal(lock, now)
        raise LoginRefused(_("Wrong staff number or password."))
    with transaction.atomic():
        LoginThrottle.objects.filter(scope=ThrottleScope.NAME_AT_NETWORK, username=username, network=network).delete()
        login(request, authenticated)
        record(authenticated, Verb.LOGIN, authenticated, ip=ip)
    return authenticated


@transaction.atomic
def _record_failure(user, username: str, ip: str | None, network: str, now: datetime.datetime):
    """Count a failed attempt for the name at the network and for the network; the lock it led to."""
    record(username, Verb.LOGIN_FAILED, user, object_repr=username, ip=ip)
    network_lock = None
    if network and not ipaddress.ip_network(network).is_loopback:
        network_lock = _count_failure(ThrottleScope.NETWORK, "", network, now)
    name_lock = _count_failure(ThrottleScope.NAME_AT_NETWORK, username, network, now)
    if name_lock is not None:
        record(username, Verb.LOCKED, user, object_repr=username, ip=ip, note=_("locked at this network address"))
    if network_lock is not None:
        record(
            username,
            Verb.NETWORK_LOCKED,
            None,
            object_repr=network or "—",
            ip=ip,
            note=_("every login from this network address locked"),
        )
    return network_lock or name_lock


@dataclass(frozen=True)
class LoginLock:
    network: str
    until: datetime.datetime


def login_locks(user) -> list[LoginLock]:
    """The locks in force on the account's login name, one per network, soonest end first."""
    rows = LoginThrottle.objects.filter(
        scope=ThrottleScope.NAME_AT_NETWORK, username=user.get_username(), locked_until__gt=timezone.now()
    ).order_by("locked_until")
    return [LoginLock(row.network, row.locked_until) for row in rows]


def locked_user_ids(user_ids: list[int]) -> set[int]:
    """Which of these accounts have a login lock in force (at some network): one query."""
    User = get_user_model()
    locked_names = LoginThrottle.objects.filter(
        scope=ThrottleScope.NAME_AT_NETWORK, locked_until__gt=timezone.now()
    ).values("username")
    return set(User.objects.filter(pk__in=user_ids, username__in=locked_names).values_list("pk", flat=True))


@transaction.atomic
def unlock_login(actor, user, *, ip: str | None = None) -> int:
    """Lift every lock on the account's login name (the failure counts too) and audit it; returns how
    many locks were in force. Nothing to lift: no change, no record. Access is the caller's job (the
    org dept: shuzhi.orgs.access.access_person(..., manage=True)). Network locks are left alone:
    they hold every name at a network, and lifting them would hand the guesser fresh tries."""
    rows = LoginThrottle.objects.select_for_update().filter(
        scope=ThrottleScope.NAME_AT_NETWORK, username=user.get_username()
    )
    locks = [row for row in rows if row.locked_until and row.locked_until > timezone.now()]
    rows.delete()
    if locks:
        # The note names the client addresses the locks held (data, not words: no translation).
        record(
            actor,
            Verb.UNLOCKED,
            user,
            object_repr=str(getattr(user, "person", None) or user),
            ip=ip,
            note="、".join(row.network or "—" for row in locks),
        )
    return len(locks)


def forget_login_failures(user) -> None:
    """Drop the account's failure counts and locks (its password was just reset); the caller audits."""
    LoginThrottle.objects.filter(scope=ThrottleScope.NAME_AT_NETWORK, username=user.get_username()).delete()


def log_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record(user, Verb.LOGOUT, user, ip=client_ip(request))
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
    record(user, Verb.PASSWORD_CHANGED, user, ip=client_ip(request))
