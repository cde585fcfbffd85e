"""Upload benchmark: the portal's direct-to-S3 path against a Django proxy upload and boto3's own upload_file.

    .venv/bin/python bench/uploads.py [--s3 moto|rgw] [--sizes-mb 256 1024] [--parallel 4] [--repeat 3]

Everything runs on loopback: the S3 server (moto's, or with ``--s3 rgw`` Ceph's RADOS Gateway as
the tests start it, tests/fixtures/rgw.py; needs root), the portal under gunicorn (one worker
process with threads, DEBUG off, SQLite in /tmp) and this script as the client process.
For each file size, in one run:

(a) portal: POST start; per part, as static/js/uploads/protocol.js does (``--parallel`` at a time):
    CRC32 it, POST for its presigned URL (which signs the CRC32 and length), PUT it straight to S3;
    POST complete (ListParts, size check, ranged-read sniffing). Timed from start to the verified answer.
(b) proxy: the same file POSTed as multipart/form-data to a Django view that saves it into a
    FileField on the same storage (Django's temporary-file upload handler, then django-storages).
(c) raw: boto3's ``upload_file`` to the same server, the practical limit.

It prints MB/s for each, the Django server process's peak RSS growth during (a) and (b) (sampled
from /proc every 20 ms), and as its last line, for the largest size:
``portal_vs_raw=<float> proxy_vs_raw=<float> django_rss_growth_mb=<float>`` where the ratios are
throughput / raw throughput and the RSS figure is the portal path's (a) growth. On the line before it,
``scan_mb_per_s=<float>``: the largest file streamed from the S3 server to a clamd started here
(tests/fixtures/clamd.py) the way the portal's scan task does (1 MiB chunks, INSTREAM).
The test file is a DICOM header followed by pseudo-random bytes, written under /tmp and deleted.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from common import free_port, wait_for  # noqa: E402 - needs ROOT on sys.path
from upload_paths import PortalClient, proxy_upload  # noqa: E402

MiB = 1024 * 1024
BUCKET = "bench-records"
MOTO_KEYS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
# RGW's in-memory store holds every byte written until its garbage collection (a minute) frees deleted ones.
RGW_MEMSTORE_BYTES = 12 * 1024**3


def s3_client(endpoint, keys):
    config = Config(s3={"addressing_style": "path"}, max_pool_connections=20)
    return boto3.client("s3", endpoint_url=endpoint, config=config, region_name="us-east-1", **keys)


def start_s3(kind, processes, cleanups):
    """Start moto's server or RGW; (endpoint, keys). Whatever must be stopped goes in processes/cleanups."""
    if kind == "rgw":
        from tests.fixtures.rgw import start_rgw, stop_rgw
        from tests.fixtures.vault_transit import VaultTransitServer

        vault = VaultTransitServer().start()
        cleanups.append(vault.stop)
        gateway = start_rgw(vault, memstore_bytes=RGW_MEMSTORE_BYTES)
        cleanups.append(lambda: stop_rgw(gateway))
        return gateway.endpoint, {"aws_access_key_id": gateway.access_key, "aws_secret_access_key": gateway.secret_key}
    port = free_port()
    command = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    endpoint = f"http://127.0.0.1:{port}"
    wait_for(endpoint)
    return endpoint, MOTO_KEYS


