"""Upload benchmark: the portal's direct-to-S3 path against a Django proxy upload and boto3's own upload_file.

    .venv/bin/python bench/uploads.py [--sizes-mb 256 1024] [--parallel 4]

Everything runs on loopback: moto's S3 server (its own process), the portal under gunicorn (one
worker process with threads, DEBUG off, SQLite in /tmp) and this script as the client process.
For each file size, in one run:

(a) portal: POST start, POST for presigned part URLs, PUT the parts straight to S3 from this process
    (``--parallel`` at a time, as static/js/uploads/protocol.js does), POST complete (ListParts, size check,
    ranged-read sniffing). Timed from start to the verified answer.
(b) proxy: the same file POSTed as multipart/form-data to a Django view that saves it into a
    FileField on the same storage (Django's temporary-file upload handler, then django-storages).
(c) raw: boto3's ``upload_file`` to the same server, the practical limit.

It prints MB/s for each, the Django server process's peak RSS growth during (a) and (b) (sampled
from /proc every 20 ms), and as its last line, for the largest size:
``portal_vs_raw=<float> proxy_vs_raw=<float> django_rss_growth_mb=<float>`` where the ratios are
throughput / raw throughput and the RSS figure is the portal path's (a) growth.
The test file is a DICOM header followed by pseudo-random bytes, written under /tmp and deleted.
"""

import argparse
import concurrent.futures
import json
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
import requests
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from common import free_port, wait_for  # noqa: E402 - needs ROOT on sys.path

MiB = 1024 * 1024
BUCKET = "bench-records"
KEYS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench", "region_name": "us-east-1"}


def s3_client(endpoint):
    return boto3.client(
        "s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, max_pool_connections=20), **KEYS
    )


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


class PortalClient:
    """What the browser's upload client does, over HTTP, from this process."""

    def __init__(self, base, parallel):
        self.base = base
        self.parallel = parallel
        self.http = requests.Session()

    def open_draft(self):
        self.http.get(f"{self.base}/")
        response = self.http.post(
            f"{self.base}/request/start/",
            data={"role": "guardian", "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.status_code

    def post(self, path, body):
        response = self.http.post(
            f"{self.base}{path}", data=json.dumps(body), headers={"X-CSRFToken": self.http.cookies.get("csrftoken", "")}
        )
        response.raise_for_status()
        return response.json()

    def upload(self, path):
        size = path.stat().st_size
        document = self.post("/request/uploads/start/", {"name": path.name, "size": size, "category": "scans"})
        part_size, count = document["part_size"], document["part_count"]
        urls = {}
        for first in range(1, count + 1, 100):
            wanted = list(range(first, min(count, first + 99) + 1))
            urls.update({int(n): u for n, u in self.post(document["parts_url"], {"parts": wanted})["urls"].items()})
        local = threading.local()

        def put(number):
            if not hasattr(local, "session"):
                local.session = requests.Session()
            with open(path, "rb") as handle:
                handle.seek((number - 1) * part_size)
                data = handle.read(part_size)
            local.session.put(urls[number], data=data).raise_for_status()

        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(self.parallel) as pool:
            list(pool.map(put, range(1, count + 1)))
        self.parts_seconds = time.perf_counter() - began
        began = time.perf_counter()
        result = self.post(document["complete_url"], {})
        self.complete_seconds = time.perf_counter() - began
        assert result["status"] == "uploaded", result
        return result


class MultipartBody:
    """A multipart/form-data body streamed from disk (requests reads it in chunks; no 1 GB string)."""

    def __init__(self, path, boundary):
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.size = path.stat().st_size
        self.len = len(self.head) + self.size + len(self.tail)
        self.stage = 0

    def read(self, n=-1):
        if self.stage == 0:
            self.stage = 1
            return self.head
        if self.stage == 1:
            chunk = self.file.read(n if n and n > 0 else MiB)
            if chunk:
                return chunk
            self.stage = 2
            return self.tail
        return b""

    def close(self):
        self.file.close()


def proxy_upload(base, path):
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    body = MultipartBody(path, boundary)
    try:
        response = requests.post(
            f"{base}/bench/proxy-upload/",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(body.len)},
            timeout=3600,
        )
    finally:
        body.close()
    response.raise_for_status()
    assert response.json()["size"] == path.stat().st_size
    return response.json()


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
    args = parser.parse_args()

    s3_port, web_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
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
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "UPLOAD_MAX_REQUEST_BYTES": str(10**12),
        "TMPDIR": str(work),
    }
    processes = []
    files = []
    try:
        processes.append(
            subprocess.Popen(
                [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(endpoint)
        client = s3_client(endpoint)
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
        warm = make_file(16 * MiB)
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
        # moto completes a multipart upload by joining the parts in Python and, when the upload names no
        # checksum algorithm (ours: the browser sends none), computing a whole-object CRC64NVME in pure
        # Python; upload_file names CRC32, which moto computes per part in C. Real S3 does neither on the
        # client's clock, so the parts phase alone is the comparable figure for the byte path.
        print(
            f"portal parts phase alone ({max(results)} MiB, last run): {largest['portal_parts']:.1f} MB/s, "
            f"{largest['portal_parts'] / largest['raw']:.2f} x boto3 upload_file's whole upload"
        )
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
        for path in files:
            path.unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
