"""The records upload protocol (DESIGN §4) and its two storage backends.

1. ``start_upload`` creates a pending Document bound to the uploading request, a server-made
   object key and a multipart upload, with a part size chosen from the declared size;
2. the browser asks ``part_urls`` for the parts it still has to send (``stored_parts`` says
   which ones storage already holds, so a reload resumes instead of starting over) and PUTs
   them straight to storage, a few at a time;
3. ``complete_upload`` lists the stored parts itself (ListParts, never the browser's ETags),
   completes the object, checks its size and sniffs its type from ranged reads, and marks the
   document uploaded or rejected (deleting the object).

With S3 the part URLs are presigned S3 URLs and no file byte passes through Django. With the
embedded default (local files) they point at ``upload_views.local_part``, which checks a signed,
expiring token in the URL the way S3 checks its signature; the JavaScript client is the same.
"""

import contextlib
import logging
import math
import posixpath
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import family_session, sniffing, workflow
from .models import Document, DocumentCategory, DocumentStatus, ReportType, SecondOpinionRequest, Status

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
S3_MIN_PART = 5 * MiB
S3_MAX_PART = 5 * 1024 * MiB
S3_MAX_PARTS = 10_000
# Stay well under S3's 10,000 parts so a rounding slip can never hit the limit.
TARGET_MAX_PARTS = 9_000
PART_URL_BATCH = 100
LOCAL_PART_SALT = "requests_app.uploads.local-part"


#: The file types each category accepts (sniffed from the bytes, see sniffing.py).
ACCEPTED_TYPES = {
    DocumentCategory.SCANS: [sniffing.DICOM, sniffing.ZIP, sniffing.JPEG, sniffing.PNG],
    DocumentCategory.SLIDES: [sniffing.TIFF, sniffing.DICOM, sniffing.ZIP],
    DocumentCategory.REPORTS: [sniffing.PDF, sniffing.JPEG, sniffing.PNG, sniffing.HEIC, sniffing.TIFF],
    DocumentCategory.TREATMENT_PLAN: [sniffing.PDF, sniffing.JPEG, sniffing.PNG, sniffing.HEIC],
    DocumentCategory.INSURANCE_CARD: [sniffing.JPEG, sniffing.PNG, sniffing.HEIC, sniffing.PDF],
}
#: File name extensions the browser may offer for each type; files with none are allowed where DICOM is.
EXTENSIONS = {
    sniffing.DICOM: [".dcm", ".dicom", ".dic", ".ima"],
    sniffing.ZIP: [".zip"],
    sniffing.PDF: [".pdf"],
    sniffing.JPEG: [".jpg", ".jpeg"],
    sniffing.PNG: [".png"],
    sniffing.HEIC: [".heic", ".heif"],
    sniffing.TIFF: [".svs", ".ndpi", ".tif", ".tiff", ".scn", ".bif"],
}


class StoredPart(tuple):
    """``(number, size)`` of a part storage holds, carrying S3's ETag for completion (None on local files)."""

    def __new__(cls, number, size, etag=None):
        part = super().__new__(cls, (number, size))
        part.etag = etag
        return part


class UploadRefused(Exception):
    """A start, part or completion the server will not accept; ``message`` is shown to the family."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


# --- who may upload --------------------------------------------------------------------------


def accepts_uploads(request_obj):
    """Whether files may be added: a draft, or a submitted request the center asked records for."""
    if request_obj is None:
        return False
    if request_obj.status == Status.DRAFT:
        return True
    if request_obj.status in (Status.WITHDRAWN, Status.DECLINED, Status.COMPLETED):
        return False
    return request_obj.records_requests.filter(fulfilled_at__isnull=True).exists()


def upload_owners(http_request):
    """The requests this browser may upload to: its draft and the submitted request on its status page."""
    owners = []
    session = http_request.session
    for pk, from_draft_key in (
        (family_session.draft_id(session), True),
        (family_session.status_request_id(session), False),
    ):
        found = SecondOpinionRequest.objects.filter(pk=pk).first() if pk else None
        if found is not None and accepts_uploads(found) and found not in owners:
            if from_draft_key and not found.is_draft:
                continue  # after submission the draft key no longer opens uploads; the status page does
            owners.append(found)
    return owners


def upload_owner(http_request, context="intake"):
    """The request a new upload belongs to: the draft in the intake, the submitted request on the status page."""
    wants_draft = context != "status"
    owners = [o for o in upload_owners(http_request) if o.is_draft == wants_draft]
    return owners[0] if owners else None


def owned_document(http_request, public_id):
    """The document if this browser's draft (or status request) started it; None otherwise."""
    owner_ids = [owner.pk for owner in upload_owners(http_request)]
    if not owner_ids:
        return None
    return Document.objects.filter(public_id=public_id, request_id__in=owner_ids).first()


