"""ZIP archives inspected by unpacking every entry as a stream, never by trusting what their headers say.

``inspect_archive`` reads a stored ZIP through a seekable file (ranged reads on S3) and
decompresses each entry in bounded pieces, counting the bytes it really produces: a bomb is
stopped by the total, the ratio per entry and overall, and the entry count, however its headers
lie. Each entry's type is decided by its content (``content_types``) and must be on the
category's allow-list; names must stay inside the archive's folder; nested ZIPs are inspected
the same way to a depth limit (a nested one is unpacked into a temporary file, bounded by the
same total). Nothing is extracted to disk except those nested archives.

Entries are read in file order, local header then data, so over S3 a ``sniffing.RangedReader``
with a readahead of a few MiB reads the object about once, in sequential ranged GETs.
"""

import bz2
import io
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..models.choices import DocumentCategory
from . import sniffing
from .content_types import EMPTY, MARKUP, PROGRAM, TEXT, entry_kind

MiB = 1024 * 1024
READ_BYTES = 1 * MiB  # raw bytes per read from storage
OUTPUT_BYTES = 1 * MiB  # decompressed bytes per step: memory stays bounded whatever the ratio
NESTED_SPOOL_BYTES = 8 * MiB  # a nested ZIP smaller than this is held in memory, a larger one on disk
_HEAD_BYTES = sniffing.SNIFF_BYTES
_TAIL_BYTES = 1024

DAMAGED = _("The ZIP file is damaged or incomplete.")
TOO_MANY_FILES = _("The ZIP file holds too many files.")
TOO_LARGE = _("The ZIP file would be too large once unpacked.")
BOMB = _("The ZIP file unpacks to far more data than it holds, the way harmful archives do.")
SIZES_MISMATCH = _("The sizes recorded inside the ZIP file do not match what it really holds.")
PATH_ESCAPES = _("The ZIP file has an entry that points outside its folder.")
LINK = _("The ZIP file contains a link to another place on the computer.")
TOO_DEEP = _("The ZIP file has ZIP files inside ZIP files too many levels deep.")
ENCRYPTED = _("The ZIP file is protected by a password. Please upload it without a password.")
PROGRAM_INSIDE = _(
    "The ZIP file contains a program, script or web page, which we cannot accept. "
    "Please upload only the images and documents."
)
NOT_ACCEPTED_INSIDE = _("The ZIP file contains a file that is not an image or document we accept here.")
UNSUPPORTED_METHOD = _(
    "The ZIP file is compressed in a way we cannot check. Please make it again with your computer's "
    "standard “compress” option."
)


@dataclass(frozen=True)
class ArchiveLimits:
    max_total_bytes: int  # decompressed bytes at every level together
    max_entries: int  # entries at every level together
    max_ratio: int = 100  # decompressed / compressed, per entry and per archive
    ratio_floor_bytes: int = 10 * MiB  # below this, small entries may compress better than the ratio
    max_depth: int = 3  # the upload is level 1; a ZIP in it level 2
    max_directory_bytes: int = 16 * MiB  # a central directory larger than this is refused unread


@dataclass
class ArchiveReport:
    uncompressed_bytes: int = 0  # the real total of the upload's own entries (what unzipping it gives)
    inspected_bytes: int = 0  # every level, nested archives and their contents included
    entries: int = 0  # every level
    kinds: dict = field(default_factory=dict)  # content type -> entries of it


class ArchiveRefused(Exception):
    """The archive breaks a rule; ``reason`` is for the family, ``entry_name`` the entry at fault ("" if none)."""

    def __init__(self, reason, entry_name=""):
        super().__init__(str(reason))
        self.reason = reason
        self.entry_name = entry_name


def entry_kinds_for(category):
    """The content types a ZIP uploaded in ``category`` may hold (empty: the category takes no ZIP)."""
    images = {sniffing.DICOM, sniffing.JPEG, sniffing.PNG, sniffing.TIFF}
    documents = {sniffing.PDF, TEXT, EMPTY}
    if category in (DocumentCategory.SCANS, DocumentCategory.SLIDES):
        return frozenset(images | documents | {sniffing.ZIP})
    return frozenset()


def inspect_archive(fileobj, allowed_kinds, limits: ArchiveLimits) -> ArchiveReport:
    """Unpack every entry of the ZIP in ``fileobj`` as a stream and check it; raises ArchiveRefused."""
    inspection = _Inspection(frozenset(allowed_kinds), limits)
    inspection.report.uncompressed_bytes = inspection.archive(fileobj, depth=1)
    return inspection.report


