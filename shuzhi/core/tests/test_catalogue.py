"""The Chinese catalogue is complete and the committed .mo is compiled from the committed .po.

A fuzzy or empty msgstr shows the English msgid to users; a stale .mo shows yesterday's wording."""

import gettext
import subprocess
from pathlib import Path

from django.conf import settings

MESSAGES = Path(settings.BASE_DIR) / "shuzhi" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy(tmp_path):
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"),
                           str(MESSAGES / "django.po")], capture_output=True, text=True, env={"LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert "fuzzy" not in summary and "untranslated" not in summary, summary


def test_the_committed_mo_is_compiled_from_the_committed_po(tmp_path):
    subprocess.run(["msgfmt", "-o", str(tmp_path / "django.mo"), str(MESSAGES / "django.po")], check=True)
    with open(tmp_path / "django.mo", "rb") as fresh, open(MESSAGES / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "run `make messages` and commit django.mo")