# --- types and sizes ---------------------------------------------------------------------------


def accepted_types(category):
    """The sniffed types a category accepts (a setting may narrow or widen the built-in list)."""
    override = settings.UPLOAD_ACCEPTED_TYPES.get(str(category))
    return list(override) if override else list(ACCEPTED_TYPES.get(category, []))


def accepted_extensions(category):
    return [ext for kind in accepted_types(category) for ext in EXTENSIONS.get(kind, [])]


def accepts_files_without_extension(category):
    return sniffing.DICOM in accepted_types(category)


def describe_accepted(category):
    """Plain words for what a category accepts, used in every refusal message."""
    kinds = ", ".join(sniffing.TYPE_LABELS[kind] for kind in accepted_types(category))
    return _("%(category)s accepts: %(kinds)s, up to %(size)s per file.") % {
        "category": DocumentCategory(category).label,
        "kinds": kinds,
        "size": human_size(settings.UPLOAD_MAX_FILE_BYTES),
    }


def human_size(size):
    size = float(size or 0)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def choose_part_size(size):
    """Parts of at least the minimum (S3: 5 MiB) and at most 9,000 of them, whole MiB."""
    minimum = max(settings.UPLOAD_MIN_PART_BYTES, 1)
    wanted = max(minimum, math.ceil(size / TARGET_MAX_PARTS))
    if wanted > minimum:
        wanted = math.ceil(wanted / MiB) * MiB
    return min(wanted, S3_MAX_PART)


def part_count(document):
    return max(1, math.ceil(document.declared_size / document.part_size))


def new_object_key(request_obj):
    """Server-made and meaningless: never from the file name, nothing about the child in it."""
    return f"records/{request_obj.public_id.hex}/{uuid.uuid4().hex}"


# --- the protocol ------------------------------------------------------------------------------


@dataclass
class StartRequest:
    name: str
    size: int
    category: str
    content_type: str = ""
    report_type: str = ""
    relative_path: str = ""


def start_upload(owner, spec: StartRequest):
    """Create the pending document and its multipart upload; refuse types and sizes the category does not take."""
    if spec.category not in DocumentCategory.values:
        raise UploadRefused(_("Please choose which kind of record this file is."))
    if not isinstance(spec.size, int) or spec.size <= 0:
        raise UploadRefused(_("This file is empty. Please choose the file again."))
    name = posixpath.basename((spec.name or "").replace("\\", "/")).strip()[:255] or "file"
    if spec.size > settings.UPLOAD_MAX_FILE_BYTES:
        raise UploadRefused(
            _("This file is larger than %(limit)s, the most we accept for one file. %(accepted)s")
            % {"limit": human_size(settings.UPLOAD_MAX_FILE_BYTES), "accepted": describe_accepted(spec.category)}
        )
    if not declared_type_acceptable(spec.category, name):
        raise UploadRefused(
            _("We cannot accept this type of file here. %(accepted)s") % {"accepted": describe_accepted(spec.category)}
        )
    report_type = spec.report_type if spec.report_type in ReportType.values else ""
    if spec.category == DocumentCategory.REPORTS and not report_type:
        report_type = ReportType.OTHER

    backend = get_backend()
    with transaction.atomic():
        locked = SecondOpinionRequest.objects.select_for_update().get(pk=owner.pk)
        live = locked.documents.live()
        if live.count() >= settings.UPLOAD_MAX_FILES_PER_REQUEST:
            raise UploadRefused(
                _("This request already has %(count)s files, the most we accept.")
                % {"count": settings.UPLOAD_MAX_FILES_PER_REQUEST}
            )
        used = live.aggregate(total=Sum("declared_size"))["total"] or 0
        if used + spec.size > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise UploadRefused(
                _("Adding this file would take this request above %(limit)s in total. Please call us to send more.")
                % {"limit": human_size(settings.UPLOAD_MAX_REQUEST_BYTES)}
            )
        key = new_object_key(locked)
        upload_id = backend.create_multipart_upload(key, spec.content_type)
        return Document.objects.create(
            request=locked,
            category=spec.category,
            report_type=report_type,
            original_name=name,
            relative_path=(spec.relative_path or "")[:1024],
            declared_size=spec.size,
            declared_content_type=(spec.content_type or "")[:120],
            storage_key=key,
            multipart_upload_id=upload_id,
            part_size=choose_part_size(spec.size),
            uploaded_after_submission=not locked.is_draft,
        )


