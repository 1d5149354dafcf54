# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test install system-deps messages clean

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

# The demo runs on plain http on loopback with the built-in development key.
demo: export DEBUG = 0
demo: export HTTPS = 0
demo: export ALLOWED_HOSTS = 127.0.0.1,localhost
demo: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver --noreload 127.0.0.1:8000

test: install system-deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Regenerate and compile the Chinese catalogue after changing translatable strings.
messages: export HTTPS = 0
messages: install
	cd shuzhi && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	cd shuzhi && ../$(PY) ../manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var staticfiles
