"""Previews for staff: the middle slice of a DICOM series and the thumbnail of a slide scan.

Both read stored objects only through a ranged reader (see ``ranged``), never whole files, and
return a ``PreviewResult`` (a PNG, or a sentence saying why there is none, and the bytes read).
"""

from .dicom import render_series_preview
from .images import PreviewResult
from .ranged import (
    CountingReader,
    RangedReader,
    StorageReadError,
    StoredObject,
    inclusive_range_reader,
    memory_reader,
    s3_reader,
)
from .slides import render_slide_thumbnail

__all__ = [
    "CountingReader",
    "PreviewResult",
    "RangedReader",
    "StorageReadError",
    "StoredObject",
    "inclusive_range_reader",
    "memory_reader",
    "render_series_preview",
    "render_slide_thumbnail",
    "s3_reader",
]