def declared_type_acceptable(category, name):
    """The browser's side of the type rule: an accepted extension, or none where DICOM is accepted."""
    extension = posixpath.splitext(name.lower())[1]
    if not extension or len(extension) > 6 or not extension[1:].isalnum() or extension[1:].isdigit():
        # Extension-less CD files and "1.2.840.113619.2.55.1" style DICOM names (a UID is not an extension).
        return accepts_files_without_extension(category)
    return extension in accepted_extensions(category)


def stored_parts(document):
    """[{"number", "size"}] of the parts storage already holds (ListParts), for resuming."""
    if document.status != DocumentStatus.PENDING:
        return []
    return [{"number": n, "size": size} for n, size in get_backend().list_parts(document) or []]


def part_urls(document, numbers):
    """Fresh, short-lived URLs for the given part numbers (at most 100 per call)."""
    if document.status != DocumentStatus.PENDING:
        raise UploadRefused(_("This upload has already finished."), status=409)
    count = part_count(document)
    wanted = sorted({int(n) for n in numbers})[:PART_URL_BATCH]
    if not wanted or wanted[0] < 1 or wanted[-1] > count:
        raise UploadRefused(_("Those parts do not belong to this file."))
    backend = get_backend()
    return {n: backend.part_url(document, n) for n in wanted}


def complete_upload(document_pk):
    """Complete, verify and sniff one upload; returns the document, uploaded or rejected.

    The row lock makes a repeated "complete" (a retry after a dropped response) return the
    first one's outcome instead of completing twice.
    """
    backend = get_backend()
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_pk)
        if document.status != DocumentStatus.PENDING:
            return document
        parts = backend.list_parts(document)
        if parts is None:
            return _reject(
                document,
                backend,
                _("This upload was left unfinished too long and has expired. Please add the file again."),
            )
        expected = part_count(document)
        numbers = [n for n, _size in parts]
        stored = sum(size for _n, size in parts)
        if stored != document.declared_size:
            missing = sorted(set(range(1, expected + 1)) - set(numbers))
            if missing and stored < document.declared_size and all(1 <= n <= expected for n in numbers):
                raise UploadRefused(
                    _("Some parts of this file have not arrived yet: %(parts)s.")
                    % {"parts": ", ".join(map(str, missing[:20]))},
                    status=409,
                )
            return _reject(
                document,
                backend,
                _(
                    "The file that arrived (%(stored)s) is not the size of the file you chose (%(declared)s). "
                    "Please try again."
                )
                % {"stored": human_size(stored), "declared": human_size(document.declared_size)},
            )
        if numbers != list(range(1, expected + 1)):
            return _reject(
                document, backend, _("The file arrived in pieces that do not fit together. Please try again.")
            )
        try:
            backend.complete_multipart_upload(document, parts)
        except Exception:
            logger.exception("completing multipart upload failed for document %s", document.pk)
            return _reject(document, backend, _("Storage could not put the file together. Please try again."))
        document.multipart_upload_id = ""
        document.stored_size = backend.size(document.storage_key)
        if document.stored_size != document.declared_size:
            return _reject(document, backend, _("The file that arrived is not the size of the file you chose."))
        verdict = verify_content(document, backend)
        if verdict:
            return _reject(document, backend, verdict)
        document.status = DocumentStatus.UPLOADED
        document.completed_at = timezone.now()
        document.rejection_reason = ""
        document.save()
    on_document_completed(document)
    return document


