"""Start-up checks of settings that would otherwise fail only when a family uploads."""

from django.conf import settings
from django.core.checks import Error, register

S3_MIN_PART_BYTES = 5 * 1024**2  # every part but the last must be at least this (S3's rule, MinIO's too)


@register()
def upload_part_size(app_configs, **kwargs):
    if settings.UPLOAD_MIN_PART_BYTES < S3_MIN_PART_BYTES:
        return [
            Error(
                f"UPLOAD_MIN_PART_BYTES is {settings.UPLOAD_MIN_PART_BYTES}; S3 refuses to complete uploads whose "
                f"parts (but the last) are under {S3_MIN_PART_BYTES} bytes (5 MiB).",
                hint="Set UPLOAD_MIN_PART_BYTES to 5242880 or more (default 8 MiB).",
                id="requests_app.E001",
            )
        ]
    return []


@register()
def malware_scanner_address(app_configs, **kwargs):
    if settings.MALWARE_SCANNING and not settings.CLAMD_ADDRESS:
        return [
            Error(
                "MALWARE_SCANNING is on but CLAMD_ADDRESS is not set: every upload would stay quarantined.",
                hint="Set CLAMD_ADDRESS to clamd's socket path or host:port, or turn MALWARE_SCANNING off.",
                id="requests_app.E002",
            )
        ]
    return []
