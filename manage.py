#!/usr/bin/env python
import os
import sys

# Commands that only write source files (translations, migrations) start Django's settings but use no
# secret: they run without a key of the deployment's own (the settings refuse to start without one).
FILE_ONLY_COMMANDS = {"makemessages", "compilemessages", "makemigrations"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzhi.settings")
    if len(sys.argv) > 1 and sys.argv[1] in FILE_ONLY_COMMANDS and not os.environ.get("SECRET_KEY_FILE"):
        os.environ.setdefault("SECRET_KEY", "translation-files-only-not-a-secret")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