def verify_content(document, backend):
    """None when the bytes are what the category accepts (filling detected_type and metadata), else the reason."""
    head_length = min(document.stored_size, max(settings.UPLOAD_DICOM_HEADER_BYTES, sniffing.SNIFF_BYTES))
    head = backend.read_range(document.storage_key, 0, head_length - 1)
    kind = sniffing.detect_type(head)
    allowed = accepted_types(document.category)
    if kind not in allowed:
        looks_like = sniffing.TYPE_LABELS.get(kind, _("a type we cannot open"))
        return _("This file is %(looks)s, which we cannot accept here. %(accepted)s") % {
            "looks": looks_like if kind is None else _("a %(type)s") % {"type": looks_like},
            "accepted": describe_accepted(document.category),
        }
    document.detected_type = kind
    metadata = {}
    if kind == sniffing.DICOM:
        metadata = _dicom_metadata(document, backend, head)
    elif kind == sniffing.ZIP:
        try:
            metadata = sniffing.inspect_zip(
                lambda start, end: backend.read_range(document.storage_key, start, end),
                document.stored_size,
                max_uncompressed_bytes=settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES,
                max_entries=settings.UPLOAD_ZIP_MAX_ENTRIES,
                max_directory_bytes=64 * MiB,
                dicom_header_bytes=settings.UPLOAD_DICOM_HEADER_BYTES,
            ).as_metadata()
        except sniffing.UnsafeZip as unsafe:
            return _("We cannot accept this ZIP file: %(why)s") % {"why": unsafe}
    elif kind == sniffing.TIFF:
        metadata = {"slide_format": sniffing.slide_format(head, document.original_name)}
    document.metadata = {**document.metadata, **metadata}
    return None


def _dicom_metadata(document, backend, head):
    """The header summary from the first bytes; a longer range only if a header does not fit (never pixel data)."""
    summary = sniffing.dicom_summary(head)
    length = len(head)
    while summary is None and length < min(document.stored_size, 16 * MiB):
        length = min(document.stored_size, length * 4)
        summary = sniffing.dicom_summary(backend.read_range(document.storage_key, 0, length - 1))
    return {"dicom": summary or {}}


def _reject(document, backend, reason):
    """Mark the document rejected with a reason the family reads, and delete what was stored."""
    backend.discard(document)
    document.status = DocumentStatus.REJECTED
    document.rejection_reason = str(reason)[:300]
    document.multipart_upload_id = ""
    document.save()
    return document


def remove_document(document):
    """The family removes (or replaces) a file: abort or delete what is stored and mark it removed."""
    if document.status == DocumentStatus.REMOVED:
        return document
    if document.request.status != Status.DRAFT and document.status == DocumentStatus.UPLOADED:
        # Once the center has a submitted file it is part of the record; the family asks staff instead.
        raise UploadRefused(_("Files already sent to the center cannot be removed here. Please call us."), status=409)
    get_backend().discard(document)
    document.status = DocumentStatus.REMOVED
    document.multipart_upload_id = ""
    document.save(update_fields=["status", "multipart_upload_id"])
    return document


def on_document_completed(document):
    """Records the center asked for after submission: the workflow records the event and tells the coordinator."""
    if not document.uploaded_after_submission or document.status != DocumentStatus.UPLOADED:
        return
    workflow.records_uploaded(document)


# --- what the pages show -------------------------------------------------------------------------


