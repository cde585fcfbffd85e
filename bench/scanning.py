"""Malware-scanning throughput: a 1 GiB stream of bytes no signature matches, sent to clamd as the portal does.

    .venv/bin/python bench/scanning.py [--size-mb 1024] [--chunk-mb 8]

Starts Debian's clamd with the test suite's configuration (tests/fixtures/clamd.py: the portal's
limits, one EICAR signature) on a unix socket in a temporary folder, then streams pseudo-random
bytes in ``--chunk-mb`` chunks (the size of a ranged read from storage) through
``scanning.scan_chunks``. Prints clamd's start-up time, the time to stream and to answer, and as its last line
``scan_mb_per_s=<float>`` (MB = 10**6 bytes). With the full signature database (millions of
signatures) clamd matches more per byte: production's figure will be lower than this one.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from requests_app import scanning  # noqa: E402 - needs ROOT on sys.path
from tests.fixtures.clamd import ClamdServer  # noqa: E402

MiB = 1024 * 1024


def stream(size_bytes, chunk_bytes):
    """``size_bytes`` of pseudo-random data in chunks; one random block reused, so memory stays one chunk."""
    block = os.urandom(chunk_bytes)
    for start in range(0, size_bytes, chunk_bytes):
        yield block[: min(chunk_bytes, size_bytes - start)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="MiB to scan")
    parser.add_argument("--chunk-mb", type=int, default=8, help="MiB per chunk read from storage")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-clamd-") as directory:
        server = ClamdServer(directory).start()
        try:
            print(f"clamd_startup_s={server.startup_seconds:.3f}")
            size = args.size_mb * MiB
            sent = {}

            def timed_stream():
                yield from stream(size, args.chunk_mb * MiB)
                sent["at"] = time.monotonic()

            started = time.monotonic()
            result = scanning.scan_chunks(timed_stream(), server.address)
            elapsed = time.monotonic() - started
        finally:
            server.stop()
    if result.status != scanning.CLEAN:
        raise SystemExit(f"expected a clean scan, got {result}")
    # Streaming ends when clamd has the last byte; clamd then scans its temporary copy and answers.
    print(f"scanned_mib={args.size_mb} seconds={elapsed:.2f} streaming_s={sent['at'] - started:.2f}")
    print(f"scan_mb_per_s={size / 1e6 / elapsed:.1f}")


if __name__ == "__main__":
    main()
