"""Previews of DICOM series and slide scans, checked by the pixels of the PNG they produce."""

import io
import os
import random
import uuid

import numpy as np
import pytest
import tifffile
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.uid import MPEG4HP41, JPEG2000Lossless, JPEGBaseline8Bit, JPEGLosslessSV1, RLELossless, generate_uid

from requests_app.previews import (
    StorageReadError,
    StoredObject,
    inclusive_range_reader,
    memory_reader,
    render_series_preview,
    render_slide_thumbnail,
    s3_reader,
)

from .dicom_samples import compress, ct_slice, gradient, series_objects, to_bytes, ultrasound_jpeg

# Hounsfield bands of the window phantom: air (below the window), soft tissue (its centre), bone (above).
AIR, TISSUE, BONE = -1000, 40, 1000


def render(objects, **kwargs):
    listed = [StoredObject(key, len(data)) for key, data in objects.items()]
    return render_series_preview(listed, memory_reader(objects), **kwargs)


def pixels(preview):
    return np.asarray(Image.open(io.BytesIO(preview.png)))


def assert_left_to_right_ramp(image, tolerance):
    columns = image.astype(float).mean(axis=0)
    assert columns[:3].max() <= tolerance
    assert columns[-3:].min() >= 255 - tolerance
    assert abs(columns[len(columns) // 2] - 127.5) <= tolerance
    assert np.all(np.diff(columns) >= -tolerance)


def gradient_series(count=5, syntax=None, rows=256, cols=256):
    series_uid = generate_uid()
    datasets = [ct_slice(gradient(rows, cols), index=i, series_uid=series_uid) for i in range(count)]
    return series_objects([compress(ds, syntax) if syntax else ds for ds in datasets])


def band_phantom(**attributes):
    """Three vertical bands (air, tissue, bone) stored with slope 2 and intercept -1024."""
    hounsfield = np.repeat(np.array([AIR, TISSUE, BONE]), [85, 86, 85])
    stored = ((np.tile(hounsfield, (256, 1)) + 1024) / 2).astype(np.uint16)
    return ct_slice(stored, slope=2, intercept=-1024, WindowCenter=TISSUE, WindowWidth=400, **attributes)


def test_uncompressed_series_without_window_gets_a_percentile_window():
    preview = render(gradient_series())

    assert preview.available and (preview.width, preview.height) == (256, 256)
    assert preview.detail.startswith("percentile window")
    assert_left_to_right_ramp(pixels(preview), tolerance=4)


def test_large_image_is_scaled_to_256_pixels_on_its_longer_side():
    preview = render(series_objects([ct_slice(gradient(1600, 2400))]))

    assert (preview.width, preview.height) == (256, 171)
    assert_left_to_right_ramp(pixels(preview), tolerance=4)


@pytest.mark.parametrize("syntax", [JPEGBaseline8Bit, JPEGLosslessSV1, JPEG2000Lossless, RLELossless])
def test_compressed_series_of_cds_decode_to_the_same_picture(syntax):
    objects = gradient_series(syntax=syntax)

    preview = render(objects)

    assert preview.available, preview.detail
    assert_left_to_right_ramp(pixels(preview), tolerance=6)


def test_colour_jpeg_of_an_ultrasound_keeps_its_colours():
    rgb = np.zeros((240, 320, 3), np.uint8)
    rgb[:, :160], rgb[:, 160:] = (200, 40, 40), (40, 40, 200)

    preview = render(series_objects([ultrasound_jpeg(rgb)]))

    image = pixels(preview).astype(int)
    assert preview.detail == "colour" and image.shape == (192, 256, 3)
    assert np.abs(image[20:170, 10:110] - (200, 40, 40)).max() <= 10
    assert np.abs(image[20:170, 150:250] - (40, 40, 200)).max() <= 10


def test_series_window_is_applied_after_rescale():
    preview = render(series_objects([band_phantom()]))

    image = pixels(preview)
    assert preview.detail == "window 40/400 from the series"
    # Inside the window the tissue band sits at its centre; air and bone fall outside it.
    assert image[:, 5:80].max() == 0
    assert np.all(image[:, 90:165] == 128)
    assert image[:, 176:].min() == 255


def test_monochrome1_is_shown_inverted():
    preview = render(series_objects([band_phantom(PhotometricInterpretation="MONOCHROME1")]))

    image = pixels(preview)
    assert image[:, 5:80].min() == 255
    assert np.all(image[:, 90:165] == 127)
    assert image[:, 176:].max() == 0


def marker_series(count, *, geometry=True):
    """Slices with a white bar at column 20 + 5 * (position in the body); keys do not reveal the order."""
    series_uid = generate_uid()
    objects = {}
    for index in range(count):
        image = np.zeros((256, 256), np.uint16)
        image[:, 20 + 5 * index : 23 + 5 * index] = 1000
        ds = ct_slice(image, index=index, series_uid=series_uid, WindowCenter=500, WindowWidth=200)
        if not geometry:
            del ds.ImagePositionPatient
        objects[f"cd/{uuid.uuid4().hex}"] = (index, to_bytes(ds))
    shuffled = list(objects.items())
    random.Random(7).shuffle(shuffled)
    return {key: data for key, (_, data) in shuffled}, {key: index for key, (index, _) in objects.items()}


@pytest.mark.parametrize("geometry", [True, False], ids=["by-position", "by-instance-number"])
def test_middle_slice_is_shown_when_objects_come_out_of_order(geometry):
    objects, positions = marker_series(40, geometry=geometry)

    preview = render(objects)

    assert positions[preview.source_key] == 20
    bright_columns = np.flatnonzero(pixels(preview).mean(axis=0) > 200)
    assert bright_columns.tolist() == [120, 121, 122]


def test_multiframe_object_shows_its_middle_frame():
    frames = np.stack([np.full((64, 64), 100 * (frame + 1), np.uint16) for frame in range(5)])
    ds = ct_slice(frames[0], WindowCenter=300, WindowWidth=2)
    ds.NumberOfFrames, ds.PixelData = 5, frames.tobytes()

    image = pixels(render(series_objects([ds])))

    # Frame 2 holds 300: exactly the window's centre, above its lower edge.
    assert image.shape == (64, 64) and np.all(image == 255)


def test_header_longer_than_the_first_read_is_read_to_its_end():
    ds = band_phantom()
    ds.add_new(0x00291010, "OB", os.urandom(100 * 1024))  # vendor private data before the pixels

    preview = render(series_objects([ds]))

    assert preview.available and np.all(pixels(preview)[:, 90:165] == 128)
    assert preview.requests > 2


def test_object_without_file_meta_renders():
    ds = band_phantom()
    del ds.file_meta
    buffer = io.BytesIO()
    ds.save_as(buffer, implicit_vr=True, little_endian=True)

    preview = render({"old-cd/IM0001": buffer.getvalue()})

    assert preview.available and pixels(preview)[:, 176:].min() == 255


def test_undecodable_transfer_syntax_says_so():
    ds = ct_slice(gradient(64, 64))
    ds.PixelData = encapsulate([b"\x00\x00\x00\x01" + os.urandom(500)])
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = MPEG4HP41

    preview = render(series_objects([ds]))

    assert preview.png is None
    assert preview.detail == "preview not available: MPEG-4 AVC/H.264 High Profile / Level 4.1"


def test_corrupt_jpeg_says_not_available():
    ds = compress(ct_slice(gradient(64, 64)), JPEGBaseline8Bit)
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xdb" + os.urandom(300)])
    ds["PixelData"].VR = "OB"

    preview = render(series_objects([ds]))

    assert not preview.available and preview.detail == "preview not available: JPEG Baseline (Process 1)"


def test_objects_that_are_not_dicom_images_give_no_preview():
    report = ct_slice(gradient(8, 8))
    for keyword in ("Rows", "Columns", "PixelData"):
        delattr(report, keyword)

    preview = render({"DICOMDIR": os.urandom(3000), "SR0001": to_bytes(report)})

    assert not preview.available and preview.detail == "no image in series"


def test_storage_failure_is_raised_for_a_retry():
    def failing(key, start, length):
        raise ConnectionError("storage down")

    with pytest.raises(StorageReadError):
        render_series_preview([StoredObject("a", 1000)], failing)


def test_reader_with_inclusive_range_ends_reads_the_same_pixels():
    objects = series_objects([band_phantom()])
    listed = [StoredObject(key, len(data)) for key, data in objects.items()]

    def read_range(key, start, end):
        return objects[key][start : end + 1]

    preview = render_series_preview(listed, inclusive_range_reader(read_range))

    assert np.all(pixels(preview)[:, 90:165] == 128) and pixels(preview)[:, 176:].min() == 255


@pytest.mark.integration
def test_forty_slice_series_on_s3_reads_a_small_fraction_of_it(s3_client):
    bucket = f"previews-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    big = gradient_series(count=40, rows=512, cols=512)
    for key, data in big.items():
        s3_client.put_object(Bucket=bucket, Key=key, Body=data)
    total = sum(len(data) for data in big.values())

    preview = render_series_preview(
        [StoredObject(key, len(data)) for key, data in big.items()], s3_reader(s3_client, bucket)
    )

    assert preview.source_key == "series/0020.dcm"
    assert_left_to_right_ramp(pixels(preview), tolerance=4)
    assert preview.bytes_read < 0.05 * total
    assert preview.requests <= 40 + 3


def slide_file(pages):
    """A TIFF written by tifffile: a large tiled slide image, then the given (array, options) pages."""
    buffer = io.BytesIO()
    slide = np.full((2048, 2048, 3), 230, np.uint8)
    description = "Aperio Image Library v12.0.15\r\n2048x2048 (256x256) RAW/RGB|AppMag = 20|MPP = 0.5"
    with tifffile.TiffWriter(buffer) as tif:
        tif.write(slide, tile=(256, 256), photometric="rgb", description=description)
        for array, options in pages:
            tif.write(array, photometric="rgb", compression="jpeg", **options)
    return buffer.getvalue()


def two_colours(rows, cols, left, right):
    image = np.empty((rows, cols, 3), np.uint8)
    image[:, : cols // 2], image[:, cols // 2 :] = left, right
    return image


RED, BLUE, GREEN = (200, 30, 30), (30, 30, 200), (30, 160, 30)
THUMBNAIL = (two_colours(200, 300, RED, BLUE), {"description": "Aperio Image Library\r\n2048x2048 -> 300x200"})
LABEL = (two_colours(60, 120, GREEN, GREEN), {"subfiletype": 1, "description": "Aperio\r\nlabel 120x60"})
MACRO = (two_colours(100, 300, BLUE, RED), {"subfiletype": 9, "description": "Aperio\r\nmacro 300x100"})


def render_slide(data):
    return render_slide_thumbnail(StoredObject("slides/scan.svs", len(data)), memory_reader({"slides/scan.svs": data}))


def test_slide_thumbnail_is_returned_after_reading_a_sliver_of_the_file():
    data = slide_file([THUMBNAIL, LABEL, MACRO])

    preview = render_slide(data)

    image = pixels(preview)
    assert preview.detail == "thumbnail" and image.shape == (171, 256, 3)
    assert np.abs(image[20:150, 10:110].astype(int) - RED).max() <= 8
    assert np.abs(image[20:150, 150:250].astype(int) - BLUE).max() <= 8
    assert preview.bytes_read < 0.01 * len(data)


def test_reduced_resolution_subfile_counts_as_thumbnail():
    data = slide_file([(two_colours(200, 300, RED, BLUE), {"subfiletype": 1})])

    preview = render_slide(data)

    assert preview.detail == "thumbnail" and preview.bytes_read < 0.01 * len(data)


def test_macro_image_is_shown_when_no_thumbnail():
    preview = render_slide(slide_file([LABEL, MACRO]))

    image = pixels(preview)
    assert preview.detail == "macro image"
    assert np.abs(image[10:70, 10:110].astype(int) - BLUE).max() <= 8


def test_thumbnail_that_cannot_be_decoded_says_so():
    data = bytearray(slide_file([THUMBNAIL]))
    with tifffile.TiffFile(io.BytesIO(data)) as tif:
        offset, count = tif.pages[1].dataoffsets[0], tif.pages[1].databytecounts[0]
    data[offset : offset + count] = b"\x00" * count  # the JPEG stream, zeroed

    preview = render_slide(bytes(data))

    assert not preview.available and preview.detail == "preview not available: JPEG thumbnail"


def test_slide_without_embedded_image_says_so():
    assert render_slide(slide_file([])).detail == "no thumbnail in file"


def test_file_that_is_not_a_tiff_says_so():
    preview = render_slide(b"not a tiff at all" * 100)

    assert not preview.available and preview.detail == "preview not available: not a readable TIFF file"
