"""The embedded default as `make run` serves it: `manage.py runserver` on a SQLite file, local files, eager Celery.

The test process itself runs on PostgreSQL, so the SQLite server is a separate process with its own
environment; drafts and sessions for it are made by `manage.py shell` in that same environment.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# Variables the test run sets for PostgreSQL, Redis and S3: the embedded default has none of them.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "TEST_DB_NAME",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)

SEED_DRAFTS = """
import json
from django.contrib.sessions.backends.db import SessionStore
from requests_app import family_session
from tests.factories import CompleteDraftFactory
keys = []
for _ in range({count}):
    draft = CompleteDraftFactory(**{fields})
    session = SessionStore()
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    keys.append(session.session_key)
print("SESSIONS=" + json.dumps(keys))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedServer:
    """A web server process on a SQLite database in ``directory``; ``url`` once started.

    ``runserver`` is what `make run` starts (threads in one process). ``gunicorn`` (two processes of
    four threads) writes to the same file from several processes too; it also answers kept-alive
    connections without the dev server's 40 ms stalls, so a 400-file folder fits a test's time.
    """

    def __init__(self, directory, server="runserver"):
        self.directory = Path(directory)
        self.server = server
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.directory / "server.log"
        self.env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.directory / 'portal.sqlite3'}",
            MEDIA_ROOT=str(self.directory / "media"),
            DEBUG="true",
            SITE_URL=self.url,
            RATELIMIT_ENABLE="false",
            PYTHONUNBUFFERED="1",
        )
        self.process = None

    def manage(self, *args, timeout=120):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self):
        self.manage("migrate", "--no-input")
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"the embedded server did not start:\n{self.server_log()}")

    def command(self):
        address = f"127.0.0.1:{self.port}"
        if self.server == "gunicorn":
            gunicorn = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", address]
            return [*gunicorn, "--workers", "2", "--threads", "4"]
        return [sys.executable, "manage.py", "runserver", "--noreload", address]

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.log.close()

    def server_log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def seed_drafts(self, count, **fields):
        """``count`` complete drafts, each with a session of its own: their session keys."""
        code = SEED_DRAFTS.format(count=count, fields=repr(fields))
        output = self.manage("shell", "-c", code).stdout
        line = next(line for line in output.splitlines() if line.startswith("SESSIONS="))
        return json.loads(line.removeprefix("SESSIONS="))

    def query(self, code):
        """Run ``code`` in the server's environment (a `manage.py shell -c`); its printed output."""
        return self.manage("shell", "-c", code).stdout
