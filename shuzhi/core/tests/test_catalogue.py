"""The Chinese catalogue is complete and the committed .mo is compiled from the committed .po.

A fuzzy or empty msgstr shows the English msgid to users; a stale .mo shows yesterday's wording."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MESSAGES = Path(settings.BASE_DIR) / "shuzhi" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy(tmp_path):
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(MESSAGES / "django.po")],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert done.returncode == 0, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert "fuzzy" not in summary and "untranslated" not in summary, summary


def test_the_committed_mo_is_compiled_from_the_committed_po(tmp_path):
    subprocess.run(["msgfmt", "-o", str(tmp_path / "django.mo"), str(MESSAGES / "django.po")], check=True)
    with open(tmp_path / "django.mo", "rb") as fresh, open(MESSAGES / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "run `make messages` and commit django.mo"
        )


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """What `make messages` would extract is all in the committed catalogue: a message added to the code but
    not to django.po shows in English, on a page no other test may reach. Run on a copy of the package, so
    the shared django.po is not rewritten."""
    package = Path(settings.BASE_DIR) / "shuzhi"
    copy = tmp_path / "shuzhi"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", tmp_path / "manage.py")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuzhi.settings"}
    done = subprocess.run(
        [sys.executable, "../manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    missing = _message_keys(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po") - _message_keys(
        MESSAGES / "django.po"
    )
    assert not missing, "not in django.po (add them with their translation):\n" + "\n".join(map(repr, sorted(missing)))


def _message_keys(po: Path) -> set[tuple[str, str]]:
    """(context, msgid) of every message in a .po file, translated or not."""
    text = subprocess.run(["msgcat", "--no-wrap", str(po)], capture_output=True, text=True, check=True).stdout
    keys = set()
    for entry in text.split("\n\n"):
        msgid = re.search(r'^msgid (".*")$', entry, re.M)
        context = re.search(r'^msgctxt (".*")$', entry, re.M)
        if msgid and ast.literal_eval(msgid.group(1)):
            keys.add((ast.literal_eval(context.group(1)) if context else "", ast.literal_eval(msgid.group(1))))
    return keys
