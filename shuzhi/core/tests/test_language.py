"""The interface is Chinese whatever language the browser asks for, unless EXTRA_LANGUAGES turns others on."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def settings_with(**env: str) -> subprocess.CompletedProcess:
    """LANGUAGES and whether LocaleMiddleware is on, as the settings compute them with env set."""
    environment = {k: v for k, v in os.environ.items() if k != "EXTRA_LANGUAGES"}
    environment.update(DJANGO_SETTINGS_MODULE="shuzhi.settings_test", **env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(settings.LANGUAGES, {LOCALE_MIDDLEWARE!r} in settings.MIDDLEWARE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_an_english_browser_gets_the_chinese_interface(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "<title>登录 · " in html and "工号" in html and "Log in" not in html
    assert "Accept-Language" not in response.get("Vary", "")  # the same page for every browser


def test_only_chinese_is_on_by_default():
    assert settings.LANGUAGES == [("zh-hans", "简体中文")]
    assert LOCALE_MIDDLEWARE not in settings.MIDDLEWARE


def test_extra_languages_turns_on_english_and_the_browsers_choice():
    done = settings_with(EXTRA_LANGUAGES="en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('zh-hans', '简体中文'), ('en', 'English')] True"


def test_an_unknown_extra_language_is_refused():
    done = settings_with(EXTRA_LANGUAGES="english")
    assert done.returncode != 0
    assert "EXTRA_LANGUAGES: 'english' is not one of Django's language codes" in done.stderr


def test_with_english_turned_on_an_english_browser_gets_english(client, db, settings):
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1, LOCALE_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    assert "Log in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
