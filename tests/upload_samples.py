"""Files for the upload tests: small real DICOM (made with pydicom), ZIPs, PDFs."""

import io
import zipfile

from pydicom import dcmwrite
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

MiB = 1024 * 1024


def dicom_bytes(pixel_bytes=64 * 1024, *, series_uid=None, modality="MR", description="BRAIN W/WO CONTRAST", images=1):
    """A valid DICOM file (128-byte preamble, DICM) whose pixel data is ``pixel_bytes`` long."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.Modality = modality
    ds.StudyDate = "20240302"
    ds.StudyDescription = description
    ds.SeriesDescription = "AX T1 POST"
    ds.SeriesNumber = 3
    ds.InstanceNumber = 1
    ds.ImagesInAcquisition = images
    ds.PatientName = "Test^Child"
    pixels = pixel_bytes // 2
    ds.Columns = 512
    ds.Rows = max(1, pixels // 512)
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = 1
    ds.PixelData = bytes(range(256)) * (pixel_bytes // 256) + b"\0" * (pixel_bytes % 256)
    out = io.BytesIO()
    dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


def pdf_bytes(size=2048):
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + b"%" * max(0, size - len(body) - 6) + b"\n%%EOF"


def zip_bytes(entries):
    """A ZIP with the given {name: bytes}; names are written as given (even "../escape")."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            archive.writestr(info, data)
    return out.getvalue()
