"""DICOM series and slide files made in memory for the preview tests and benchmark.

Every image is generated here with pydicom and numpy; compressed ones are encoded with maintained
encoders (pydicom's own compress() over pylibjpeg-openjpeg and pylibjpeg-rle, Pillow for JPEG
baseline, libjpeg-turbo through imagecodecs for JPEG lossless).
"""

import io

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    CTImageStorage,
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLosslessSV1,
    RLELossless,
    generate_uid,
)


def gradient(rows, cols, low=0, high=4095, dtype=np.uint16):
    """A left-to-right ramp from low to high, the same on every row."""
    return np.tile(np.linspace(low, high, cols).round().astype(dtype), (rows, 1))


def ct_slice(pixels, *, index=0, series_uid=None, slope=1, intercept=0, **attributes):
    """A CT image object: one slice at z = 2.5 * index, InstanceNumber index + 1, given stored pixels."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = generate_uid()
    ds.Modality = "CT"
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [0.0, 0.0, 2.5 * index]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = ds.BitsAllocated
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
    ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.tobytes()
    return ds


def to_bytes(ds):
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def compress(ds, syntax):
    """The object with its pixels encoded in one of the compressed transfer syntaxes of CDs."""
    pixels = ds.pixel_array
    if syntax in (JPEG2000Lossless, RLELossless):
        ds.compress(syntax, generate_instance_uid=False)
        return ds
    if syntax == JPEGBaseline8Bit:
        from PIL import Image

        frame = io.BytesIO()
        eight_bit = (pixels.astype(np.float64) * 255 / max(int(pixels.max()), 1)).round().astype(np.uint8)
        Image.fromarray(eight_bit).save(frame, format="JPEG", quality=95)
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        encoded = frame.getvalue()
    elif syntax == JPEGLosslessSV1:
        import imagecodecs

        encoded = imagecodecs.jpeg8_encode(pixels, lossless=True, predictor=1, bitspersample=ds.BitsStored)
    else:
        raise ValueError(f"no encoder here for {syntax.name}")
    ds.PixelData = encapsulate([encoded])
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = syntax
    return ds


def series_objects(datasets, prefix="series"):
    """{storage key: bytes} for a list of datasets, keyed by position in the list."""
    return {f"{prefix}/{number:04d}.dcm": to_bytes(ds) for number, ds in enumerate(datasets)}


def ultrasound_jpeg(rgb):
    """An ultrasound-like colour image, JPEG baseline as scanners write it (YBR_FULL_422, Pillow's encoder)."""
    from PIL import Image

    ds = ct_slice(rgb[..., 0], Modality="US")
    frame = io.BytesIO()
    Image.fromarray(rgb).save(frame, format="JPEG", quality=95)
    ds.SamplesPerPixel, ds.PlanarConfiguration = 3, 0
    ds.PhotometricInterpretation = "YBR_FULL_422"
    ds.PixelData = encapsulate([frame.getvalue()])
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    return ds