def document_summary(document):
    """A JSON-ready view of a document for the upload client and the pages."""
    return {
        "id": str(document.public_id),
        "name": document.original_name,
        "relative_path": document.relative_path,
        "category": document.category,
        "report_type": document.report_type,
        "size": document.declared_size,
        "size_label": human_size(document.declared_size),
        "status": document.status,
        "status_label": DocumentStatus(document.status).label,
        "rejection_reason": document.rejection_reason,
        "part_size": document.part_size,
        "part_count": part_count(document) if document.part_size else 0,
        "description": describe_document(document),
        "parts_url": reverse("requests_app:upload_parts", args=[document.public_id]),
        "complete_url": reverse("requests_app:upload_complete", args=[document.public_id]),
        "remove_url": reverse("requests_app:upload_remove", args=[document.public_id]),
    }


def describe_document(document):
    """One line a parent can read back: type, and what a DICOM header or ZIP says."""
    bits = []
    if document.report_type:
        bits.append(str(ReportType(document.report_type).label))
    dicom = (document.metadata or {}).get("dicom") or {}
    if dicom:
        # A ZIP's header is one image's: its series count says nothing about the archive.
        bits.extend(_dicom_bits(dicom, with_images=document.detected_type != sniffing.ZIP))
    if "zip_entries" in (document.metadata or {}):
        bits.append(_("ZIP with %(n)s files") % {"n": document.metadata["zip_entries"]})
    if (document.metadata or {}).get("slide_format"):
        bits.append(document.metadata["slide_format"])
    return " · ".join(str(b) for b in bits)


def _dicom_bits(dicom, with_images=True):
    bits = [dicom.get("modality", ""), dicom.get("study_date", ""), dicom.get("study_description", "")]
    images = dicom.get("images_in_acquisition") or dicom.get("number_of_frames")
    if with_images and str(images).isdigit():
        n = int(images)
        bits.append(ngettext("%(n)s image in series", "%(n)s images in series", n) % {"n": n})
    return [b for b in bits if b]


def review_lines(request_obj):
    """Review-page rows for uploaded records: one per file, DICOM files of one series grouped together."""
    rows = []
    documents = list(request_obj.documents.filter(status=DocumentStatus.UPLOADED).order_by("category", "created_at"))
    for category in DocumentCategory:
        in_category = [d for d in documents if d.category == category]
        if not in_category:
            continue
        lines = []
        series = {}
        for document in in_category:
            dicom = (document.metadata or {}).get("dicom") or {}
            uid = dicom.get("series_uid") if document.detected_type == sniffing.DICOM else None  # not a ZIP's
            if uid:
                series.setdefault(uid, []).append(document)
            else:
                line = f"{document.original_name} ({human_size(document.declared_size)})"
                description = describe_document(document)
                lines.append(f"{line}: {description}" if description else line)
        for members in series.values():
            first = (members[0].metadata or {}).get("dicom") or {}
            total = sum(m.declared_size for m in members)
            head = " · ".join(
                b
                for b in [first.get("modality", ""), first.get("study_date", ""), first.get("study_description", "")]
                if b
            )
            description = first.get("series_description") or ""
            if len(members) == 1:
                name = members[0].original_name
                lines.append(f"{name} ({human_size(total)}): {describe_document(members[0])}")
            else:
                lines.append(
                    _("DICOM series %(head)s%(desc)s: %(n)s images in series (%(size)s)")
                    % {
                        "head": head,
                        "desc": f" · {description}" if description else "",
                        "n": len(members),
                        "size": human_size(total),
                    }
                )
        rows.append((_("%(category)s: files") % {"category": category.label}, "\n".join(lines)))
    return rows


# --- storage backends ---------------------------------------------------------------------------


def get_backend():
    """The S3 backend when records live in S3, else the local-files backend."""
    from storages.backends.s3 import S3Storage

    storage = storages["default"]
    if isinstance(storage, S3Storage):
        return S3UploadBackend(storage)
    return LocalUploadBackend(storage)


