"""The project's own hygiene, checked with the suite: lint, migrations, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args, env=None):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_code_passes_ruff():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_ruff_formatted():
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def production_env(**overrides):
    # Only the deployment's own variables: a switch the test run set for itself is not production.
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DB_NAME"}},
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "k7" * 20,
        "ALLOWED_HOSTS": "portal.example.org",
        "SITE_URL": "https://portal.example.org",
        # README "Security": TLS to PostgreSQL and Redis (the check does not connect to either).
        "DATABASE_URL": "postgres://portal:secret@db.internal.example.org:5432/portal?sslmode=require",
        "REDIS_URL": "rediss://:secret@redis.internal.example.org:6380/0?ssl_cert_reqs=required",
        "CELERY_BROKER_URL": "rediss://:secret@redis.internal.example.org:6380/1?ssl_cert_reqs=required",
        **overrides,
    }


def test_production_settings_pass_the_deploy_check():
    result = run(sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_warns_of_postgresql_and_redis_without_tls():
    env = production_env(
        DATABASE_URL="postgres://portal:secret@db.internal.example.org:5432/portal?sslmode=prefer",
        REDIS_URL="redis://:secret@redis.internal.example.org:6379/0",
        CELERY_BROKER_URL="redis://:secret@redis.internal.example.org:6379/1",
    )
    result = run(sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "requests_app.W001" in result.stderr and "db.internal.example.org" in result.stderr
    assert "cache 'default' reaches Redis over plain redis://" in result.stderr
    assert "Celery broker reaches Redis over plain redis://" in result.stderr
    assert "secret" not in result.stdout + result.stderr  # the check names hosts, never passwords
