"""Types decided by content, head and tail: stricter PDF checks, the Content-Type the server stores,
and what a file inside an archive is (an image, a document, plain text, or a program or web page).

``sniffing.detect_type`` finds a type from the first bytes; a PDF needs more than ``%PDF-``
somewhere in the first kilobyte, since HTML can carry that text in a comment (a polyglot that a
browser would render as a page). Here a PDF must have its header within the first 1024 bytes
(where readers look for it) with nothing HTML-like before it, and ``%%EOF`` near its end.
"""

import posixpath
import re

from . import sniffing

#: Kinds of archive entries beyond sniffing's types.
TEXT = "text"
EMPTY = "empty"
PROGRAM = "program"
MARKUP = "markup"  # a web page or script: opened in a browser or interpreter, it runs
UNKNOWN = "unknown"

#: How many bytes from the start may precede ``%PDF-`` (readers search the first kilobyte).
PDF_HEADER_WINDOW = 1024
#: How many bytes at the end to read for ``%%EOF`` (readers search the last kilobyte).
PDF_TAIL_BYTES = 1024

_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
# Anything that could start markup: a tag, a comment, a doctype or processing instruction.
_MARKUP = re.compile(rb"<\s*[!?/A-Za-z]")

#: The Content-Type stored with an object, decided by the server from the sniffed type.
CONTENT_TYPES = {
    sniffing.DICOM: "application/dicom",
    sniffing.ZIP: "application/zip",
    sniffing.PDF: "application/pdf",
    sniffing.JPEG: "image/jpeg",
    sniffing.PNG: "image/png",
    sniffing.HEIC: "image/heic",
    sniffing.TIFF: "image/tiff",
}
#: What is stored for anything else: browsers never render it.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def is_pdf(head: bytes, tail: bytes) -> bool:
    """True when ``%PDF-x.y`` is in the first 1024 bytes with no markup before it and ``%%EOF`` is in ``tail``."""
    match = _PDF_HEADER.search(head[: PDF_HEADER_WINDOW + 8])
    if match is None or match.start() >= PDF_HEADER_WINDOW:
        return False
    if _MARKUP.search(head[: match.start()]):
        return False
    return b"%%EOF" in tail[-PDF_TAIL_BYTES:]


def detect_kind(head: bytes, tail: bytes) -> str | None:
    """The type the content shows (sniffing's types), with PDF only when ``is_pdf`` holds."""
    kind = sniffing.detect_type(head)
    if kind == sniffing.PDF and not is_pdf(head, tail):
        # "%PDF-" in the first kilobyte made sniffing stop there: without it, what else is the content?
        kind = sniffing.detect_type(head.replace(b"%PDF-", b"%pdf-"))
    return kind


def stored_content_type(kind: str | None) -> str:
    """The Content-Type to store for a sniffed type (never the browser's)."""
    return CONTENT_TYPES.get(kind, FALLBACK_CONTENT_TYPE)


# --- files inside archives -------------------------------------------------------------------

# Names Windows or macOS would run (or open in a browser) on a double-click, whatever they hold.
_RUNNABLE_EXTENSIONS = {
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".msp", ".bat", ".cmd", ".ps1", ".psm1",
    ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".hta", ".jar", ".lnk", ".reg", ".sh", ".command",
    ".app", ".py", ".pl", ".rb", ".php", ".html", ".htm", ".xhtml", ".shtml", ".svg", ".mht", ".mhtml",
    ".url", ".chm", ".ocx", ".sys", ".apk", ".dmg", ".pkg", ".elf", ".so", ".dylib",
}  # fmt: skip
# PE/DOS, ELF, Mach-O (both byte orders, 32/64-bit, fat), Android dex, Windows shortcut.
_PROGRAM_MAGICS = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"dex\n", b"L\x00\x00\x00\x01\x14\x02\x00",
)  # fmt: skip
_WEB_OR_SCRIPT = re.compile(
    rb"<\s*(html|head|body|script|iframe|frame|object|embed|svg|meta|form|a\s)|<!doctype\s+html|<\?php"
    rb"|javascript:|vbscript:|\A\s*#!|@echo\s+off|powershell|wscript\.|createobject\s*\(",
    re.IGNORECASE,
)
_TEXT_CONTROLS = bytes(set(range(32)) - {9, 10, 12, 13})


def entry_kind(name: str, head: bytes, tail: bytes, size: int) -> str:
    """What an archive entry is, by its content (a runnable name makes it a program whatever it holds)."""
    if posixpath.splitext(name.lower().rstrip(". "))[1] in _RUNNABLE_EXTENSIONS:
        return PROGRAM
    if size == 0:
        return EMPTY
    kind = detect_kind(head, tail)
    if kind is not None:
        return kind
    text = _as_text(head, tail)
    if text is not None:
        return MARKUP if _WEB_OR_SCRIPT.search(text) else TEXT
    if head.startswith(_PROGRAM_MAGICS):
        return PROGRAM
    return UNKNOWN


def _as_text(head: bytes, tail: bytes) -> bytes | None:
    """The first and last bytes as one text to search (UTF-16 made 8-bit), or None if they are not text."""
    sample = head + b"\n" + tail
    boms = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
    encoding = boms.get(head[:2])
    if encoding:
        # Notepad's "Unicode" text: compare it as UTF-8 (the tail may start mid-character: harmless).
        decoded = head[2:].decode(encoding, "replace") + "\n" + tail.decode(encoding, "replace")
        sample = decoded.encode("utf-8", "replace")
    if b"\x00" in sample:
        return None
    controls = len(sample) - len(sample.translate(None, _TEXT_CONTROLS))
    return sample if controls * 100 <= len(sample) else None
