"""Intake benchmark: N concurrent families complete the whole guardian flow against gunicorn on PostgreSQL.

    .venv/bin/python bench/intake.py [--clients 20] [--flows-per-client 5] [--workers 4]

It creates its own database (portal_bench_intake), migrates it, serves the portal with gunicorn
(DEBUG off, sessions in PostgreSQL, cache and Celery broker on the local Redis, no Celery worker: the
resume-link task is only published), and runs each client as a thread with its own cookie jar,
following redirects exactly as a browser would (GET a step, POST its answers, ...).

Baseline, in the same run and on the same server: the same number of clients hammer /healthz, a
minimal Django view (no database, no template), for the same number of requests.

--think-ms adds a pause after each page, as a person filling the form would; the default (0) is
the harshest case: every client sends its next request the moment the previous one is answered.

Throughput per step is derived from latency at the same concurrency (clients / median latency):
ratio_to_baseline = median over steps of that throughput / baseline throughput measured the same way
(so 0.5 means a typical intake step costs the server twice what an empty view costs).
Last line: intake_flows_per_s=<f> step_p95_ms=<f> ratio_to_baseline=<f>
"""

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "portal_bench_intake"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")

from common import free_port, percentile, recreate_database, wait_for  # noqa: E402 - needs ROOT on sys.path


def server_env(port):
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": f"{REDIS}/14",
        "CELERY_BROKER_URL": f"{REDIS}/13",
        "EMAIL_URL": "consolemail://",
        "RATELIMIT_ENABLE": "false",  # 20 families from one IP address would be throttled
        "STATIC_ROOT": "/tmp/portal-bench-static",
        "LOG_LEVEL": "WARNING",
    }


class Family:
    """One browser: a cookie jar, the CSRF token, and the latency of every request by step."""

    def __init__(self, base, timings, think_s=0.0):
        self.base = base
        self.think_s = think_s
        self.http = requests.Session()
        self.timings = timings

    def call(self, method, path, label, data=None):
        started = time.perf_counter()
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
            response = self.http.post(
                self.base + path, data=data, allow_redirects=False, headers={"Referer": self.base + path}
            )
        else:
            response = self.http.get(self.base + path, allow_redirects=False)
        self.timings[label].append((time.perf_counter() - started) * 1000)
        if self.think_s:
            time.sleep(random.uniform(0.5, 1.5) * self.think_s)  # a person reading and typing
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {label}: HTTP {response.status_code}")
        return response

    def complete_flow(self, answers):
        self.http.cookies.clear()
        self.call("GET", "/", "home")
        location = self.call("POST", "/request/start/", "start", {"role": "guardian"}).headers["Location"]
        while True:
            path = urlparse(location).path
            if path == "/request/review/":
                break
            if path == "/request/save/":
                self.call("GET", path, "save-offer")
                location = self.call(
                    "POST", path, "save-offer", {"action": "send", "email": "family@example.com"}
                ).headers["Location"]
                continue
            slug = re.fullmatch(r"/request/([\w-]+)/", path).group(1)
            self.call("GET", path, slug)
            location = self.call("POST", path, slug, {**answers.for_step(slug), "action": "continue"}).headers[
                "Location"
            ]
        self.call("GET", "/request/review/", "review")
        response = self.call("POST", "/request/submit/", "submit")
        assert urlparse(response.headers["Location"]).path == "/request/submitted/", response.headers["Location"]
        page = self.call("GET", "/request/submitted/", "confirmation").text
        assert re.search(r"SO-[2-9A-Z]{4}-[2-9A-Z]{4}", page), "no reference on the confirmation page"


def run_clients(clients, work):
    errors = []

    def runner(i):
        try:
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported below, the run is then invalid
            errors.append(repr(exc))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} client(s) failed, first: {errors[0]}")
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--flows-per-client", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--think-ms", type=float, default=0, help="mean pause after each page (default 0: back-to-back requests)"
    )
    args = parser.parse_args()

    from tests import answers  # valid answers for every step, shared with the test suite

    recreate_database(PG, DB_NAME)
    port = free_port()
    env = server_env(port)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")

        # Warm up every worker (imports, connections, template caches) before measuring.
        warm = defaultdict(list)
        run_clients(args.workers, lambda i: Family(base, warm).complete_flow(answers))

        timings = defaultdict(list)
        families = [Family(base, timings, args.think_ms / 1000) for _ in range(args.clients)]
        elapsed = run_clients(
            args.clients, lambda i: [families[i].complete_flow(answers) for _ in range(args.flows_per_client)]
        )
        flows = args.clients * args.flows_per_client
        step_requests = sum(len(v) for v in timings.values())

        baseline = defaultdict(list)
        pingers = [Family(base, baseline) for _ in range(args.clients)]
        per_client = max(1, step_requests // args.clients)
        base_elapsed = run_clients(
            args.clients, lambda i: [pingers[i].call("GET", "/healthz", "healthz") for _ in range(per_client)]
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"{args.clients} concurrent clients, {flows} complete guardian flows, gunicorn --workers {args.workers}, "
        f"think time {args.think_ms:.0f} ms"
    )
    print(f"{'step':<20}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    all_step_ms = []
    step_throughputs = []
    for label, values in timings.items():
        all_step_ms.extend(values)
        step_throughputs.append(args.clients / (statistics.median(values) / 1000))
        print(f"{label:<20}{len(values):>9}{percentile(values, 50):>9.1f}{percentile(values, 95):>9.1f}")
    base_values = baseline["healthz"]
    print(
        f"{'baseline /healthz':<20}{len(base_values):>9}{percentile(base_values, 50):>9.1f}"
        f"{percentile(base_values, 95):>9.1f}"
    )
    baseline_throughput = args.clients / (statistics.median(base_values) / 1000)
    step_p95 = percentile(all_step_ms, 95)
    print(
        f"all intake requests: {step_requests} in {elapsed:.1f} s = {step_requests / elapsed:.0f} req/s; "
        f"baseline: {len(base_values)} in {base_elapsed:.1f} s = {len(base_values) / base_elapsed:.0f} req/s"
    )
    print(
        f"intake_flows_per_s={flows / elapsed:.2f} step_p95_ms={step_p95:.1f} "
        f"ratio_to_baseline={statistics.median(step_throughputs) / baseline_throughput:.3f}"
    )


if __name__ == "__main__":
    main()