def measure_scan(path, client):
    """MB/s of streaming ``path``, stored in S3, from S3 to a fresh clamd in the portal's chunks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from requests_app.uploads import checks, scanning
    from tests.fixtures.clamd import ClamdServer

    client.upload_file(str(path), BUCKET, "bench/scan")
    with tempfile.TemporaryDirectory(prefix="bench-clamd-") as directory:
        server = ClamdServer(directory).start()
        try:
            started = time.perf_counter()
            body = client.get_object(Bucket=BUCKET, Key="bench/scan")["Body"]
            result = scanning.scan_chunks(body.iter_chunks(checks.SCAN_CHUNK_BYTES), server.address)
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
    if result.status != scanning.CLEAN:
        raise SystemExit(f"expected a clean scan, got {result}")
    return path.stat().st_size / 1e6 / elapsed


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class PeakRss:
    """Samples the RSS of a process tree (gunicorn master and worker) while a phase runs."""

    def __init__(self, pid):
        self.pid = pid

    def total(self):
        return sum(rss_kb(p) for p in [self.pid, *children(self.pid)])

    def __enter__(self):
        self.baseline = self.total()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.growth_mb = (self.peak - self.baseline) / 1024


def make_file(size):
    """A DICOM-looking file (so the portal accepts it as a scan) of ``size`` bytes under /tmp."""
    from tests.upload_samples import dicom_bytes

    head = dicom_bytes(64 * 1024)
    with tempfile.NamedTemporaryFile(prefix="bench-upload-", dir="/tmp", delete=False) as handle:
        handle.write(head)
        block = os.urandom(4 * MiB)
        remaining = size - len(head)
        while remaining > 0:
            handle.write(block[: min(len(block), remaining)])
            remaining -= len(block)
    return Path(handle.name)


def empty_bucket(client):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure_paths(path, base, client, web_pid, parallel, repeat):
    """Median seconds of (a), (b), (c) over ``repeat`` runs; the order rotates so no path always goes first."""
    portal_times, proxy_times, raw_times, portal_growth, proxy_growth = [], [], [], [], []
    last = {}

    def run_portal():
        portal = PortalClient(base, parallel)
        portal.open_draft()
        with PeakRss(web_pid) as rss:
            portal_times.append(timed(lambda: portal.upload(path)))
        portal_growth.append(rss.growth_mb)
        last["portal"] = portal

    def run_proxy():
        with PeakRss(web_pid) as rss:
            proxy_times.append(timed(lambda: proxy_upload(base, path)))
        proxy_growth.append(rss.growth_mb)

    def run_raw():
        raw_times.append(timed(lambda: client.upload_file(str(path), BUCKET, "bench/raw")))

    paths = [run_portal, run_proxy, run_raw]
    for run in range(repeat):
        for measure in paths[run % 3 :] + paths[: run % 3]:
            measure()
            empty_bucket(client)
    medians = [statistics.median(t) for t in (portal_times, proxy_times, raw_times)]
    return (*medians, portal_growth, proxy_growth, last["portal"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--parallel", type=int, default=4, help="part uploads in flight (the browser uses 4)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per path and size; the median time counts")
    parser.add_argument("--s3", choices=["moto", "rgw"], default="moto", help="the S3 server (rgw: needs root)")
    args = parser.parse_args()

    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    work = Path(tempfile.mkdtemp(prefix="bench-uploads-", dir="/tmp"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "upload_bench_settings",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base,
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "RATELIMIT_ENABLE": "false",
        "STATIC_ROOT": str(work / "static"),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "UPLOAD_MAX_REQUEST_BYTES": str(10**12),
        "TMPDIR": str(work),
        # moto applies a bucket policy's Deny without evaluating its conditions (RGW evaluates them).
        "AWS_S3_BUCKET_POLICY": "true" if args.s3 == "rgw" else "false",
    }
    processes, cleanups, files = [], [], []
    try:
        endpoint, keys = start_s3(args.s3, processes, cleanups)
        env.update(
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID=keys["aws_access_key_id"],
            AWS_SECRET_ACCESS_KEY=keys["aws_secret_access_key"],
        )
        client = s3_client(endpoint, keys)
        client.create_bucket(Bucket=BUCKET)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "configure_bucket"], cwd=ROOT, env=env, check=True)
        web = subprocess.Popen(
            [
                *[str(BIN / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{web_port}"],
                *["--workers", "1", "--threads", "4", "--timeout", "3600"],
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(web)
        wait_for(f"{base}/healthz")

        # Warm up both paths once (imports, boto3 clients, connection pools) so neither pays first-request costs.
        warm = make_file(64 * MiB)  # parts enough for every server thread to make its S3 client
        files.append(warm)
        warm_portal = PortalClient(base, args.parallel)
        warm_portal.open_draft()
        warm_portal.upload(warm)
        proxy_upload(base, warm)
        client.upload_file(str(warm), BUCKET, "bench/warm")
        empty_bucket(client)

        results = {}
        for size_mb in args.sizes_mb:
            size = size_mb * MiB
            path = make_file(size)
            files.append(path)
            megabytes = size / 1e6

            portal_s, proxy_s, raw_s, portal_growth, proxy_growth, portal = measure_paths(
                path, base, client, web.pid, args.parallel, args.repeat
            )
            if size_mb == max(args.sizes_mb):
                scan_mb_per_s = measure_scan(path, client)
                empty_bucket(client)
            path.unlink()

            results[size_mb] = {
                "portal": megabytes / portal_s,
                "proxy": megabytes / proxy_s,
                "raw": megabytes / raw_s,
                "portal_parts": megabytes / portal.parts_seconds,
                "portal_rss": max(portal_growth),
                "proxy_rss": max(proxy_growth),
            }
            r = results[size_mb]
            print(
                f"{size_mb} MiB: portal {r['portal']:.1f} MB/s, proxy {r['proxy']:.1f} MB/s, "
                f"boto3 upload_file {r['raw']:.1f} MB/s; Django RSS growth: portal {r['portal_rss']:.1f} MB, "
                f"proxy {r['proxy_rss']:.1f} MB (last portal run: parts {portal.parts_seconds:.2f} s, "
                f"complete and verify {portal.complete_seconds:.2f} s)",
                flush=True,
            )
        largest = results[max(results)]
        # The parts phase alone: the byte path, without the S3 server's completion (moto joins parts in Python).
        print(
            f"portal parts phase alone ({max(results)} MiB, last run): {largest['portal_parts']:.1f} MB/s, "
            f"{largest['portal_parts'] / largest['raw']:.2f} x boto3 upload_file's whole upload"
        )
        print(f"scan_mb_per_s={scan_mb_per_s:.1f}")
        print(
            f"portal_vs_raw={largest['portal'] / largest['raw']:.3f} "
            f"proxy_vs_raw={largest['proxy'] / largest['raw']:.3f} "
            f"django_rss_growth_mb={largest['portal_rss']:.1f}"
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for cleanup in reversed(cleanups):
            cleanup()
        for path in files:
            path.unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
