"""The Content-Security-Policy header (django-csp), with the records bucket's origin in connect-src.

The family's browser sends upload parts straight to S3 through presigned URLs, so ``connect-src``
must name the host those URLs point at. That host follows the storage settings (endpoint, public
endpoint, bucket, region, addressing style), which tests change at run time: it is worked out per
request, by signing a throwaway URL offline the same way the upload code does, and remembered.
"""

from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings

from requests_app import storage


@lru_cache(maxsize=8)
def _origin_of_signed_urls(bucket, endpoint, public_endpoint, region, addressing_style):
    """scheme://host[:port] of the storage's presigned URLs; the arguments (what that host depends on) key the cache."""
    records = storage.records_storage()
    url = records.signing_client.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "connect-src-probe"}, ExpiresIn=60
    )
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def upload_origins():
    """The origins browsers upload records to: none beyond 'self' when records are on local disk."""
    if not storage.uses_s3():
        return []
    records = storage.records_storage()
    return [
        _origin_of_signed_urls(
            records.bucket_name,
            records.endpoint_url,
            settings.AWS_S3_PUBLIC_ENDPOINT_URL,
            records.region_name,
            records.addressing_style,
        )
    ]


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the records bucket's origin in connect-src."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        origins = upload_origins()
        if report_only or not origins:
            return parts
        return replace(parts, update={**(parts.update or {}), "connect-src": origins})
