"""The error pages in chromium, phone-sized, from an English browser: laid out like the site, Chinese, and
the way back works."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, PHONE

pytestmark = pytest.mark.browser
ARTIFACTS = "test-artifacts"
ACCENT = "rgb(183, 28, 28)"  # the top bar's red (app.css --accent)


@pytest.fixture
def english_phone(browser, live_server, college):
    """A phone whose browser asks for English, logged in as the org dept."""
    context = browser.new_context(viewport=PHONE, locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", college.org_dept.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    yield page
    context.close()


def test_a_missing_page_on_a_phone_is_chinese_and_leads_back(english_phone, live_server):
    page = english_phone
    page.goto("/orgs/no-such-organisation/", referer=live_server.url + "/orgs/people/")
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page).to_have_title("页面不存在 · 基层党组织书记抓党建述职评议考核系统")
    expect(page.locator(".topbar")).to_have_css("background-color", ACCENT)
    page.screenshot(path=f"{ARTIFACTS}/error-404-phone.png", full_page=True)
    page.get_by_role("link", name="返回上一页").click()
    page.wait_for_url(live_server.url + "/orgs/people/")
    expect(page.locator("h1")).to_contain_text("人员")


@pytest.mark.urls("shuzhi.core.tests.test_error_pages")
def test_a_server_error_on_a_phone_is_chinese_and_leads_home(english_phone, live_server):
    page = english_phone
    response = page.goto("/boom/")
    assert response.status == 500
    expect(page.locator("h1")).to_have_text("系统出错了")
    expect(page.locator("#error-page")).to_contain_text("出错时间：")
    expect(page.locator(".topbar")).to_have_css("background-color", ACCENT)
    page.screenshot(path=f"{ARTIFACTS}/error-500-phone.png", full_page=True)
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("您好")
