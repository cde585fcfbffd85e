"""The records of a request as FHIR R4: a DocumentReference per file, an ImagingStudy per DICOM study.

No URL to a stored object is ever written: the receiving system asks the portal for a file.
"""

import base64
import re
from datetime import date

from ..models import DocumentCategory, DocumentStatus, ReportType
from ..uploads import sniffing
from ..uploads.content_types import CONTENT_TYPES
from .common import choice_concept, datetime_value, new_resource, prune, reference, resource_uuid, system_base

DICOM_MODALITY_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM"
# R4's Attachment.size is an unsignedInt (at most 2**31 - 1); a larger size cannot be written.
MAX_ATTACHMENT_SIZE = 2**31 - 1
# Header values come from the family's files: only well-formed ones reach the bundle.
DICOM_UID = re.compile(r"[0-9]+(\.[0-9]+)*")
DICOM_MODALITY = re.compile(r"[A-Z0-9_]{1,16}")
MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")


def sha256_extension_url():
    """Where an attachment's SHA-256 is written (R4 has no element for it)."""
    return f"{system_base()}/StructureDefinition/attachment-sha256"


def dicom_header(document):
    """The DICOM header summary of a single DICOM file (not a ZIP's sample header), or {}."""
    if document.detected_type != sniffing.DICOM:
        return {}
    return (document.metadata or {}).get("dicom") or {}


def _valid_uid(value):
    return bool(value) and len(value) <= 64 and DICOM_UID.fullmatch(value) is not None


def imaging_studies(request_obj, documents, child):
    """``{study_uid: ImagingStudy}`` for the DICOM files whose headers name their study and series."""
    studies = {}
    for document in documents:
        header = dicom_header(document)
        study_uid, series_uid = header.get("study_uid", ""), header.get("series_uid", "")
        if _valid_uid(study_uid) and _valid_uid(series_uid):
            studies.setdefault(study_uid, {}).setdefault(series_uid, []).append(header)
    return {uid: _imaging_study(request_obj, uid, series, child) for uid, series in studies.items()}


def _imaging_study(request_obj, study_uid, series, child):
    rows = [_series(uid, headers) for uid, headers in series.items()]
    first = next(iter(series.values()))[0]
    modalities = {row["modality"]["code"]: row["modality"] for row in rows}
    return new_resource(
        "ImagingStudy",
        resource_uuid(request_obj, "ImagingStudy", study_uid),
        identifier=[{"system": "urn:dicom:uid", "value": f"urn:oid:{study_uid}"}],
        status="available",
        modality=list(modalities.values()),
        subject=reference(child),
        started=_study_date(first.get("study_date")),
        numberOfSeries=len(rows),
        numberOfInstances=sum(row["numberOfInstances"] for row in rows),
        description=first.get("study_description"),
        series=rows,
    )


def _series(uid, headers):
    """One series: each uploaded DICOM file is one instance of it."""
    first = headers[0]
    modality = first.get("modality", "")
    number = first.get("series_number", "")
    return prune(
        {
            "uid": uid,
            "number": int(number) if number.isdigit() and int(number) <= MAX_ATTACHMENT_SIZE else None,
            "modality": {
                "system": DICOM_MODALITY_SYSTEM,
                # "OT" (other) is DICOM's own code for a modality the header does not give.
                "code": modality if DICOM_MODALITY.fullmatch(modality) else "OT",
            },
            "description": first.get("series_description"),
            "numberOfInstances": len(headers),
        }
    )


def _study_date(value):
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def document_reference(request_obj, document, child, study=None):
    """One uploaded (or still uploading) file: what it is, its size and checksum; never where it is stored."""
    report = choice_concept(ReportType, document.report_type, "report-type")
    category = choice_concept(DocumentCategory, document.category, "document-category")
    return new_resource(
        "DocumentReference",
        document.public_id,
        status="current",
        docStatus="final" if document.status == DocumentStatus.UPLOADED else "preliminary",
        type=report or category,
        category=[category] if category else [],
        subject=reference(child),
        date=datetime_value(document.completed_at or document.created_at),
        description=sniffing.TYPE_LABELS.get(document.detected_type),
        content=[{"attachment": _attachment(document)}],
        context={"related": [reference(study)]} if study else None,
    )


def _attachment(document):
    size = document.stored_size if document.stored_size is not None else document.declared_size
    metadata = document.metadata or {}
    attachment = prune(
        {
            "contentType": _content_type(document),
            "title": document.original_name,
            "size": size if 0 <= size <= MAX_ATTACHMENT_SIZE else None,
            "creation": datetime_value(document.completed_at),
        }
    )
    # R4's Attachment.hash is the base64 of a SHA-1 digest; a SHA-256 goes in an extension of our own.
    if re.fullmatch(r"[0-9a-f]{40}", str(metadata.get("sha1", ""))):
        attachment["hash"] = base64.b64encode(bytes.fromhex(metadata["sha1"])).decode()
    if re.fullmatch(r"[0-9a-f]{64}", str(metadata.get("sha256", ""))):
        digest = base64.b64encode(bytes.fromhex(metadata["sha256"])).decode()
        attachment["extension"] = [{"url": sha256_extension_url(), "valueBase64Binary": digest}]
    return attachment


def _content_type(document):
    if document.detected_type in CONTENT_TYPES:
        return CONTENT_TYPES[document.detected_type]
    declared = document.declared_content_type
    return declared if declared and MIME_TYPE.fullmatch(declared) else None
