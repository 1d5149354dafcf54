# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint install system-deps messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive (chromium for browser tests, LibreOffice to open generated documents).
system-deps:
	bash scripts/system-deps.sh

# The demo runs on plain http, on port PORT, with a secret key of its own: made once in var/secret_key
# (mode 600) and reused on every later run, so sessions and printed ballot codes survive a restart.
# It listens on loopback only, unless PUBLIC_BASE_URL is given: then on every interface, with that
# address allowed and printed in the ballot cards' QR codes, so phones on the LAN can vote, e.g.
#   make demo PORT=8080 PUBLIC_BASE_URL=http://192.168.1.23:8080
PORT ?= 8000
comma := ,
# The host part of PUBLIC_BASE_URL (http://192.168.1.23:8080/x -> 192.168.1.23).
public_host = $(firstword $(subst :, ,$(firstword $(subst /, ,$(patsubst https://%,%,$(patsubst http://%,%,$(PUBLIC_BASE_URL)))))))
demo_bind = $(if $(PUBLIC_BASE_URL),0.0.0.0,127.0.0.1):$(PORT)

demo: export DEBUG = 0
demo: export HTTPS = 0
demo: export ALLOWED_HOSTS = 127.0.0.1,localhost$(if $(public_host),$(comma)$(public_host))
demo: export SECRET_KEY_FILE = $(CURDIR)/var/secret_key
demo: install
	mkdir -p var
	$(PY) scripts/secret_key.py var/secret_key
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --port $(PORT)
	$(PY) manage.py runserver --noreload $(demo_bind)

test: install system-deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The linter and the format check, configured in pyproject.toml ([tool.ruff]); CI runs them before the
# tests. `.venv/bin/ruff format .` formats the code.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Regenerate and compile the Chinese catalogue after changing translatable strings.
messages: export HTTPS = 0
messages: install
	cd shuzhi && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	cd shuzhi && ../$(PY) ../manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var staticfiles
