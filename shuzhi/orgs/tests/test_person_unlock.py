"""Lifting an account's login locks from the people pages: the org dept only, audited."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from conftest import PASSWORD, PHONE
from shuzhi.accounts.models import LoginThrottle
from shuzhi.audit.models import AuditEvent


def lock_out(client, username: str, address: str = "10.7.7.7") -> None:
    """A stranger's wrong passwords from `address`, enough to lock `username` there."""
    for _ in range(5):
        client.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_org_dept_sees_the_lock_and_lifts_it_which_is_audited(college, client, client_for):
    lock_out(client, "90005")
    person = college.branch_a1_secretary.person
    org_dept = client_for(college.org_dept)
    assert "登录已锁定" in org_dept.get("/orgs/people/").content.decode()
    page = org_dept.get(f"/orgs/people/{person.pk}/").content.decode()
    assert "10.7.7.7" in page and "解除登录锁定" in page

    response = org_dept.post(f"/orgs/people/{person.pk}/unlock/", follow=True)
    assert "已解除登录锁定" in response.content.decode()
    assert not LoginThrottle.objects.filter(username="90005").exists()
    event = AuditEvent.objects.get(action="unlocked")
    assert event.actor == college.org_dept and event.object_id == str(college.branch_a1_secretary.pk)
    assert event.note == "10.7.7.7"
    org_dept.logout()
    signed_in = client.post("/accounts/login/", {"username": "90005", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    assert signed_in.status_code == 302


def test_lifting_when_nothing_is_locked_says_so_and_records_nothing(college, client_for):
    person = college.branch_a1_secretary.person
    response = client_for(college.org_dept).post(f"/orgs/people/{person.pk}/unlock/", follow=True)
    assert "没有登录锁定" in response.content.decode()
    assert not AuditEvent.objects.filter(action="unlocked").exists()


def test_an_expired_lock_is_neither_shown_nor_recorded_as_lifted(college, client, client_for):
    from django.utils import timezone

    lock_out(client, "90005")
    LoginThrottle.objects.update(locked_until=timezone.now())
    person = college.branch_a1_secretary.person
    org_dept = client_for(college.org_dept)
    assert "解除登录锁定" not in org_dept.get(f"/orgs/people/{person.pk}/").content.decode()
    org_dept.post(f"/orgs/people/{person.pk}/unlock/")
    assert not AuditEvent.objects.filter(action="unlocked").exists()


def test_unlock_by_get_is_refused_and_an_unknown_person_is_missing(college, client_for):
    client = client_for(college.org_dept)
    assert client.get(f"/orgs/people/{college.branch_a1_secretary.person.pk}/unlock/").status_code == 405
    assert client.post("/orgs/people/999999/unlock/").status_code == 404
    assert client.post("/orgs/people/abc/unlock/").status_code == 404


def test_the_committee_member_sees_people_but_cannot_lift_a_lock(college, client, client_for):
    lock_out(client, "90005")
    person = college.branch_a1_secretary.person
    member = client_for(college.committee_member)
    page = member.get(f"/orgs/people/{person.pk}/").content.decode()
    assert "10.7.7.7" not in page and "解除登录锁定" not in page
    assert member.post(f"/orgs/people/{person.pk}/unlock/").status_code == 403
    assert LoginThrottle.objects.filter(username="90005", locked_until__isnull=False).exists()


def test_another_organisations_secretary_cannot_even_find_the_person(college, client, client_for):
    lock_out(client, "90005")
    person = college.branch_a1_secretary.person
    assert client_for(college.branch_b1_secretary).post(f"/orgs/people/{person.pk}/unlock/").status_code == 404
    assert LoginThrottle.objects.filter(username="90005", locked_until__isnull=False).exists()


@pytest.mark.browser
@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_locked_out_secretary_is_let_back_in_by_the_org_dept_in_the_browser(college, browser, live_server, page_for):
    owner = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url).new_page()
    try:
        for password in ("wrong-1", "wrong-2", "wrong-3", PASSWORD):  # a stranger's guesses, then the owner
            owner.goto("/accounts/login/")
            owner.fill("input[name=username]", "90005")
            owner.fill("input[name=password]", password)
            owner.click("button[type=submit]")
        expect(owner.locator("main")).to_contain_text("请党委组织统战部解除锁定")

        page = page_for(college.org_dept, PHONE)
        page.goto("/orgs/people/")
        row = page.locator("tr", has_text="支书甲一")
        expect(row.locator(".badge.locked")).to_have_text("登录已锁定")
        row.get_by_role("link", name="支书甲一").click()
        expect(page.locator("#login-locks")).to_contain_text("127.0.0.1")
        page.screenshot(path="test-artifacts/unlock-phone.png", full_page=True)
        page.get_by_role("button", name="解除登录锁定").click()
        expect(page.locator(".messages")).to_contain_text("已解除登录锁定")
        expect(page.locator("#login-locks")).to_have_count(0)

        owner.fill("input[name=username]", "90005")
        owner.fill("input[name=password]", PASSWORD)
        owner.click("button[type=submit]")
        owner.wait_for_url(live_server.url + "/")
    finally:
        owner.context.close()
    assert AuditEvent.objects.filter(action="unlocked", actor=college.org_dept).count() == 1
