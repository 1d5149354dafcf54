"""QR codes for the printed ballot cards and the live screen: inline SVG, made on the server.

Inline SVG needs no image request and no inline style, so the pages keep the strict CSP; the size is
set in cards.css (the SVG carries only a viewBox)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def ballot_url(request: HttpRequest, code: str = "") -> str:
    """{PUBLIC_BASE_URL}/v/{code}/ — or the code entry page /v/ when no code is given.

    Without PUBLIC_BASE_URL, the scheme and host of the organiser's own request: right when the
    organiser prints the cards through the same address the voters' phones will use, wrong when the
    organiser works on an internal name the venue's Wi-Fi does not resolve."""
    path = reverse("ballot:form", args=[code]) if code else reverse("ballot:enter")
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def qr_svg(text: str, *, css_class: str = "qr") -> SafeString:
    """An inline <svg> of `text` as a QR code (error correction M, quiet zone of 2 modules).

    Safe to mark safe: segno writes only its own path data and the class given here."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=1, border=2, omitsize=True, svgclass=css_class)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user text in it
