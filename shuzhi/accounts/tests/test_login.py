"""Logging in and out: audit records, throttling per network address, forced password change, session expiry."""

import datetime

from django.test import override_settings
from django.utils import timezone

from conftest import PASSWORD
from shuzhi.accounts.models import LoginThrottle
from shuzhi.audit.models import AuditEvent


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_succeeds_and_is_audited(college, client):
    response = login(client, "90005", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.latest("id")
    assert event.action == "login" and event.actor == college.branch_a1_secretary


def test_wrong_password_is_refused_in_chinese_and_audited(college, client):
    response = login(client, "90005", "wrong")
    assert response.status_code == 400
    assert "工号或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", object_repr__contains="90005").exists()


def test_unknown_user_gets_the_same_message(college, client):
    response = login(client, "nobody", "wrong")
    assert "工号或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor_name="nobody").exists()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account_at_that_address_even_for_the_right_password(college, client):
    for _ in range(3):
        login(client, "90005", "wrong")
    response = login(client, "90005", PASSWORD)
    assert response.status_code == 400
    assert "暂停" in response.content.decode() and "15 分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked").count() == 1
    lock = LoginThrottle.objects.get(scope="name_at_network", username="90005")
    assert lock.network == "127.0.0.1" and lock.locked_until > timezone.now()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_a_strangers_failures_do_not_lock_the_owner_out_from_their_own_computer(college, client):
    for _ in range(10):
        login(client, "90001", "wrong", REMOTE_ADDR="10.9.9.9")
    assert login(client, "90001", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 400  # locked there
    response = login(client, "90001", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302, response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_unknown_staff_numbers_lock_the_same_way_so_nothing_is_given_away(college, client):
    answers = {}
    for name in ("90005", "no-such-number"):
        replies = [login(client, name, "wrong").content.decode() for _ in range(4)]
        answers[name] = ["暂停" in reply for reply in replies]
    assert answers["90005"] == answers["no-such-number"] == [False, False, True, True]


@override_settings(LOGIN_NETWORK_MAX_FAILURES=6, LOGIN_NETWORK_LOCKOUT_MINUTES=60, LOGIN_MAX_FAILURES=5)
def test_many_failures_from_one_address_lock_every_login_from_it_for_longer(college, client):
    for name in ("90002", "90003", "90004", "90005", "90006", "90007"):
        login(client, name, "wrong", REMOTE_ADDR="10.2.2.2")
    response = login(client, "90001", PASSWORD, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 400 and "60 分钟" in response.content.decode()
    assert login(client, "90001", PASSWORD, REMOTE_ADDR="10.3.3.3").status_code == 302


@override_settings(LOGIN_NETWORK_MAX_FAILURES=3, LOGIN_MAX_FAILURES=100)
def test_a_loopback_address_gets_no_network_lock_since_a_local_proxy_would_share_it(college, client):
    for name in ("90002", "90003", "90004", "90006"):
        login(client, name, "wrong", REMOTE_ADDR="127.0.0.1")
    assert login(client, "90005", PASSWORD, REMOTE_ADDR="127.0.0.1").status_code == 302
    assert not LoginThrottle.objects.filter(scope="network").exists()


@override_settings(LOGIN_NETWORK_MAX_FAILURES=3, LOGIN_MAX_FAILURES=100)
def test_an_ipv6_client_counts_by_its_64_network(college, client):
    for host in ("2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:ffff::c"):
        login(client, "90005", "wrong", REMOTE_ADDR=host)
    assert login(client, "90005", PASSWORD, REMOTE_ADDR="2001:db8:1:2::d").status_code == 400
    assert login(client, "90005", PASSWORD, REMOTE_ADDR="2001:db8:1:3::d").status_code == 302


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_lock_expires(college, client):
    for _ in range(3):
        login(client, "90005", "wrong")
    LoginThrottle.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert login(client, "90005", PASSWORD).status_code == 302


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_failures_older_than_the_window_are_forgotten(college, client):
    for _ in range(2):
        login(client, "90005", "wrong")
    LoginThrottle.objects.update(window_started_at=timezone.now() - datetime.timedelta(minutes=16))
    login(client, "90005", "wrong")
    assert login(client, "90005", PASSWORD).status_code == 302


@override_settings(LOGIN_MAX_FAILURES=3)
def test_successful_login_resets_the_failure_count(college, client):
    for _ in range(2):
        login(client, "90005", "wrong")
    login(client, "90005", PASSWORD)
    client.logout()
    for _ in range(2):
        login(client, "90005", "wrong")
    assert login(client, "90005", PASSWORD).status_code == 302


@override_settings(BEHIND_PROXY=True, LOGIN_MAX_FAILURES=3)
def test_behind_the_proxy_failures_count_for_the_forwarded_address(college, client):
    for _ in range(3):
        login(client, "90005", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert LoginThrottle.objects.get(scope="name_at_network").network == "203.0.113.7"
    assert login(client, "90005", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_next_parameter_cannot_redirect_off_site(college, client):
    response = client.post("/accounts/login/?next=https://evil.example/", {"username": "90005", "password": PASSWORD})
    assert response["Location"] == "/"


def test_logout_is_audited_and_ends_the_session(college, client):
    login(client, "90005", PASSWORD)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="logout").exists()
    assert client.get("/orgs/").status_code == 302


def test_logout_by_get_is_refused(college, client):
    login(client, "90005", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405


def test_imported_account_must_change_password_before_anything_else(college, client):
    user = college.branch_a1_secretary
    user.must_change_password = True
    user.save()
    response = login(client, "90005", PASSWORD)
    assert response["Location"] == "/accounts/password/"
    assert client.get("/orgs/").status_code == 302
    assert client.get("/api/me").status_code == 403
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "My-own-pass-77", "new_password2": "My-own-pass-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("My-own-pass-77")
    assert client.get("/orgs/").status_code == 200  # still logged in after the change
    assert AuditEvent.objects.filter(action="password_change", actor=user).exists()


def test_weak_new_password_is_refused_in_chinese(college, client):
    login(client, "90005", PASSWORD)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    college.branch_a1_secretary.refresh_from_db()
    assert college.branch_a1_secretary.check_password(PASSWORD)


def test_sessions_expire_when_idle(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_passwords_are_hashed_with_argon2_in_production():
    from shuzhi import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashing_works(db):
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("Some-pass-2026", hasher="argon2")
    assert encoded.startswith("argon2$") and check_password("Some-pass-2026", encoded)