class _Inspection:
    def __init__(self, allowed_kinds, limits):
        self.allowed_kinds = allowed_kinds
        self.limits = limits
        self.report = ArchiveReport()

    def archive(self, fileobj, depth):
        """Check one archive level; return the real decompressed total of its entries."""
        size = fileobj.seek(0, io.SEEK_END)
        infos, directory_start = self._directory(fileobj)
        self.report.entries += len(infos)
        if self.report.entries > self.limits.max_entries:
            raise ArchiveRefused(TOO_MANY_FILES)
        if sum(info.file_size for info in infos) > self.limits.max_total_bytes:
            raise ArchiveRefused(TOO_LARGE)  # the claim alone is too much: no need to unpack
        for info in infos:
            _check_entry_header(info)  # names, links, passwords: refused before anything is unpacked
        level = _Level(size)
        for info, data_offset in _entry_data_offsets(fileobj, infos, directory_start):
            if info.is_dir():
                continue
            self._entry(fileobj, info, data_offset, depth, level)
        return level.total

    def _directory(self, fileobj):
        """The central directory's entries and where it starts, with no single read over the directory limit."""
        try:
            with zipfile.ZipFile(sniffing.DirectoryBoundedReader(fileobj, self.limits.max_directory_bytes)) as archive:
                return archive.infolist(), archive.start_dir
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as error:
            raise ArchiveRefused(DAMAGED) from error

    def _entry(self, fileobj, info, data_offset, depth, level):
        """Decompress one entry, counting and checking as it goes; inspect it if it is a ZIP itself."""
        entry = _EntryStream(info)
        with tempfile.SpooledTemporaryFile(max_size=NESTED_SPOOL_BYTES) as spool:
            for piece in _decompressed(fileobj, info, data_offset):
                entry.add(piece, spool)
                self.report.inspected_bytes += len(piece)
                if self.report.inspected_bytes > self.limits.max_total_bytes:
                    raise ArchiveRefused(TOO_LARGE, info.filename)
                if entry.exceeds_ratio(self.limits):
                    raise ArchiveRefused(BOMB, info.filename)
                level.add(len(piece), self.limits)
            entry.check_complete()
            kind = entry_kind(info.filename, entry.head, entry.tail, entry.size)
            self.report.kinds[kind] = self.report.kinds.get(kind, 0) + 1
            if kind not in self.allowed_kinds:
                reason = PROGRAM_INSIDE if kind in (PROGRAM, MARKUP) else NOT_ACCEPTED_INSIDE
                raise ArchiveRefused(reason, info.filename)
            if kind == sniffing.ZIP:
                if depth >= self.limits.max_depth:
                    raise ArchiveRefused(TOO_DEEP, info.filename)
                self.archive(spool, depth + 1)


class _Level:
    """The running decompressed total of one archive level, bounded by the ratio to the archive's size."""

    def __init__(self, archive_size):
        self.archive_size = archive_size
        self.total = 0

    def add(self, count, limits):
        self.total += count
        if self.total > limits.ratio_floor_bytes and self.total > limits.max_ratio * max(self.archive_size, 1):
            raise ArchiveRefused(BOMB)


class _EntryStream:
    """What one entry really holds: its size, CRC, first and last bytes; a copy of it if it is a ZIP."""

    def __init__(self, info):
        self.info = info
        self.size = 0
        self.crc = 0
        self.head = b""
        self.tail = b""
        self.is_zip = None

    def add(self, piece, spool):
        seen_before = self.size
        self.size += len(piece)
        self.crc = zlib.crc32(piece, self.crc)
        if len(self.head) < _HEAD_BYTES:
            self.head += piece[: _HEAD_BYTES - len(self.head)]
        self.tail = (self.tail + piece[-_TAIL_BYTES:])[-_TAIL_BYTES:]
        if self.is_zip is None and len(self.head) >= 4:
            self.is_zip = sniffing.detect_type(self.head[:4]) == sniffing.ZIP
            if self.is_zip:
                spool.write(self.head[:seen_before])  # the few bytes before this piece, all in the head
        if self.is_zip:
            spool.write(piece)

    def exceeds_ratio(self, limits):
        return self.size > limits.ratio_floor_bytes and self.size > limits.max_ratio * max(self.info.compress_size, 1)

    def check_complete(self):
        """The real size and CRC must be the ones the directory claims (a lying header is refused)."""
        if self.size != self.info.file_size:
            raise ArchiveRefused(SIZES_MISMATCH, self.info.filename)
        if self.crc != self.info.CRC:
            raise ArchiveRefused(DAMAGED, self.info.filename)


