"""Generated DICOM series and slide scans stored on the test S3 server as a request's uploaded documents."""

import numpy as np
from pydicom.uid import generate_uid

from .dicom_samples import ct_slice, gradient, to_bytes
from .staff import make_document


def dicom_metadata(ds):
    return {
        "dicom": {
            "modality": str(ds.Modality),
            "study_date": "2026-01-05",
            "study_description": "CHEST",
            "series_description": str(ds.get("SeriesDescription", "")),
            "series_number": str(ds.get("SeriesNumber", "")),
            "series_uid": str(ds.SeriesInstanceUID),
            "study_uid": str(ds.StudyInstanceUID),
            "instance_number": str(ds.InstanceNumber),
        }
    }


def store_series(request_obj, s3_client, bucket, count=5, description="AXIAL 5mm", number=2, study_uid=None, **attrs):
    """A CT series of ``count`` 64x64 gradient slices uploaded to the request; returns its documents."""
    series_uid, study_uid = generate_uid(), study_uid or generate_uid()
    documents = []
    for i in range(count):
        ds = ct_slice(
            gradient(64, 64),
            index=i,
            series_uid=series_uid,
            StudyInstanceUID=study_uid,
            SeriesDescription=description,
            SeriesNumber=number,
            **attrs,
        )
        data = to_bytes(ds)
        document = make_document(
            request_obj, "scans", name=f"IM{number:02d}{i:04d}.dcm", size=len(data), metadata=dicom_metadata(ds)
        )
        s3_client.put_object(Bucket=bucket, Key=document.storage_key, Body=data)
        documents.append(document)
    return documents


def png_columns(png_bytes):
    """Mean grey value of each column of a PNG."""
    import io

    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("L")).astype(float)
    return image.mean(axis=0)


SVS_DESCRIPTION = "Aperio Image Library v12.0.15\r\n1024x1024 (256x256) RAW/RGB|AppMag = 20|MPP = 0.5"


def store_slide_scan(request_obj, s3_client, bucket):
    """An SVS-like TIFF (a tiled slide, then a red/blue thumbnail) uploaded to the request as slides."""
    import io

    import tifffile

    buffer = io.BytesIO()
    thumbnail = np.zeros((100, 150, 3), np.uint8)
    thumbnail[:, :75], thumbnail[:, 75:] = (200, 30, 30), (30, 30, 200)
    with tifffile.TiffWriter(buffer) as tif:
        slide = np.full((1024, 1024, 3), 230, np.uint8)
        tif.write(slide, tile=(256, 256), photometric="rgb", description=SVS_DESCRIPTION)
        tif.write(thumbnail, photometric="rgb", description="Aperio Image Library\r\n1024x1024 -> 150x100")
    data = buffer.getvalue()
    document = make_document(
        request_obj, "slides", name="slide.svs", size=len(data), detected_type="tiff", metadata={"slide_format": "SVS"}
    )
    s3_client.put_object(Bucket=bucket, Key=document.storage_key, Body=data)
    return document
