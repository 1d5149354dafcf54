"""Logging in and out: audit records, lock-out, forced password change, session expiry."""

import datetime

from django.test import override_settings
from django.utils import timezone

from conftest import PASSWORD
from shuzhi.audit.models import AuditEvent


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


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
def test_account_locks_after_repeated_failures_even_for_the_right_password(college, client):
    for _ in range(3):
        login(client, "90005", "wrong")
    response = login(client, "90005", PASSWORD)
    assert response.status_code == 400
    assert "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked").count() == 1
    user = college.branch_a1_secretary
    user.refresh_from_db()
    assert user.locked_until > timezone.now()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_lock_expires(college, client):
    user = college.branch_a1_secretary
    user.locked_until = timezone.now() - datetime.timedelta(seconds=1)
    user.save()
    assert login(client, "90005", PASSWORD).status_code == 302


def test_successful_login_resets_the_failure_count(college, client):
    login(client, "90005", "wrong")
    login(client, "90005", PASSWORD)
    college.branch_a1_secretary.refresh_from_db()
    assert college.branch_a1_secretary.failed_login_count == 0


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
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "My-own-pass-77", "new_password2": "My-own-pass-77"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("My-own-pass-77")
    assert client.get("/orgs/").status_code == 200  # still logged in after the change
    assert AuditEvent.objects.filter(action="password_change", actor=user).exists()


def test_weak_new_password_is_refused_in_chinese(college, client):
    login(client, "90005", PASSWORD)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
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