def _check_entry_header(info):
    """Refuse names that escape the folder, links, encrypted entries and methods we cannot unpack."""
    name = info.orig_filename
    if "\\" in name or "\x00" in name or not name or not sniffing.zip_entry_stays_inside(name):
        raise ArchiveRefused(PATH_ESCAPES, info.filename)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ArchiveRefused(LINK, info.filename)
    if info.flag_bits & 0x1:
        raise ArchiveRefused(ENCRYPTED, info.filename)
    if info.is_dir() and (info.file_size or info.compress_size):
        raise ArchiveRefused(DAMAGED, info.filename)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2):
        raise ArchiveRefused(UNSUPPORTED_METHOD, info.filename)


def _entry_data_offsets(fileobj, infos, directory_start):
    """(info, where its data starts) in file order, from each local header as it comes: one pass over the file.

    Entries whose data would run into the next entry (or the directory) are refused: sharing data
    is how overlapping bombs multiply their output.
    """
    ordered = sorted(infos, key=lambda i: i.header_offset)
    ends = [following.header_offset for following in ordered[1:]] + [directory_start]
    for info, end in zip(ordered, ends, strict=True):
        fileobj.seek(info.header_offset)
        header = fileobj.read(zipfile.sizeFileHeader)
        if len(header) != zipfile.sizeFileHeader:
            raise ArchiveRefused(DAMAGED, info.filename)
        fields = struct.unpack(zipfile.structFileHeader, header)
        name_length, extra_length = fields[10], fields[11]  # zipfile's _FH_FILENAME_LENGTH, _FH_EXTRA_FIELD_LENGTH
        encoding = "utf-8" if fields[3] & 0x800 else "cp437"
        local_name = fileobj.read(name_length).decode(encoding, "replace")
        # A local header naming another file than the directory would fool tools that read local headers.
        if fields[0] != zipfile.stringFileHeader or local_name != info.orig_filename:
            raise ArchiveRefused(DAMAGED, info.filename)
        data_offset = info.header_offset + zipfile.sizeFileHeader + name_length + extra_length
        if data_offset + info.compress_size > end:
            raise ArchiveRefused(DAMAGED, info.filename)
        yield info, data_offset


def _decompressed(fileobj, info, data_offset):
    """The entry's decompressed bytes in pieces of at most OUTPUT_BYTES, from exactly its compressed bytes."""
    raw = _raw_chunks(fileobj, info, data_offset)
    if info.compress_type == zipfile.ZIP_STORED:
        yield from raw
        return
    inflate = _inflate_bzip2 if info.compress_type == zipfile.ZIP_BZIP2 else _inflate_deflate
    yield from inflate(raw, info)


def _raw_chunks(fileobj, info, data_offset):
    remaining = info.compress_size
    position = data_offset
    while remaining > 0:
        fileobj.seek(position)
        chunk = fileobj.read(min(READ_BYTES, remaining))
        if not chunk:
            raise ArchiveRefused(DAMAGED, info.filename)
        remaining -= len(chunk)
        position += len(chunk)
        yield chunk


def _inflate_deflate(raw, info):
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for chunk in raw:
            if decompressor.eof:
                raise ArchiveRefused(SIZES_MISMATCH, info.filename)  # compressed data after the stream's end
            data = chunk
            while True:
                piece = decompressor.decompress(data, OUTPUT_BYTES)
                if piece:
                    yield piece
                data = decompressor.unconsumed_tail
                if decompressor.eof or (not data and len(piece) < OUTPUT_BYTES):
                    break
    except zlib.error as error:
        raise ArchiveRefused(DAMAGED, info.filename) from error
    if not decompressor.eof or decompressor.unused_data:
        raise ArchiveRefused(SIZES_MISMATCH, info.filename)


def _inflate_bzip2(raw, info):
    decompressor = bz2.BZ2Decompressor()
    try:
        for chunk in raw:
            if decompressor.eof:
                raise ArchiveRefused(SIZES_MISMATCH, info.filename)
            data = chunk
            while True:
                piece = decompressor.decompress(data, OUTPUT_BYTES)
                data = b""
                if piece:
                    yield piece
                if decompressor.eof or decompressor.needs_input:
                    break
    except (OSError, EOFError) as error:
        raise ArchiveRefused(DAMAGED, info.filename) from error
    if not decompressor.eof or decompressor.unused_data:
        raise ArchiveRefused(SIZES_MISMATCH, info.filename)
