"""Reading stored objects through bounded ranged reads, counting every byte fetched.

A ranged reader is any callable ``read(key, start, length) -> bytes`` that returns at most
``length`` bytes of object ``key`` from offset ``start`` (fewer at the end of the object). The
portal backs it with S3 ranged GETs (``s3_reader``); tests may back it with bytes in memory.
It must be safe to call from several threads at once, as a boto3 client is.
"""

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass

RangedReader = Callable[[str, int, int], bytes]

KiB = 1024
MiB = 1024 * KiB


class StorageReadError(Exception):
    """The storage failed to answer a ranged read (worth retrying), as opposed to an unreadable file."""


@dataclass(frozen=True)
class StoredObject:
    """One stored file: its storage key and its size in bytes."""

    key: str
    size: int


class CountingReader:
    """Wraps a ranged reader; counts the bytes and requests it served and tags its failures."""

    def __init__(self, read: RangedReader):
        self._read = read
        self._lock = threading.Lock()
        self.bytes_read = 0
        self.requests = 0

    def __call__(self, key, start, length):
        try:
            data = self._read(key, start, length)
        except Exception as exc:
            raise StorageReadError(f"ranged read failed: {type(exc).__name__}") from exc
        with self._lock:
            self.bytes_read += len(data)
            self.requests += 1
        return data


class ReadLimitExceeded(Exception):
    """More of one object was asked for than the caller allowed (for example a header without end)."""


class RangedFile(io.RawIOBase):
    """A read-only, seekable file over one stored object that fetches only the ranges read.

    It keeps the last fetched window. A miss that continues the window (a sequential parse such as
    a DICOM header) fetches twice as much as the previous miss, up to ``max_fetch``; a miss
    elsewhere (a jump to a TIFF directory) starts again from ``first_fetch``. ``limit`` bounds
    the bytes this file may fetch in total.
    """

    def __init__(self, read, obj, *, first_fetch=8 * KiB, max_fetch=1 * MiB, limit=None):
        super().__init__()
        self._read, self._obj = read, obj
        self._first_fetch, self._max_fetch = first_fetch, max_fetch
        self._next_fetch = first_fetch
        self._limit = limit
        self.fetched = 0
        self._pos = 0
        self._window_start, self._window = 0, b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._pos

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._obj.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer):
        data = self.read(len(buffer))
        # As bytes: tifffile reads uncompressed strips straight into a numpy array of wider items.
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def readall(self):
        return self.read(self._obj.size - self._pos)

    def read(self, size=-1):
        if size is None or size < 0:
            size = self._obj.size - self._pos
        size = min(size, max(0, self._obj.size - self._pos))
        parts = []
        while size > 0:
            chunk = self._from_window(size) or self._fetch(size)
            if not chunk:
                break  # the storage returned less than the object's recorded size
            parts.append(chunk)
            self._pos += len(chunk)
            size -= len(chunk)
        return b"".join(parts)

    def _from_window(self, size):
        offset = self._pos - self._window_start
        if 0 <= offset < len(self._window):
            return self._window[offset : offset + size]
        return b""

    def _fetch(self, size):
        if self._window and self._pos == self._window_start + len(self._window):
            self._next_fetch = min(self._next_fetch * 2, self._max_fetch)
        else:
            self._next_fetch = self._first_fetch
        length = min(max(size, self._next_fetch), self._obj.size - self._pos)
        if self._limit is not None and self.fetched + length > self._limit:
            raise ReadLimitExceeded(f"more than {self._limit} bytes needed")
        data = self._read(self._obj.key, self._pos, length)
        self.fetched += len(data)
        self._window_start, self._window = self._pos, data
        return data[:size]


def s3_reader(client, bucket) -> RangedReader:
    """A ranged reader over one bucket through a boto3 S3 client (one GET with a Range per read)."""

    def read(key, start, length):
        if length <= 0:
            return b""
        answer = client.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{start + length - 1}")
        return answer["Body"].read()

    return read


def memory_reader(objects: dict[str, bytes]) -> RangedReader:
    """A ranged reader over bytes held in memory, keyed like storage (for tests and tools)."""

    def read(key, start, length):
        return objects[key][start : start + length]

    return read


def inclusive_range_reader(read_range) -> RangedReader:
    """A ranged reader over a ``read_range(key, start, end)`` whose end is inclusive, as HTTP ranges are."""

    def read(key, start, length):
        return read_range(key, start, start + length - 1) if length > 0 else b""

    return read
