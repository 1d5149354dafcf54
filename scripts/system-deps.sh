#!/usr/bin/env bash
# Installs the Debian packages the test suite drives, when they are missing:
# chromium (Playwright browser tests), LibreOffice + CJK fonts (generated documents must open),
# poppler-utils (pdftotext reads back what LibreOffice rendered), gettext (msgfmt: the Chinese
# catalogue is checked complete and compiled), postgresql-client (pg_dump, pg_restore and psql:
# `manage.py backup` and `restore` on PostgreSQL). The client should be the server's major version:
# Debian's own is 15 on Debian 12, as its server; PG_MAJOR=16 installs postgresql-client-16 instead.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v pg_dump >/dev/null 2>&1 || need+=("postgresql-client${PG_MAJOR:+-$PG_MAJOR}")
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
