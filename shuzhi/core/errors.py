"""The error pages: 400, 403, 404, 500 and the CSRF failure, in the site's layout and in Chinese.

Each says what happened and what to do, and offers a way back: the page the user came from (when the
browser sent it and it is on this site) and the home page.

- 403, 404 and the CSRF failure are rendered with the request, so the navigation shows; if that fails
  (the navigation reads the database), they are rendered again without it.
- 400 and 500 never use the request's context: a 400 may mean the request itself is untrustworthy (a
  forged Host header, a tampered session), and a 500 may mean the database is down. If even that
  rendering fails, server_error answers with a fixed page that needs nothing but this module.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

TEMPLATE = "errors/error.html"

# The last resort when the 500 template cannot be rendered (a missing static manifest, a broken
# template or catalogue): plain HTML with no template, no translation and no static file.
FALLBACK_500 = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>系统出错了 · 基层党组织书记抓党建述职评议考核系统</title></head>
<body><h1>系统出错了</h1>
<p>系统在处理您的操作时出错，这次操作可能没有完成。请返回上一页，刷新后确认是否已保存，再重试。</p>
<p>如果反复出现，请联系党委组织统战部，并告知出错的时间。</p>
<p><a href="/">返回首页</a></p></body></html>"""


def _came_from(request: HttpRequest, *, same_page: bool = False) -> str:
    """The page the user came from, if the browser said so and it is on this site; not the failing
    address itself unless same_page (a form that posts to its own address is the page to reload)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a disallowed Host header is one reason for a 400
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    if not same_page and urlsplit(referer).path == request.path:
        return ""
    return referer


def _page(request: HttpRequest, status: int, context: dict, *, with_request: bool) -> HttpResponse:
    context = {"status": status, "back_url": "" if "reload_url" in context else _came_from(request), **context}
    if with_request:
        try:
            return render(request, TEMPLATE, context, status=status)
        except Exception:  # noqa: BLE001 - e.g. the navigation cannot read the database
            logger.exception("error page %s could not be rendered with the request's context", status)
    return HttpResponse(loader.get_template(TEMPLATE).render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        {
            "title": _("The request could not be understood"),
            "message": _(
                "The address may be damaged or incomplete, or the form was sent in a way the system cannot read."
            ),
            "advice": _("Go back, reload the page and try again. If you typed the address, check it."),
        },
        with_request=False,
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        {
            "title": _("You may not do this"),
            "message": _(
                "Your account may not open this page or make this change: it belongs to another role "
                "or another organisation, or this stage of the review is over."
            ),
            "advice": _(
                "If you think your account should be allowed, ask the organisation department "
                "(党委组织统战部) to check your positions."
            ),
        },
        with_request=True,
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        {
            "title": _("Page not found"),
            "message": _("There is no such page, or it is not open to your account."),
            "advice": _(
                "Check the address, or go back and follow a link. A link from an old message may point to "
                "something that has since been removed."
            ),
            # A voter (no login) is sent back to typing the code on the card, not to the staff's login.
            "ballot_url": reverse("ballot:enter") if request.path.startswith(reverse("ballot:enter")) else "",
        },
        with_request=True,
    )


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form's page was open too long, the user logged in or out in another tab,
    or the browser keeps no cookies. The reason Django gives is for the log, not for the user."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _page(
        request,
        403,
        {
            "title": _("This page has expired"),
            "message": _(
                "The page was open for a long time, or you logged in or out in another tab, so what you "
                "sent could not be accepted. Nothing was saved."
            ),
            "advice": _(
                "Reload the page and send it again. If this keeps happening, allow cookies for this site "
                "in your browser, or open the link in the phone's own browser."
            ),
            "reload_url": _came_from(request, same_page=True) or request.path,
        },
        with_request=True,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    context = {
        "status": 500,
        "back_url": _came_from(request),
        "title": _("Something went wrong"),
        "message": _("The system hit an error while handling your request, so it may not have been completed."),
        "advice": _(
            "Go back, reload the page and check whether your change was saved before trying again. If "
            "it keeps happening, tell the organisation department (党委组织统战部) the time below."
        ),
        "failed_at": timezone.localtime(),
    }
    try:
        return HttpResponse(loader.get_template(TEMPLATE).render(context), status=500)
    except Exception:  # noqa: BLE001 - whatever broke, the user still gets a page
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(FALLBACK_500, status=500)
