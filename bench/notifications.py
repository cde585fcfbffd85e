"""Notification benchmark: N submissions as fast as one client can, one Celery worker, a real SMTP server.

    .venv/bin/python bench/notifications.py [-n 500] [--concurrency 4]

It creates its own database (portal_bench_notify) on PostgreSQL and migrates it, starts its own
redis-server (broker) and an aiosmtpd server on loopback ports, and one worker
(``celery -A portal worker -B --concurrency 4``, production settings otherwise: re-queue after 60 s,
beat every 30 s). Sending is mostly waiting (mail server, database commit), so four pool processes on
two cores keep up where two fall behind; ``--concurrency 2`` shows the difference. It then prepares
N complete drafts and submits them one after another in this process through ``intake.submit``
(the outbox rows and the after-commit publish are the production path).

Latency of a submission = the scheduling team's email accepted by the SMTP server minus the moment
its transaction committed (an on_commit callback registered before the outbox's own). Every
submission also sends a confirmation to the family, so the worker sends 2N emails.

Last line: notify_p95_s=<float> lost=<int> duplicates=<int>
"""

import argparse
import email
import email.policy
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "portal_bench_notify"
SCHEDULING = "scheduling@bench.test"
REFERENCE = re.compile(r"SO-[2-9A-Z]{4}-[2-9A-Z]{4}")

from common import free_port, percentile, recreate_database  # noqa: E402 - needs ROOT on sys.path


class ArrivalLog:
    """The SMTP server runs in a child process (its own interpreter: no GIL shared with the submitting
    client); each accepted message is one JSON line (arrival time, recipients, subject) in a file."""

    def __init__(self, workdir):

        self.path = Path(workdir) / "arrivals.jsonl"
        self.path.touch()
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--smtp-child", str(self.port), str(self.path)], cwd=ROOT
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self):
        with open(self.path) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def run_smtp_child(port, path):
    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1)  # noqa: SIM115 (open for the process's lifetime)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received_at = time.time()
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            line = {"at": received_at, "to": list(envelope.rcpt_tos), "subject": str(parsed["Subject"] or "")}
            out.write(json.dumps(line) + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=int(port))
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4, help="the worker's pool processes")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the last email")
    args = parser.parse_args()

    from tests.fixtures.celery_worker import CeleryWorker, RedisServer

    workdir = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    recreate_database(PG, DB_NAME)
    redis = RedisServer(workdir).start()
    smtp = ArrivalLog(workdir)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TEST_DB_NAME", "NOTIFICATION_WEBHOOK_URL"}},
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": smtp.url,
        "SCHEDULING_TEAM_EMAILS": SCHEDULING,
        "SITE_URL": "https://portal.bench",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from requests_app import intake
    from requests_app.models import Notification
    from tests.factories import CompleteDraftFactory

    call_command("migrate", verbosity=0)
    worker = None
    try:
        worker = CeleryWorker(env, workdir, concurrency=args.concurrency).start()
        drafts = [CompleteDraftFactory().pk for _ in range(args.requests)]
        committed = {}  # reference -> commit time

        def submit(pk):
            stamp = {}
            with transaction.atomic():
                transaction.on_commit(lambda: stamp.setdefault("t", time.time()))
                submitted = intake.submit(pk)
            committed[submitted.reference] = stamp["t"]

        started = time.perf_counter()
        for pk in drafts:
            submit(pk)
        submit_s = time.perf_counter() - started

        expected = 2 * args.requests
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline and len(smtp.messages()) < expected:
            time.sleep(0.1)
        time.sleep(3)  # a duplicate arriving late would still be counted

        received = smtp.messages()
        arrivals = {}
        per_reference = Counter()
        for message in received:
            if SCHEDULING not in message["to"]:
                continue
            found = REFERENCE.search(message["subject"])
            reference = found.group(0) if found else None
            if reference not in committed:
                continue
            per_reference[reference] += 1
            arrivals.setdefault(reference, message["at"])
        latencies = [arrivals[r] - committed[r] for r in arrivals]
        lost = sum(1 for r in committed if r not in arrivals)
        duplicates = sum(n - 1 for n in per_reference.values() if n > 1)
        family_total = len(received) - sum(per_reference.values())
        states = Counter(Notification.objects.values_list("state", flat=True))

        print(f"submitted {args.requests} requests in {submit_s:.2f} s ({args.requests / submit_s:.0f}/s), one client")
        print(f"worker: 1 process group, concurrency {args.concurrency}, beat on; broker {redis.url}")
        print(
            "commit -> scheduling email: "
            f"p50={percentile(latencies, 50):.3f}s p95={percentile(latencies, 95):.3f}s "
            f"max={max(latencies, default=float('nan')):.3f}s mean={statistics.fmean(latencies or [0]):.3f}s"
        )
        print(f"scheduling emails arrived: {len(arrivals)}/{args.requests}, duplicates: {duplicates}, lost: {lost}")
        print(f"family confirmations arrived: {family_total}/{args.requests}")
        print(f"outbox rows: {dict(states)}")
        print(f"notify_p95_s={percentile(latencies, 95):.3f} lost={lost} duplicates={duplicates}")
    finally:
        if worker is not None:
            worker.stop()
        smtp.stop()
        redis.stop()
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--smtp-child":
        run_smtp_child(sys.argv[2], sys.argv[3])
    else:
        main()
