"""The 400, 403, 404, 500 and CSRF failure pages: the site's layout, Chinese, what to do, a way back.

With DEBUG off, as in production, and an English browser: the pages are Chinese regardless."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import path

from shuzhi.core import errors
from shuzhi.core.tests.test_pages_in_chinese import ENGLISH_BROWSER, english_in
from shuzhi.urls import *  # noqa: F403 - the project's URLs and its error handlers, plus the views below
from shuzhi.urls import urlpatterns as project_urlpatterns


def _raise_database_error(request):
    raise OperationalError("could not connect to server")


def _raise_suspicious(request):
    raise SuspiciousOperation("tampered")


urlpatterns = [path("boom/", _raise_database_error), path("suspicious/", _raise_suspicious), *project_urlpatterns]
THIS_URLCONF = __name__


def broken_context_processor(request):
    raise OperationalError("the navigation cannot read the database")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def page(response) -> str:
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert english_in(html) == []
    return html


def test_unknown_address_is_a_chinese_404_with_the_navigation_and_a_way_home(college, client_for):
    response = client_for(college.org_dept).get("/no-such-page/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    html = page(response)
    assert "<title>页面不存在 · " in html and "没有这个页面，或者您的账号无权查看。" in html
    assert 'class="mainnav"' in html and 'link rel="stylesheet"' in html
    assert 'id="error-home"' in html and "返回首页" in html


def test_an_organisation_outside_ones_scope_is_the_same_404(college, client_for):
    response = client_for(college.direct_secretary).get(f"/orgs/{college.branch_a1.pk}/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    assert "页面不存在" in page(response)


def test_the_404_offers_the_previous_page_when_the_browser_names_it(college, client_for):
    response = client_for(college.org_dept).get("/no-such-page/", HTTP_REFERER="http://testserver/orgs/")
    assert 'href="http://testserver/orgs/" id="error-back"' in page(response)


def test_a_previous_page_on_another_site_is_not_offered(college, client_for):
    response = client_for(college.org_dept).get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")
    html = page(response)
    assert "evil.example" not in html and 'id="error-back"' not in html


def test_an_anonymous_visitor_is_offered_the_login(client, db):
    response = client.get("/cycles/no/such/page/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    html = page(response)
    assert 'href="/accounts/login/" id="error-home"' in html and "登录" in html


def test_a_voter_on_a_wrong_ballot_address_is_offered_the_code_entry(client, db):
    response = client.get("/v/no/such/page/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    html = page(response)
    assert 'href="/v/" id="error-home"' in html and "重新输入测评码" in html and "登录" not in html


def test_a_refused_change_is_a_chinese_403(college, client_for):
    response = client_for(college.committee_member).get("/orgs/new/", **ENGLISH_BROWSER)
    assert response.status_code == 403
    html = page(response)
    assert "无权访问或操作" in html and "党委组织统战部" in html and 'id="error-home"' in html


def test_a_forged_host_header_is_a_chinese_400_without_the_users_context(college, client_for):
    response = client_for(college.org_dept).get("/", HTTP_HOST="evil.example", **ENGLISH_BROWSER)
    assert response.status_code == 400
    html = page(response)
    assert "无法处理此请求" in html
    assert 'class="mainnav"' not in html  # nothing read from a request that cannot be trusted


@pytest.mark.urls(THIS_URLCONF)
def test_a_suspicious_request_is_a_chinese_400(college, client_for):
    response = client_for(college.org_dept).get("/suspicious/", **ENGLISH_BROWSER)
    assert response.status_code == 400
    assert "请返回上一页，刷新后重试" in page(response)


@pytest.mark.urls(THIS_URLCONF)
def test_a_server_error_is_a_chinese_500_with_the_time_and_a_way_back(college, client_for):
    client = client_for(college.org_dept)
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_REFERER="http://testserver/orgs/", **ENGLISH_BROWSER)
    assert response.status_code == 500
    html = page(response)
    assert "<title>系统出错了 · " in html and "出错时间：" in html and "党委组织统战部" in html
    assert 'id="error-back"' in html and 'id="error-home"' in html and 'link rel="stylesheet"' in html
    assert 'class="mainnav"' not in html  # rendered without the request: the database may be what failed


@pytest.mark.urls(THIS_URLCONF)
def test_the_500_page_needs_no_context_processor(college, client_for, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    f"{__name__}.broken_context_processor",
                ]
            },
        }
    ]
    client = client_for(college.org_dept)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "系统出错了" in page(response)


@pytest.mark.urls(THIS_URLCONF)
def test_the_500_page_falls_back_to_a_fixed_page_when_its_template_fails(college, client_for, monkeypatch):
    def no_template(name):
        raise OSError("template directory unreadable")

    monkeypatch.setattr(errors.loader, "get_template", no_template)
    client = client_for(college.org_dept)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert response.content.decode() == errors.FALLBACK_500
    assert english_in(errors.FALLBACK_500) == []


def test_a_404_still_renders_when_the_navigation_fails(college, client_for, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    f"{__name__}.broken_context_processor",
                ]
            },
        }
    ]
    client = client_for(college.org_dept)
    client.raise_request_exception = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "页面不存在" in html and 'class="mainnav"' not in html


def test_an_expired_form_is_a_chinese_403_saying_to_reload(college):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.org_dept)
    response = client.post(
        "/orgs/new/", {"name": "丙学院党总支"}, HTTP_REFERER="http://testserver/orgs/new/", **ENGLISH_BROWSER
    )
    assert response.status_code == 403
    html = page(response)
    assert "<title>页面已过期 · " in html and "请刷新页面后重新提交" in html
    assert 'href="http://testserver/orgs/new/" id="error-reload"' in html  # the page the form was on


def test_an_expired_login_form_says_to_reload_and_offers_the_login_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "90001", "password": "x"}, **ENGLISH_BROWSER)
    assert response.status_code == 403
    html = page(response)
    assert "页面已过期" in html and 'href="/accounts/login/" id="error-reload"' in html
