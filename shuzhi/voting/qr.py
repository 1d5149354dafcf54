"""QR codes for the printed ballot cards and the live screen: inline SVG, made on the server.

Inline SVG needs no image request and no inline style, so the pages keep the strict CSP; the size is
set in cards.css (the SVG carries only a viewBox)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Why phones cannot open an address (unreachable_reason).
LOOPBACK = "loopback"  # 127.0.0.0/8, ::1, localhost, *.localhost: on a phone, the phone itself
LINK_LOCAL = "link_local"  # 169.254.0.0/16, fe80::/10: only on one network segment, no DHCP behind it
UNSPECIFIED = "unspecified"  # 0.0.0.0, ::: a listening address, not one to open
BARE_NAME = "bare_name"  # a name without a dot (a computer name): phones' DNS rarely resolves it


def ballot_url(request: HttpRequest, code: str = "") -> str:
    """{PUBLIC_BASE_URL}/v/{code}/ — or the code entry page /v/ when no code is given.

    Without PUBLIC_BASE_URL, the scheme and host of the organiser's own request: right when the
    organiser prints the cards through the same address the voters' phones will use, wrong when the
    organiser works on an internal name the venue's Wi-Fi does not resolve."""
    path = reverse("ballot:form", args=[code]) if code else reverse("ballot:enter")
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def unreachable_reason(url: str) -> str | None:
    """Why a phone on the venue's Wi-Fi or on mobile data cannot open `url`, or None if it may.

    Private LAN addresses (192.168.x.x, 10.x.x.x) and dotted names pass: they work when the phones are
    on the organiser's network, which is the common case. What never works from a phone is refused: a
    loopback or unspecified address, a link-local one, and a bare computer name (no dot), which the
    venue's DNS does not know. Pure: no request, no settings."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return BARE_NAME
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return LOOPBACK
        return None if "." in host else BARE_NAME
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    if address.is_loopback:
        return LOOPBACK
    if address.is_unspecified:
        return UNSPECIFIED
    if address.is_link_local:
        return LINK_LOCAL
    return None


@dataclass(frozen=True)
class AddressWarning:
    """What the cards page and the live screen say when the ballot address is one phones cannot open."""

    url: str
    problem: str  # why phones cannot open it
    fix: str  # what to do about it
    configured: bool  # the address comes from PUBLIC_BASE_URL, not from the organiser's own request


def address_warning(url: str) -> AddressWarning | None:
    """The warning for the ballot address `url` (from ballot_url), or None when phones may open it."""
    reason = unreachable_reason(url)
    if reason is None:
        return None
    host = urlsplit(url).hostname or url
    problems = {
        LOOPBACK: _(
            "%(host)s is this computer's own address (loopback): on a phone it means the phone "
            "itself, so scanning a card opens nothing."
        ),
        LINK_LOCAL: _(
            "%(host)s is a link-local address: phones on the venue's Wi-Fi or on mobile data cannot reach it."
        ),
        UNSPECIFIED: _("%(host)s is not an address anyone can open."),
        BARE_NAME: _(
            "%(host)s is a computer name without a domain: phones on the venue's Wi-Fi or on "
            "mobile data cannot find it."
        ),
    }
    configured = bool(settings.PUBLIC_BASE_URL)
    if configured:
        fix = _(
            "It comes from the server setting PUBLIC_BASE_URL (%(setting)s). Ask the administrator to set "
            "PUBLIC_BASE_URL to the address phones open this system at, for example "
            "https://vote.example.edu.cn or http://192.168.1.20:8000, then open this page again."
        ) % {"setting": settings.PUBLIC_BASE_URL}
    else:
        fix = _(
            "It is the address this page was opened at. Either ask the administrator to set PUBLIC_BASE_URL "
            "on the server to the address phones open this system at (for example "
            "https://vote.example.edu.cn or http://192.168.1.20:8000), or open this system by the "
            "computer's LAN address (for example http://192.168.1.20:8000; the server must listen on it "
            "and allow it in ALLOWED_HOSTS), then open this page again."
        )
    return AddressWarning(url=url, problem=problems[reason] % {"host": host}, fix=fix, configured=configured)


def qr_svg(text: str, *, css_class: str = "qr") -> SafeString:
    """An inline <svg> of `text` as a QR code (error correction M, quiet zone of 2 modules).

    Safe to mark safe: segno writes only its own path data and the class given here."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=1, border=2, omitsize=True, svgclass=css_class)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user text in it
