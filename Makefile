# Two commands: `make run` (embedded default, no services) and `make test` (real services).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The suite's services: the machine's PostgreSQL and Redis (see README).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_DB_NAME ?= test_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: run test install install-dev chromium migrate lint bench-intake clean
.PHONY: bench-notifications

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# XStatic-Bootstrap ships only an sdist whose build needs pkg_resources: build it with
	# the venv's own setuptools (<81 still has pkg_resources) instead of an isolated one.
	$(BIN)/pip install --quiet "setuptools<81" wheel

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

run: migrate
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests (Playwright cannot download its own browsers here).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Chromium from Debian's packages"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Ceph's RADOS Gateway, the real S3 server some tests start (scripts/rgw/): a Debian chroot built once.
.PHONY: rgw
rgw:
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) scripts/rgw/install.sh


# Debian's clamd for the malware-scanning tests (the suite starts it with its own tiny signature database).
.PHONY: clamav
clamav:
	@if ! command -v clamd >/dev/null && [ ! -x /usr/sbin/clamd ]; then \
		echo "Installing clamd from Debian's packages"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clamav-daemon >/dev/null; \
	fi

test: install-dev chromium rgw clamav
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_DB_NAME=$(TEST_DB_NAME) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench-intake: install-dev
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/intake.py

# One Celery worker, its own redis-server and SMTP server; N submissions; commit -> scheduling email.
BENCH_NOTIFY_ARGS ?=
bench-notifications: install-dev
	$(BIN)/python bench/notifications.py $(BENCH_NOTIFY_ARGS)

# Translations: refresh locale/*/django.po from the code, then compile the .mo files that are committed
# (GNU gettext's tools, installed from Debian's packages when missing).
.PHONY: messages gettext
gettext:
	@if ! command -v msgfmt >/dev/null; then \
		echo "Installing GNU gettext from Debian's packages"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; \
	fi

messages: install-dev gettext
	$(BIN)/python manage.py makemessages -l es --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*" --ignore "var/*"
	$(BIN)/python manage.py makemessages -d djangojs -l es --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*" --ignore "var/*" --ignore "static/vendor/*"
	$(BIN)/python manage.py compilemessages -l es --ignore ".venv/*"

clean:
	rm -rf $(VENV) var/static

# Upload paths compared on loopback (moto S3 server): portal direct-to-S3 vs Django proxy vs boto3 upload_file.
bench-uploads: install-dev
	$(BIN)/python bench/uploads.py

# Staff admin pages at 1k, 10k and 100k requests (own database portal_bench_admin, created and dropped).
.PHONY: bench-admin
BENCH_ADMIN_ARGS ?=
bench-admin: install-dev
	$(BIN)/python bench/admin.py $(BENCH_ADMIN_ARGS)

# Preview of a 400-slice 512x512 CT series stored on loopback S3 (moto server): bytes read, seconds, worker peak RSS.
.PHONY: bench-previews
bench-previews: install-dev
	$(BIN)/python bench/previews.py
