"""The preview of a slide scan (TIFF, SVS, NDPI): the small image the scanner embedded in the file.

Whole-slide files are several GB, so only TIFF directories and the chosen small page are read,
through a ranged file; the full-resolution image (page 0) is never decoded.
"""

import logging

import numpy as np
import tifffile

from .images import PreviewResult, encode_png, to_uint8
from .ranged import CountingReader, KiB, RangedFile, StorageReadError

logger = logging.getLogger(__name__)

MAX_PREVIEW_SIZE = 256
TIFF_FETCH = 16 * KiB
MAX_PAGES = 64  # directories walked at most; slide files have a handful
MAX_PIXELS = 16 * 1024 * 1024  # a candidate bigger than this is a pyramid level, not a thumbnail
# Which embedded image is shown when several are present: the thumbnail shows the tissue best.
KIND_ORDER = ("thumbnail", "reduced level", "macro image", "label image")
NDPI_MACRO, NDPI_MAP = -1.0, -2.0


def page_kind(index, page, first):
    """What an embedded page is (one of KIND_ORDER), or None for the slide itself and other pages."""
    if index == 0:
        return None
    if page.is_ndpi:
        magnification = page.ndpi_tags.get("Magnification")
        return "macro image" if magnification == NDPI_MACRO else None
    description = (page.description or "").lower()
    for word in ("label", "macro", "thumbnail"):
        if description.startswith(word) or f"\n{word}" in description:
            return "thumbnail" if word == "thumbnail" else f"{word} image"
    # Aperio SVS: the second directory, stripped rather than tiled, is the thumbnail.
    if index == 1 and first.is_svs and not page.is_tiled:
        return "thumbnail"
    if page.is_reduced:
        return "reduced level" if page.is_tiled else "thumbnail"
    return None


def find_embedded_image(tif):
    """The best embedded page of a TIFF (see KIND_ORDER) small enough to decode, and its kind."""
    first = tif.pages.first
    found = {}
    for index, page in enumerate(tif.pages):
        if index >= MAX_PAGES:
            break
        kind = page_kind(index, page, first)
        if kind and kind not in found and page.imagewidth * page.imagelength <= MAX_PIXELS:
            found[kind] = page
            if kind == KIND_ORDER[0]:
                break  # nothing is preferred to a thumbnail: leave the later directories unread
    for kind in KIND_ORDER:
        if kind in found:
            return found[kind], kind
    return None, None


def display_samples(arr):
    """Grey or RGB 8-bit pixels from a decoded TIFF page (samples last, alpha dropped)."""
    arr = np.squeeze(arr)
    if arr.ndim == 3 and arr.shape[0] in (3, 4) and arr.shape[-1] not in (3, 4):
        arr = np.moveaxis(arr, 0, -1)  # planar configuration: samples first
    if arr.ndim == 3:
        arr = arr[..., :3] if arr.shape[-1] >= 3 else arr[..., 0]
    return to_uint8(arr)


def render_slide_thumbnail(obj, read, *, max_size=MAX_PREVIEW_SIZE):
    """Preview of one slide scan given as a StoredObject; never raises except StorageReadError."""
    counter = CountingReader(read)

    def result(png=None, detail="", width=0, height=0):
        return PreviewResult(png, detail, obj.key, counter.bytes_read, counter.requests, width, height)

    try:
        with tifffile.TiffFile(RangedFile(counter, obj, first_fetch=TIFF_FETCH)) as tif:
            page, kind = find_embedded_image(tif)
            if page is None:
                return result(detail="no thumbnail in file")
            try:
                png, width, height = encode_png(display_samples(page.asarray()), max_size)
            except StorageReadError:
                raise
            except Exception as exc:
                logger.info("Slide thumbnail not decoded: %s", type(exc).__name__)
                return result(detail=f"preview not available: {page.compression.name} {kind}")
    except StorageReadError:
        raise
    except Exception as exc:
        logger.info("Slide file unreadable for preview: %s", type(exc).__name__)
        return result(detail="preview not available: not a readable TIFF file")
    return result(png, kind, width, height)
