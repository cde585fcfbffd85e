"""Settings for bench/uploads.py's Django server: the portal's own, plus one extra URL for the proxy path."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "upload_bench_urls"