class S3UploadBackend:
    """Presigned multipart uploads on S3: the browser talks to S3, Django only signs and checks."""

    def __init__(self, storage):
        self.storage = storage
        self.client = storage.connection.meta.client
        self.signer = getattr(storage, "signing_client", self.client)  # URLs for the browser's endpoint
        self.bucket = storage.bucket_name

    def object_key(self, key):
        location = (self.storage.location or "").strip("/")
        return f"{location}/{key}" if location else key

    def create_multipart_upload(self, key, content_type):
        params = {"Bucket": self.bucket, "Key": self.object_key(key), "ServerSideEncryption": "AES256"}
        if content_type:
            params["ContentType"] = content_type[:120]
        return self.client.create_multipart_upload(**params)["UploadId"]

    def part_url(self, document, number):
        return self.signer.generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_key(document.storage_key),
                "UploadId": document.multipart_upload_id,
                "PartNumber": number,
            },
            ExpiresIn=settings.UPLOAD_PART_URL_EXPIRY_SECONDS,
        )

    def list_parts(self, document):
        parts, marker = [], 0
        while True:
            try:
                page = self.client.list_parts(
                    Bucket=self.bucket,
                    Key=self.object_key(document.storage_key),
                    UploadId=document.multipart_upload_id,
                    PartNumberMarker=marker,
                )
            except self.client.exceptions.NoSuchUpload:
                return None  # aborted (the bucket's lifecycle rule, or the clean-up task)
            parts.extend(StoredPart(p["PartNumber"], p["Size"], p["ETag"]) for p in page.get("Parts", []))
            if not page.get("IsTruncated"):
                break
            marker = page["NextPartNumberMarker"]
        return sorted(parts)

    def complete_multipart_upload(self, document, parts):
        """``parts``: what ``list_parts`` returned (S3's own ETags, never the browser's)."""
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.object_key(document.storage_key),
            UploadId=document.multipart_upload_id,
            MultipartUpload={"Parts": [{"PartNumber": p[0], "ETag": p.etag} for p in parts]},
        )

    def size(self, key):
        return self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))["ContentLength"]

    def read_range(self, key, start, end):
        response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key), Range=f"bytes={start}-{end}")
        return response["Body"].read()

    def discard(self, document):
        if document.multipart_upload_id:
            self.abort(document.storage_key, document.multipart_upload_id)
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(document.storage_key))

    def abort(self, key, upload_id):
        with contextlib.suppress(self.client.exceptions.NoSuchUpload):
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.object_key(key), UploadId=upload_id)

    def multipart_uploads(self):
        """(key, upload_id, initiated) of every multipart upload in progress under the records prefix."""
        location = (self.storage.location or "").strip("/")
        prefix = f"{location}/records/" if location else "records/"
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for upload in page.get("Uploads", []):
                key = upload["Key"][len(location) + 1 :] if location else upload["Key"]
                yield key, upload["UploadId"], upload["Initiated"]


