"""Malware scanning with ClamAV's clamd: a stored object is streamed to clamd in bounded chunks.

The object never sits whole in memory: storage hands over chunks, each goes to clamd as INSTREAM
frames, and clamd answers once the stream ends. clamd unpacks archives itself (ZIP inside ZIP
too), so one scan covers an archive's contents. A scanner that cannot be reached or gives up is
never "clean": the caller keeps the document quarantined and tries again later.

Settings (read only by ``scanning_enabled`` and ``configured_address``): ``MALWARE_SCANNING``
(on/off, off for the embedded default) and ``CLAMD_ADDRESS`` (a unix socket path, ``unix://path``,
``host:port`` or ``tcp://host:port``), ``CLAMD_TIMEOUT_SECONDS`` for the socket.
"""

import logging
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

logger = logging.getLogger(__name__)

CLEAN = "clean"
INFECTED = "infected"
#: clamd could not be reached or broke off: try again later.
UNAVAILABLE = "unavailable"
#: clamd answered but could not scan it all (over its size or time limits): trying again will not help.
UNSCANNABLE = "unscannable"

#: Large frames: streaming measured ~4x faster than with the client's own 1 KiB frames (clamd reads each apart).
FRAME_BYTES = 256 * 1024
DEFAULT_TIMEOUT_SECONDS = 600
#: libclamav scans no file over 2 GiB - 1; clamd's StreamMaxLength and MaxFileSize are set to this
#: (tests/fixtures/clamd.py): a larger object is UNSCANNABLE, so a caller may skip streaming it.
LARGEST_SCANNABLE_BYTES = 2000 * 1024 * 1024
# With AlertExceedsMax, clamd reports a file it did not scan completely under this name prefix.
_LIMIT_SIGNATURE_PREFIX = "Heuristics.Limits.Exceeded"


@dataclass(frozen=True)
class ScanResult:
    status: str
    signature: str = ""
    reason: str = ""

    @property
    def is_clean(self):
        """True only when clamd scanned everything and found nothing."""
        return self.status == CLEAN


def scanning_enabled():
    """Whether the MALWARE_SCANNING setting turns scanning on (off: documents are "not scanned")."""
    return bool(getattr(settings, "MALWARE_SCANNING", False))


def configured_address():
    """The CLAMD_ADDRESS setting ("" when unset)."""
    return str(getattr(settings, "CLAMD_ADDRESS", "") or "")


def configured_timeout():
    """The CLAMD_TIMEOUT_SECONDS setting: longer than clamd's MaxScanTime, since clamd answers at the end."""
    return float(getattr(settings, "CLAMD_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


def clamd_client(address, timeout=DEFAULT_TIMEOUT_SECONDS):
    """A clamd client for ``address``: a unix socket path (or unix://path), or host:port (or tcp://host:port)."""
    address = address.strip()
    if address.startswith("tcp://"):
        address = address[len("tcp://") :]
    elif address.startswith("unix://") or address.startswith("/"):
        return _StreamingUnixSocket(address, timeout=timeout)
    host, separator, port = address.rpartition(":")
    if not separator or not port.isdigit() or not host:
        raise ValueError("CLAMD_ADDRESS must be a socket path or host:port")
    return _StreamingNetworkSocket(host.strip("[]"), int(port), timeout=timeout)


def ping(address, timeout=5):
    """Whether clamd answers at ``address`` (the periodic retry asks before re-queuing scans)."""
    try:
        return clamd_client(address, timeout).ping() == "PONG"
    except (ClamdError, OSError, ValueError):
        return False


def scan_chunks(chunks: Iterable[bytes], address, timeout=DEFAULT_TIMEOUT_SECONDS):
    """Stream ``chunks`` to clamd at ``address``: clean, infected (with the signature) or why it was not scanned."""
    try:
        client = clamd_client(address, timeout)
    except ValueError as error:
        return ScanResult(UNAVAILABLE, reason=str(error))
    try:
        status, signature = client.instream_chunks(_from_source(chunks))
    except _SourceFailed as failure:
        raise failure.__cause__ from None  # storage failed, not the scanner: the caller's error to handle
    except _StreamTooLong:
        return ScanResult(UNSCANNABLE, reason="longer than clamd's StreamMaxLength")
    except (ClamdError, OSError) as error:
        # Connection refused, socket gone, broken pipe or timeout: the scanner is down or overloaded.
        logger.warning("clamd unavailable: %s", type(error).__name__)
        return ScanResult(UNAVAILABLE, reason=f"clamd unavailable ({type(error).__name__})")
    return _result(status, signature)


def _result(status, signature):
    """The ScanResult for clamd's parsed reply."""
    if status == "OK":
        return ScanResult(CLEAN)
    if status == "FOUND" and signature and signature.startswith(_LIMIT_SIGNATURE_PREFIX):
        return ScanResult(UNSCANNABLE, reason=f"over a clamd limit ({signature})")
    if status == "FOUND" and signature:
        return ScanResult(INFECTED, signature=signature)
    return ScanResult(UNAVAILABLE, reason=f"clamd answered {status}")


class _SourceFailed(Exception):
    """Reading the object failed (its cause is storage's own error)."""


def _from_source(chunks):
    """The chunks, with any error of the source wrapped so it is not taken for a scanner failure."""
    iterator = iter(chunks)
    while True:
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        except Exception as error:  # noqa: BLE001 - re-raised unchanged by scan_chunks
            raise _SourceFailed() from error
        yield chunk


class _StreamTooLong(Exception):
    """clamd closed the stream: it is longer than StreamMaxLength."""


class _StreamingMixin:
    """INSTREAM from an iterator of chunks, in large frames (the client's own ``instream`` sends 1 KiB ones)."""

    def instream_chunks(self, chunks):
        """Send every chunk as INSTREAM frames; return clamd's (status, signature)."""
        self._init_socket()
        try:
            self._send_command("INSTREAM")
            for chunk in chunks:
                view = memoryview(chunk)
                for start in range(0, len(view), FRAME_BYTES):
                    frame = view[start : start + FRAME_BYTES]
                    self.clamd_socket.sendall(struct.pack("!L", len(frame)))
                    self.clamd_socket.sendall(frame)
            self.clamd_socket.sendall(struct.pack("!L", 0))
            return self._reply()
        except (BrokenPipeError, ConnectionResetError):
            # clamd hangs up mid-stream when the stream passes StreamMaxLength; its reply says so.
            return self._reply()
        finally:
            self._close_socket()

    def _reply(self):
        """clamd's answer as (status, signature); raises _StreamTooLong for the size-limit reply."""
        reply = self._recv_response()
        if "size limit exceeded" in reply:
            raise _StreamTooLong(reply)
        if not reply:
            raise ConnectionResetError("clamd closed the connection without an answer")
        _path, signature, status = self._parse_response(reply)
        return status, signature


class _StreamingUnixSocket(_StreamingMixin, ClamdUnixSocket):
    pass


class _StreamingNetworkSocket(_StreamingMixin, ClamdNetworkSocket):
    pass
