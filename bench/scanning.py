"""Malware-scanning throughput: a 1 GiB stream of bytes no signature matches, sent to clamd as the portal does.

    .venv/bin/python bench/scanning.py [--size-mb 1024] [--chunk-mb 8] [--inspect-mb 0]

Starts Debian's clamd with the test suite's configuration (tests/fixtures/clamd.py: the portal's
limits, one EICAR signature) on a unix socket in a temporary folder, then streams pseudo-random
bytes in ``--chunk-mb`` chunks (the size of a ranged read from storage) through
``scanning.scan_chunks``. Prints clamd's start-up time, the time to stream and to answer, and as its last line
``scan_mb_per_s=<float>`` (MB = 10**6 bytes). With the full signature database (millions of
signatures) clamd matches more per byte: production's figure will be lower than this one.

With ``--inspect-mb N`` it first times ``archives.inspect_archive`` over an N MiB ZIP of DICOM
files (deflated, half of each image random) in a temporary file, printing ``inspect_mb_per_s``.
"""

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402 - needs ROOT on sys.path

django.setup()

from requests_app.models import DocumentCategory  # noqa: E402
from requests_app.uploads import archives, scanning  # noqa: E402
from tests.fixtures.clamd import ClamdServer  # noqa: E402
from tests.upload_samples import dicom_bytes  # noqa: E402

MiB = 1024 * 1024


def stream(size_bytes, chunk_bytes):
    """``size_bytes`` of pseudo-random data in chunks; one random block reused, so memory stays one chunk."""
    block = os.urandom(chunk_bytes)
    for start in range(0, size_bytes, chunk_bytes):
        yield block[: min(chunk_bytes, size_bytes - start)]


def measure_inspection(size_mib, directory):
    """MB/s of inspecting a ZIP of ``size_mib`` MiB of DICOM images read from a local file."""
    image = dicom_bytes(pixel_bytes=4 * MiB)
    image = image[: -2 * MiB] + os.urandom(2 * MiB)  # half zeros-like pixels, half noise
    path = Path(directory) / "cd.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number in range(size_mib // 4):
            archive.writestr(f"DICOM/IM{number:05}", image)
    limits = archives.ArchiveLimits(max_total_bytes=100 * 1000**3, max_entries=100_000)
    started = time.monotonic()
    with open(path, "rb") as stored:
        report = archives.inspect_archive(stored, archives.entry_kinds_for(DocumentCategory.SCANS), limits)
    elapsed = time.monotonic() - started
    path.unlink()
    return report.uncompressed_bytes / 1e6 / elapsed


def cpu_seconds(pid):
    """User + system CPU seconds a process has used (from /proc), to compare runs on a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_scan(size_mib, chunk_mib, directory):
    """Seconds for scanning ``size_mib`` MiB: clamd start-up, streaming, total, and clamd's CPU time."""
    server = ClamdServer(directory).start()
    sent = {}

    def timed_stream():
        yield from stream(size_mib * MiB, chunk_mib * MiB)
        sent["at"] = time.monotonic()

    try:
        cpu_before = cpu_seconds(server.process.pid)
        started = time.monotonic()
        result = scanning.scan_chunks(timed_stream(), server.address)
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(server.process.pid) - cpu_before
    finally:
        server.stop()
    if result.status != scanning.CLEAN:
        raise SystemExit(f"expected a clean scan, got {result}")
    return server.startup_seconds, sent["at"] - started, elapsed, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="MiB to scan")
    parser.add_argument("--chunk-mb", type=int, default=8, help="MiB per chunk read from storage")
    parser.add_argument("--inspect-mb", type=int, default=0, help="MiB of ZIP to inspect first (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scanning-") as directory:
        if args.inspect_mb:
            print(f"inspect_mb_per_s={measure_inspection(args.inspect_mb, directory):.1f}")
        startup, streaming, elapsed, cpu = measure_scan(args.size_mb, args.chunk_mb, directory)
    print(f"clamd_startup_s={startup:.3f}")
    # Streaming ends when clamd has the last byte; clamd then scans its temporary copy and answers.
    print(f"scanned_mib={args.size_mb} seconds={elapsed:.2f} streaming_s={streaming:.2f} clamd_cpu_s={cpu:.2f}")
    print(f"load_average_1m={os.getloadavg()[0]:.1f}")
    print(f"scan_mb_per_s={args.size_mb * MiB / 1e6 / elapsed:.1f}")


if __name__ == "__main__":
    main()
