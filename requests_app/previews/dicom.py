"""The preview of a DICOM series: the middle slice, chosen from headers alone, windowed into a PNG.

Only headers are read for the whole series (one bounded ranged read each, longer only when a
header is), then the chosen object's header again and the one frame that is shown.
"""

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.pixels import apply_color_lut, apply_modality_lut, pixel_array
from pydicom.uid import UID, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from .images import PreviewResult, decimate, encode_png, linear_window, percentile_window, to_uint8
from .ranged import CountingReader, KiB, MiB, RangedFile, StorageReadError, StoredObject

logger = logging.getLogger(__name__)

# Most CT/MR headers fit in 8 KiB; a longer one (vendor private data) grows the read as it is parsed.
HEADER_FETCH = 8 * KiB
HEADER_LIMIT = 4 * MiB
HEADER_WORKERS = 8
MAX_PREVIEW_SIZE = 256


@dataclass(frozen=True)
class SliceHeader:
    """One object of the series, its header (everything before Pixel Data) and where it lies."""

    obj: StoredObject
    ds: Dataset
    series: str
    position: float | None  # along the slice normal, in mm
    instance: int | None


def _position_along_normal(ds):
    try:
        orientation = np.asarray(ds.ImageOrientationPatient, float)
        position = np.asarray(ds.ImagePositionPatient, float)
        if orientation.shape != (6,) or position.shape != (3,):
            return None
        return float(np.dot(position, np.cross(orientation[:3], orientation[3:])))
    except (AttributeError, TypeError, ValueError):
        return None


def _instance_number(ds):
    try:
        return int(ds.InstanceNumber)
    except (AttributeError, TypeError, ValueError):
        return None


def frame_count(ds):
    try:
        return max(1, int(ds.get("NumberOfFrames") or 1))
    except (TypeError, ValueError):
        return 1


def read_header(read, obj):
    """The header of one object, or None when it is not a DICOM image (or its header has no end)."""
    file = RangedFile(read, obj, first_fetch=HEADER_FETCH, limit=HEADER_LIMIT)
    try:
        ds = pydicom.dcmread(file, stop_before_pixels=True, force=True)
        if "Rows" not in ds or "Columns" not in ds:
            return None
        series = str(ds.get("SeriesInstanceUID", ""))
    except StorageReadError:
        raise
    except Exception as exc:
        logger.info("DICOM header unreadable for preview: %s", type(exc).__name__)
        return None
    # Worked out here, in the reading threads, so that ordering 400 slices costs no parsing later.
    return SliceHeader(obj, ds, series, _position_along_normal(ds), _instance_number(ds))


def read_headers(objects, read, workers=HEADER_WORKERS):
    """Headers of the objects that are DICOM images, read a few at a time (storage latency, not CPU)."""
    objects = list(objects)
    if not objects:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(objects)))) as pool:
        return [header for header in pool.map(lambda obj: read_header(read, obj), objects) if header]


def order_slices(headers):
    """Slices in anatomical order: position along the slice normal, else InstanceNumber, else as given."""
    if all(h.position is not None for h in headers):
        return sorted(headers, key=lambda h: h.position)
    if all(h.instance is not None for h in headers):
        return sorted(headers, key=lambda h: h.instance)
    return list(headers)


def middle_slice(headers):
    """The representative slice of the series' largest run (one SeriesInstanceUID) and its frame index."""
    series = Counter(h.series for h in headers).most_common(1)[0][0]
    ordered = order_slices([h for h in headers if h.series == series])
    chosen = ordered[len(ordered) // 2]
    return chosen, frame_count(chosen.ds) // 2


def transfer_syntax(ds):
    """The header's transfer syntax; for files without file meta, the encoding pydicom found."""
    uid = getattr(ds, "file_meta", Dataset()).get("TransferSyntaxUID")
    if uid:
        return UID(uid)
    implicit, little = ds.original_encoding
    if implicit:
        return ImplicitVRLittleEndian
    return ExplicitVRLittleEndian if little else ExplicitVRBigEndian


def _first(value):
    return float(value[0] if isinstance(value, MultiValue) else value)


def series_window(ds):
    """The first (center, width) pair the object carries, or None when it has no usable one."""
    try:
        center, width = _first(ds.WindowCenter), _first(ds.WindowWidth)
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    return (center, width) if width >= 1 else None


def display_pixels(arr, ds):
    """8-bit display pixels and how they were windowed: rescale, window (own or percentile), invert."""
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    if photometric == "PALETTE COLOR":
        return to_uint8(apply_color_lut(arr, ds)), "palette colour"
    if arr.ndim == 3:
        return to_uint8(arr[..., :3]), "colour"
    values = apply_modality_lut(arr, ds).astype(np.float64)
    window = series_window(ds)
    if window:
        out, detail = linear_window(values, *window), "window {:g}/{:g} from the series".format(*window)
    else:
        out, (center, width) = percentile_window(values)
        detail = f"percentile window {center:g}/{width:g}"
    if photometric == "MONOCHROME1":
        out = 255 - out
    return out, detail


def decode_frame(read, header, frame):
    """The stored values of one frame, reading that object's header and that frame only."""
    file = RangedFile(read, header.obj, first_fetch=HEADER_FETCH)
    frames = frame_count(header.ds)
    # Passed always: files written without file meta (common on old CDs) carry no transfer syntax.
    syntax = transfer_syntax(header.ds)
    return pixel_array(file, index=frame if frames > 1 else None, transfer_syntax_uid=syntax)


def render_series_preview(objects, read, *, max_size=MAX_PREVIEW_SIZE, workers=HEADER_WORKERS):
    """Preview of one DICOM series given as StoredObjects; never raises except StorageReadError."""
    counter = CountingReader(read)

    def result(png=None, detail="", key=None, width=0, height=0):
        return PreviewResult(png, detail, key, counter.bytes_read, counter.requests, width, height)

    headers = read_headers(objects, counter, workers)
    if not headers:
        return result(detail="no image in series")
    chosen, frame = middle_slice(headers)
    syntax = transfer_syntax(chosen.ds)
    try:
        pixels, detail = display_pixels(decimate(decode_frame(counter, chosen, frame), max_size), chosen.ds)
        png, width, height = encode_png(pixels, max_size)
    except StorageReadError:
        raise
    except Exception as exc:
        logger.info("DICOM preview not rendered (%s): %s", syntax.name, type(exc).__name__)
        return result(detail=f"preview not available: {syntax.name}", key=chosen.obj.key)
    return result(png, detail, chosen.obj.key, width, height)
