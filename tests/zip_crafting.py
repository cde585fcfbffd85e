"""Hostile ZIPs for the archive-inspection tests: bombs built by streaming, and headers patched to lie."""

import struct
import zipfile

MiB = 1024 * 1024
GiB = 1024 * MiB


def write_zeros_zip(path, size=GiB, name="scan/zeros.dcm"):
    """Write a ZIP whose one entry is ``size`` zero bytes, deflated as they stream in (1 GiB -> about 1 MB)."""
    zeros = bytes(MiB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as entry:
        for _ in range(size // MiB):
            entry.write(zeros)
    return path


def _central_entries(data):
    """Offsets of each central-directory record (the archive must have no comment)."""
    count, _size, start = struct.unpack("<HII", data[-12:-2])
    offsets, position = [], start
    for _ in range(count):
        assert data[position : position + 4] == b"PK\x01\x02"
        offsets.append(position)
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[position + 28 : position + 34])
        position += 46 + name_length + extra_length + comment_length
    return offsets


def patch_entry(data, index=0, *, crc=None, file_size=None, flag_bits=None, header_offset=None):
    """``data`` with entry ``index``'s claims changed in the central directory and its local header."""
    patched = bytearray(data)
    central = _central_entries(data)[index]
    local = struct.unpack("<I", data[central + 42 : central + 46])[0]
    # (central offset, local offset, format) of each field a tool would believe.
    fields = {"crc": (16, 14, "<I"), "file_size": (24, 22, "<I"), "flag_bits": (8, 6, "<H")}
    for field, value in (("crc", crc), ("file_size", file_size), ("flag_bits", flag_bits)):
        if value is not None:
            central_at, local_at, fmt = fields[field]
            struct.pack_into(fmt, patched, central + central_at, value)
            struct.pack_into(fmt, patched, local + local_at, value)
    if header_offset is not None:
        struct.pack_into("<I", patched, central + 42, header_offset)
    return bytes(patched)
