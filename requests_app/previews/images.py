"""Turning decoded pixels into a small 8-bit PNG: windowing, inversion, scaling down, encoding."""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

# The percentile window used when a series carries no window of its own.
PERCENTILE_WINDOW = (1.0, 99.0)


@dataclass(frozen=True)
class PreviewResult:
    """What rendering produced: a PNG, or why there is none, and what it cost to read."""

    png: bytes | None
    detail: str
    source_key: str | None = None
    bytes_read: int = 0
    requests: int = 0
    width: int = 0
    height: int = 0

    @property
    def available(self):
        return self.png is not None


def linear_window(values, center, width):
    """DICOM's linear VOI window (PS3.3 C.11.2.1.2.1) from modality values to 0-255."""
    values = np.asarray(values, dtype=np.float64)
    width = max(float(width), 1.0)
    if width == 1:
        return np.where(values > center - 0.5, 255, 0).astype(np.uint8)
    scaled = ((values - (center - 0.5)) / (width - 1) + 0.5) * 255
    return np.rint(np.clip(scaled, 0, 255)).astype(np.uint8)


def percentile_window(values, percentiles=PERCENTILE_WINDOW):
    """Map the given percentiles of the values to black and white; (center, width) is returned too."""
    low, high = np.percentile(values, percentiles)
    if high <= low:
        high = low + 1
    out = np.clip((values - low) * (255.0 / (high - low)), 0, 255).astype(np.uint8)
    return out, ((low + high) / 2, high - low)


def to_uint8(values):
    """Scale colour or already-display-ready samples to 0-255 without windowing."""
    if values.dtype == np.uint8:
        return values
    values = values.astype(np.float64)
    top = values.max() if values.size else 0
    return np.clip(values * (255.0 / top), 0, 255).astype(np.uint8) if top > 0 else values.astype(np.uint8)


def decimate(pixels, max_size):
    """Every n-th row and column, keeping at least 4x the output size, so huge images window cheaply."""
    step = max(1, max(pixels.shape[:2]) // (4 * max_size))
    return pixels[::step, ::step] if step > 1 else pixels


def encode_png(pixels, max_size):
    """A PNG no larger than max_size on its longer side (never enlarged); returns (png, width, height)."""
    image = Image.fromarray(np.ascontiguousarray(pixels))
    image.thumbnail((max_size, max_size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), image.width, image.height