class LocalUploadBackend:
    """The embedded default: parts are written by a Django view under MEDIA_ROOT, then joined on completion."""

    STAGING = ".uploads-in-progress"

    def __init__(self, storage):
        self.storage = storage
        self.root = Path(storage.location)

    def _staging(self, upload_id):
        if not upload_id or not upload_id.isalnum():
            raise UploadRefused(_("This upload is no longer in progress."), status=404)
        return self.root / self.STAGING / upload_id

    def create_multipart_upload(self, key, content_type):
        upload_id = uuid.uuid4().hex
        staging = self._staging(upload_id)
        staging.mkdir(parents=True)
        (staging / "key").write_text(key)
        return upload_id

    def part_url(self, document, number):
        token = signing.TimestampSigner(salt=LOCAL_PART_SALT).sign(f"{document.public_id}:{number}")
        path = reverse("requests_app:upload_local_part", args=[document.public_id, number])
        return f"{path}?token={token}"

    @staticmethod
    def check_part_token(public_id, number, token):
        """True if the token was signed for this document and part and has not expired."""
        try:
            value = signing.TimestampSigner(salt=LOCAL_PART_SALT).unsign(
                token, max_age=timedelta(seconds=settings.UPLOAD_PART_URL_EXPIRY_SECONDS)
            )
        except signing.BadSignature:
            return False
        return value == f"{public_id}:{number}"

    def write_part(self, document, number, stream, length):
        """Stream one part to its own file (replacing an earlier attempt at the same part atomically)."""
        staging = self._staging(document.multipart_upload_id)
        if not staging.is_dir():
            raise UploadRefused(_("This upload is no longer in progress."), status=404)
        temporary = staging / f"{number:05d}.{uuid.uuid4().hex}.tmp"
        written = 0
        with open(temporary, "wb") as out:
            while written < length:
                chunk = stream.read(min(MiB, length - written))
                if not chunk:
                    break
                out.write(chunk)
                written += len(chunk)
        if written != length:
            temporary.unlink(missing_ok=True)
            raise UploadRefused(_("The part did not arrive whole. It will be sent again."), status=400)
        temporary.replace(staging / f"{number:05d}.part")
        return written

    def list_parts(self, document):
        staging = self._staging(document.multipart_upload_id) if document.multipart_upload_id else None
        if staging is None or not staging.is_dir():
            return None
        return sorted(StoredPart(int(p.name.split(".")[0]), p.stat().st_size) for p in staging.glob("*.part"))

    def complete_multipart_upload(self, document, parts):
        staging = self._staging(document.multipart_upload_id)
        target = Path(self.storage.path(document.storage_key))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            for number, _size in parts:
                with open(staging / f"{number:05d}.part", "rb") as part:
                    shutil.copyfileobj(part, out, MiB)
        shutil.rmtree(staging, ignore_errors=True)

    def size(self, key):
        return self.storage.size(key)

    def read_range(self, key, start, end):
        with self.storage.open(key, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start + 1)

    def discard(self, document):
        if document.multipart_upload_id:
            self.abort(document.storage_key, document.multipart_upload_id)
        if self.storage.exists(document.storage_key):
            self.storage.delete(document.storage_key)

    def abort(self, key, upload_id):
        shutil.rmtree(self._staging(upload_id), ignore_errors=True)

    def multipart_uploads(self):
        base = self.root / self.STAGING
        if not base.is_dir():
            return
        for staging in base.iterdir():
            key_file = staging / "key"
            key = key_file.read_text() if key_file.exists() else ""
            initiated = datetime.fromtimestamp(staging.stat().st_mtime, tz=UTC)
            yield key, staging.name, initiated


def upload_area(request_obj, category, context="intake", with_heading=None):
    """Everything partials/upload_area.html needs for one category (see the comment at its top).

    ``with_heading``: show the category's name above the area (default: only for insurance cards,
    which have no availability question above them in the records step).
    """
    if with_heading is None:
        with_heading = category == DocumentCategory.INSURANCE_CARD
    documents = []
    if request_obj is not None and request_obj.pk:
        documents = [
            document_summary(d)
            for d in request_obj.documents.filter(
                # Rejected files stay listed, with the reason, until the family removes them.
                category=category,
                status__in=[DocumentStatus.PENDING, DocumentStatus.UPLOADED, DocumentStatus.REJECTED],
            )
        ]
    extensions = accepted_extensions(category)
    return {
        "category": str(category),
        "label": DocumentCategory(category).label,
        "heading": (
            (
                _("Insurance card photos, front and back (optional)")
                if category == DocumentCategory.INSURANCE_CARD
                else DocumentCategory(category).label
            )
            if with_heading
            else ""
        ),
        "accepted_text": describe_accepted(category),
        "accept_attribute": "" if accepts_files_without_extension(category) else ",".join(extensions),
        "extensions": extensions,
        "allows_no_extension": accepts_files_without_extension(category),
        "accepted_types": accepted_types(category),
        "max_file_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "max_file_label": human_size(settings.UPLOAD_MAX_FILE_BYTES),
        "folder_picker": category == DocumentCategory.SCANS,
        "report_types": ReportType.choices if category == DocumentCategory.REPORTS else [],
        "documents": documents,
        "context": context,
        "start_url": reverse("requests_app:upload_start"),
    }
