"""Start-up checks of settings that would otherwise fail only when a family uploads, and deploy checks."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


# PostgreSQL's sslmode values that refuse a connection without TLS (prefer/allow fall back to plain text).
ENCRYPTING_SSLMODES = {"require", "verify-ca", "verify-full"}


@register(Tags.security, deploy=True)
def transport_encryption(app_configs, **kwargs):
    """Health data crosses the network to PostgreSQL and Redis: production must encrypt both links."""
    warnings = []
    for alias, database in settings.DATABASES.items():
        host = database.get("HOST") or ""
        if "postgresql" not in database["ENGINE"] or not host or host.startswith("/"):
            continue  # a Unix socket never leaves the machine
        if database.get("OPTIONS", {}).get("sslmode") not in ENCRYPTING_SSLMODES:
            warnings.append(
                Warning(
                    f"Database {alias!r} reaches PostgreSQL at {host} without requiring TLS.",
                    hint="Add ?sslmode=require (or verify-full with sslrootcert) to DATABASE_URL.",
                    id="requests_app.W001",
                )
            )
    for what, url in _redis_urls():
        if url.lower().startswith("redis://"):
            warnings.append(
                Warning(
                    f"The {what} reaches Redis over plain redis://, without TLS.",
                    hint="Use a rediss:// URL (e.g. rediss://:password@host:6380/0?ssl_cert_reqs=required).",
                    id="requests_app.W002",
                )
            )
    return warnings


def _redis_urls():
    for alias, cache in settings.CACHES.items():
        locations = cache.get("LOCATION") or []
        for location in [locations] if isinstance(locations, str) else locations:
            yield f"cache {alias!r}", location
    yield "Celery broker", settings.CELERY_BROKER_URL or ""


@register()
def multipart_lifetime_outlives_drafts(app_configs, **kwargs):
    """The bucket's lifecycle rule must not abort a draft's unfinished upload while the draft still lives."""
    abort_days, draft_days = settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS, settings.ABANDONED_DRAFT_DAYS
    if abort_days <= draft_days:
        return [
            Error(
                f"UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS is {abort_days}, but drafts (and their unfinished uploads) live "
                f"ABANDONED_DRAFT_DAYS = {draft_days} days: storage would abort uploads families can still resume.",
                hint="Leave UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS unset (it is ABANDONED_DRAFT_DAYS + 1), then run "
                "manage.py configure_bucket.",
                id="requests_app.E002",
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
                id="requests_app.E003",
            )
        ]
    return []
