"""How records are stored: one named place (the habit Hypha keeps in storage_backends.py)."""

import re
from functools import cached_property
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

SSE_CHOICES = ("AES256", "aws:kms", "off")
_NOT_PLAIN_ASCII = re.compile(r'[^\x20-\x7e]|["\\]')


def records_storage():
    """The storage that holds the family's records (Django's "default" storage)."""
    return storages["default"]


def uses_s3():
    """Whether records live in S3 (else on local disk, the embedded default)."""
    return isinstance(records_storage(), S3Storage)


def encryption_parameters():
    """The S3 request parameters for server-side encryption, from the AWS_S3_SSE setting (one place)."""
    mode = settings.AWS_S3_SSE
    if mode not in SSE_CHOICES:
        raise ImproperlyConfigured(f"AWS_S3_SSE must be one of {', '.join(SSE_CHOICES)}, not {mode!r}.")
    if mode == "off":
        return {}
    if mode == "aws:kms" and settings.AWS_S3_SSE_KMS_KEY_ID:
        return {"ServerSideEncryption": mode, "SSEKMSKeyId": settings.AWS_S3_SSE_KMS_KEY_ID}
    return {"ServerSideEncryption": mode}


def bucket_encryption_rule():
    """The bucket's default-encryption rule matching AWS_S3_SSE (None when encryption is off)."""
    parameters = encryption_parameters()
    if not parameters:
        return None
    default = {"SSEAlgorithm": parameters["ServerSideEncryption"]}
    if "SSEKMSKeyId" in parameters:
        default["KMSMasterKeyID"] = parameters["SSEKMSKeyId"]
    rule = {"ApplyServerSideEncryptionByDefault": default}
    if default["SSEAlgorithm"] == "aws:kms":
        # Bucket keys are a KMS feature; with AES256, RGW then refuses every part ("got sse-kms attributes").
        rule["BucketKeyEnabled"] = True
    return {"Rules": [rule]}


class PrivateRecordsS3Storage(S3Storage):
    """Private, encrypted (AWS_S3_SSE), never overwritten; links are signed and expire in minutes."""

    default_acl = None
    querystring_auth = True
    file_overwrite = False

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults["object_parameters"] = {**defaults["object_parameters"], **encryption_parameters()}
        defaults["querystring_expire"] = settings.AWS_QUERYSTRING_EXPIRE
        return defaults

    @cached_property
    def signing_client(self):
        """The client whose presigned URLs the *browser* follows.

        A signature covers the host, so when the server reaches S3 at another address than browsers
        do (docker-compose: ``minio:9000`` inside, ``localhost:9000`` outside), links are signed for
        ``AWS_S3_PUBLIC_ENDPOINT_URL``. Signing is offline: this client never opens a connection.
        """
        public = settings.AWS_S3_PUBLIC_ENDPOINT_URL
        if not public or public == self.endpoint_url:
            return self.connection.meta.client
        session = self._create_session()
        return session.client(
            "s3", region_name=self.region_name, endpoint_url=public, config=self.client_config, verify=self.verify
        )

    def signed_download_url(self, name, filename, expire, content_type="application/octet-stream"):
        """A link S3 answers with the object as an attachment named ``filename``, of the type the server decided.

        The header S3 sends back is a signed query parameter of the link: callers pass a neutral name
        (requests_app/admin/detail.py), never the family's file name.
        """
        return self.signing_client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": self._normalize_name(clean_name(name)),
                "ResponseContentDisposition": attachment_header(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expire,
        )


def attachment_header(filename):
    """``Content-Disposition`` for a download, RFC 6266: a plain ASCII ``filename`` and the exact ``filename*``.

    Quotes, backslashes, CR/LF and anything outside printable ASCII never reach the quoted form.
    """
    fallback = _NOT_PLAIN_ASCII.sub("_", filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
