"""Shared fixtures. The suite runs on PostgreSQL (see Makefile `test`); services that a test needs
beyond the database (Redis, an S3 server, SMTP, a Celery worker, Chromium) are started or reached
by fixtures in the test modules that need them."""

import pytest
from django.core.cache import cache

from requests_app import intake

from .factories import CompleteDraftFactory, DraftFactory, PhysicianDraftFactory

# Service fixtures, one module per service (append yours; keep one per line).
pytest_plugins = [
    "tests.fixtures.s3",
    "tests.fixtures.mail",
    "tests.fixtures.webhook",
    "tests.fixtures.celery_worker",
    "tests.fixtures.rgw",
    "tests.fixtures.clamd",
    "tests.fixtures.fhir_endpoint",
]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests do not run collectstatic: serve static files from the finders, without a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Staff users are made in many tests; the production hasher's deliberate slowness buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache: one test's requests must not throttle the next's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def guardian_draft(db):
    return DraftFactory()


@pytest.fixture
def complete_draft(db):
    return CompleteDraftFactory()


@pytest.fixture
def physician_draft(db):
    return PhysicianDraftFactory()


@pytest.fixture
def all_steps():
    return intake.STEPS
