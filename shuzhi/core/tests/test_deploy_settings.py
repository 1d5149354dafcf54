"""Production settings pass Django's deployment checks and refuse to run without a key of their own
whenever DEBUG is off; `make demo` makes its key once and keeps it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="shuzhi.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="shuzhi.example.edu.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="shuzhi.example.edu.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_plain_http_without_debug_refuses_to_start_without_a_key_and_says_how_to_set_one():
    result = run_manage("check", DEBUG="0", HTTPS="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY_FILE" in result.stderr and "secrets.token_urlsafe" in result.stderr


def test_the_built_in_development_key_given_explicitly_is_refused_without_debug():
    from shuzhi.settings import _DEV_SECRET

    result = run_manage("check", DEBUG="0", HTTPS="0", SECRET_KEY=_DEV_SECRET)
    assert result.returncode != 0 and "No SECRET_KEY" in result.stderr


def test_debug_runs_on_the_development_key():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from shuzhi.settings import _DEV_SECRET; "
        "print(settings.SECRET_KEY == _DEV_SECRET)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_the_key_is_read_from_the_file_secret_key_file_names(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("from-a-file-" + secrets.token_urlsafe(40) + "\n")
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == key_file.read_text().strip()


def test_a_key_file_that_cannot_be_read_is_refused(tmp_path):
    result = run_manage("check", DEBUG="0", HTTPS="0", SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode != 0 and "SECRET_KEY_FILE" in result.stderr and "cannot be read" in result.stderr
    empty = tmp_path / "empty"
    empty.write_text("\n")
    result = run_manage("check", DEBUG="0", HTTPS="0", SECRET_KEY_FILE=str(empty))
    assert result.returncode != 0 and "empty" in result.stderr


def test_the_test_suite_runs_on_its_own_fixed_key(settings):
    from shuzhi.settings import _DEV_SECRET
    from shuzhi.settings_test import TEST_SECRET_KEY

    assert not settings.DEBUG
    assert settings.SECRET_KEY == TEST_SECRET_KEY != _DEV_SECRET


def test_the_translation_commands_run_without_a_key_since_they_use_none():
    for command in ("makemessages", "compilemessages"):
        result = run_manage(command, "--help", DEBUG="0")
        assert result.returncode == 0, result.stderr
    assert run_manage("migrate", "--help", DEBUG="0").returncode != 0


def test_make_demo_makes_its_key_once_with_mode_600_and_keeps_it(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    make_key = [sys.executable, str(ROOT / "scripts" / "secret_key.py"), str(key_file)]
    first = subprocess.run(make_key, capture_output=True, text=True, check=True)
    assert str(key_file) in first.stdout
    key = key_file.read_text().strip()
    assert len(key) >= 50 and (key_file.stat().st_mode & 0o777) == 0o600
    second = subprocess.run(make_key, capture_output=True, text=True, check=True)
    assert second.stdout == "" and key_file.read_text().strip() == key


def make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k not in {"PORT", "PUBLIC_BASE_URL"}},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_demo_runs_on_its_key_file_and_the_port_given():
    default = make("--dry-run", "demo")
    assert "scripts/secret_key.py var/secret_key" in default
    assert "seed_demo --port 8000" in default and "runserver --noreload 127.0.0.1:8000" in default
    other = make("--dry-run", "demo", "PORT=8080")
    assert "seed_demo --port 8080" in other and "runserver --noreload 127.0.0.1:8080" in other


def test_make_demo_with_a_public_address_listens_on_the_lan_and_allows_that_host():
    show = "--eval=show-%: ; @echo '$($*)'"
    public = ["PORT=8080", "PUBLIC_BASE_URL=http://192.168.1.23:8080/"]
    assert make("-s", show, "show-public_host", *public).strip() == "192.168.1.23"
    assert make("-s", show, "show-demo_bind", *public).strip() == "0.0.0.0:8080"
    assert "runserver --noreload 0.0.0.0:8080" in make("--dry-run", "demo", *public)


def test_bad_boolean_in_environment_is_refused():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_responses_carry_a_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "cdn" not in policy
    assert response["X-Frame-Options"] == "DENY"
