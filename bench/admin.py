"""Staff admin benchmark: the coordinator's pages at 1k, 10k and 100k submitted requests on PostgreSQL.

    .venv/bin/python bench/admin.py [--sizes 1000,10000,100000] [--runs 15]

It creates its own database (portal_bench_admin, dropped at the end unless --keep), migrates it, and
grows it with ``manage.py seed_demo`` to each size in turn (each request has 0-6 documents' rows, a
status history, notes and records requests). At each size, logged in as an intake coordinator through
Django's test client (the whole request/response cycle with middleware, sessions in PostgreSQL, DEBUG
off, no network), it measures:

- changelist: the request list, newest submitted first;
- filtered:   urgent requests in review (?urgency__exact=urgent&status=in_review);
- search:     a search by child's name (first and last name);
- detail:     a request's detail page (answers by step, documents, history, notes; writes an audit row).

Each page is loaded twice to warm up, then --runs times; it prints the median ms and the number of SQL
queries per page. Last line: changelist_100k_ms=<f> search_100k_ms=<f> detail_ms=<f> max_queries=<int>
(the figures at the largest size; max_queries over every page and size).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "portal_bench_admin"

from common import recreate_database  # noqa: E402 - needs ROOT on sys.path


def setup_django():
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    recreate_database(PG, DB_NAME)
    setup_django()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from requests_app.models import SecondOpinionRequest

    call_command("migrate", verbosity=0)
    coordinator = User.objects.create_user("bench.coordinator", "bench@example.org", "x" * 16, is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Intake coordinator"))
    client = Client()
    client.force_login(coordinator)

    results = {}
    max_queries = 0
    seeded = 0
    print(f"{'requests':>9} {'page':<11} {'median ms':>10} {'queries':>8}")
    for size in sizes:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", requests=size - seeded, seed=size, batch_size=2000, stdout=quiet)
        seeded = size
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"# seeded {size} requests in {time.perf_counter() - started:.1f} s", flush=True)
        sample = SecondOpinionRequest.objects.submitted().order_by("pk")[size // 2]
        pages = {
            "changelist": "/staff/requests_app/request/",
            "filtered": "/staff/requests_app/request/?urgency__exact=urgent&status=in_review",
            "search": f"/staff/requests_app/request/?q={sample.child_first_name}+{sample.child_last_name}",
            "detail": f"/staff/requests_app/request/{sample.pk}/change/",
        }
        for name, url in pages.items():
            ms, queries = measure(client, url, args.runs)
            results[(size, name)] = ms
            max_queries = max(max_queries, queries)
            print(f"{size:>9} {name:<11} {ms:>10.1f} {queries:>8}", flush=True)

    connection.close()
    if not args.keep:
        recreate_database(PG, DB_NAME, drop_only=True)
    largest = sizes[-1]
    print(
        f"changelist_100k_ms={results[(largest, 'changelist')]:.1f} "
        f"search_100k_ms={results[(largest, 'search')]:.1f} "
        f"detail_ms={results[(largest, 'detail')]:.1f} max_queries={max_queries}"
    )


if __name__ == "__main__":
    main()
