"""What every benchmark script needs: a database of its own, a free port, a server that answers."""

import time

import psycopg2
import requests

from tests.fixtures.ports import free_port

__all__ = ["free_port", "percentile", "recreate_database", "wait_for"]


def recreate_database(pg_url, name, *, drop_only=False):
    """Drop the benchmark's own database (whoever is connected) and create it empty."""
    conn = psycopg2.connect(f"{pg_url}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def wait_for(url, timeout=60):
    """Return once ``url`` answers with a success status; RuntimeError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def percentile(values, q):
    """The q-th percentile (0-100) with linear interpolation; NaN for no values."""
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
