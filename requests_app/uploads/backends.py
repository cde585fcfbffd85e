"""The two storage backends of the upload protocol: S3 multipart uploads, and local files as the embedded default.

With S3 the part URLs are presigned S3 URLs and no file byte passes through Django. With local files
they point at ``upload_views.local_part``, which checks a signed, expiring token in the URL the way S3
checks its signature; the JavaScript client is the same for both.
"""

import contextlib
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from ..storage import encryption_parameters, records_storage, uses_s3
from .errors import UploadRefused
from .policy import MiB

LOCAL_PART_SALT = "requests_app.uploads.local-part"


class StoredPart(tuple):
    """``(number, size)`` of a part storage holds, with S3's ETag and CRC32 for completion (None on local files)."""

    def __new__(cls, number, size, etag=None, crc32=None):
        part = super().__new__(cls, (number, size))
        part.etag, part.crc32 = etag, crc32
        return part


def get_backend():
    """The S3 backend when records live in S3, else the local-files backend."""
    records = records_storage()
    if uses_s3():
        return S3UploadBackend(records)
    return LocalUploadBackend(records)


class S3UploadBackend:
    """Presigned multipart uploads on S3: the browser talks to S3, Django only signs and checks."""

    requires_checksums = True  # each part URL signs the part's CRC32

    def __init__(self, storage):
        self.storage = storage
        self.client = storage.connection.meta.client
        self.signer = getattr(storage, "signing_client", self.client)  # URLs for the browser's endpoint
        self.bucket = storage.bucket_name

    def object_key(self, key):
        location = (self.storage.location or "").strip("/")
        return f"{location}/{key}" if location else key

    def create_multipart_upload(self, key, content_type):
        """``content_type``: the server's choice (content_types.stored_content_type), never the browser's."""
        params = {
            "Bucket": self.bucket,
            "Key": self.object_key(key),
            "ACL": "private",  # private even where the bucket's own settings were loosened
            "ChecksumAlgorithm": "CRC32",  # every part must carry its CRC32, which S3 checks
            "ContentType": content_type,
            **encryption_parameters(),
        }
        return self.client.create_multipart_upload(**params)["UploadId"]

    def part_url(self, document, number, length, crc32):
        """A URL for one part that signs its exact length and CRC32 (base64): S3 refuses any other bytes."""
        return self.signer.generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_key(document.storage_key),
                "UploadId": document.multipart_upload_id,
                "PartNumber": number,
                "ContentLength": length,
                "ChecksumAlgorithm": "CRC32",
                "ChecksumCRC32": crc32,
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
            parts.extend(
                StoredPart(p["PartNumber"], p["Size"], p["ETag"], p.get("ChecksumCRC32")) for p in page.get("Parts", [])
            )
            if not page.get("IsTruncated"):
                break
            marker = page["NextPartNumberMarker"]
        return sorted(parts)

    def complete_multipart_upload(self, document, parts):
        """``parts``: what ``list_parts`` returned (S3's own ETags and checksums, never the browser's).

        Returns the object's checksum as S3 records it ("CRC32 <base64>-<parts>"), "" if it keeps none.
        """
        completed = self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.object_key(document.storage_key),
            UploadId=document.multipart_upload_id,
            MultipartUpload={"Parts": [_completed_part(p) for p in parts]},
        )
        checksum = completed.get("ChecksumCRC32") or ""
        if checksum and "-" not in checksum:
            checksum = f"{checksum}-{len(parts)}"  # a checksum of the parts' checksums: say how many
        return f"CRC32 {checksum}" if checksum else ""

    def iter_chunks(self, key, chunk_bytes):
        """The object's bytes as a stream of chunks of at most ``chunk_bytes`` (never whole in memory)."""
        body = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"]
        try:
            yield from body.iter_chunks(chunk_bytes)
        finally:
            body.close()

    def set_content_type(self, key, content_type):
        """Store another Content-Type on the object (a copy onto itself, done only when it changes)."""
        self.client.copy_object(
            Bucket=self.bucket,
            Key=self.object_key(key),
            CopySource={"Bucket": self.bucket, "Key": self.object_key(key)},
            MetadataDirective="REPLACE",
            ContentType=content_type,
            **encryption_parameters(),
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


def _completed_part(part):
    """One part as CompleteMultipartUpload names it: S3's ETag, and its CRC32 when S3 recorded one."""
    named = {"PartNumber": part[0], "ETag": part.etag}
    if part.crc32:
        named["ChecksumCRC32"] = part.crc32
    return named


class LocalUploadBackend:
    """The embedded default: parts are written by a Django view under MEDIA_ROOT, then joined on completion."""

    STAGING = ".uploads-in-progress"
    requires_checksums = False

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

    def part_url(self, document, number, length=None, crc32=None):
        # The view checks the length against the document; the local disk needs no transfer checksum.
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
        return ""

    def iter_chunks(self, key, chunk_bytes):
        with self.storage.open(key, "rb") as handle:
            while chunk := handle.read(chunk_bytes):
                yield chunk

    def set_content_type(self, key, content_type):
        """Local files keep no Content-Type: downloads send the detected one."""

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
