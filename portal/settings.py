"""Settings for the second-opinion portal, read from the environment in this one module.

With nothing set, the portal runs on the embedded default: SQLite and files in
``var/``, Celery tasks run in-process, email printed to the console. Production sets the
variables documented in README.md and .env.example.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A fixed key is acceptable only for the embedded default on a developer's machine:
# production must set SECRET_KEY (check --deploy fails otherwise).
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me-0123456789abcdef")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "csp",
    "requests_app",
    # After django.contrib.auth and django_otp: its admin module replaces theirs (staff_auth/admin.py).
    "staff_auth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.input_guard.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The family's language from the cookie set by the language switch (no URL prefix); staff pages
    # are forced to English and a resumed draft brings its language (requests_app.language).
    "django.middleware.locale.LocaleMiddleware",
    "requests_app.language.FamilyLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (staff_auth/)?
    "django_otp.middleware.OTPMiddleware",
    "staff_auth.idle.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "requests_app.family_session.FamilySessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "requests_app.middleware.NoStoreForHealthPagesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "requests_app.context_processors.center",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes a CD folder's parallel uploads and simultaneous submits: WAL lets readers
    # run beside the writer, IMMEDIATE takes the write lock when a transaction starts (a deferred one
    # that later writes fails at once with "database is locked"), and writers wait up to `timeout` seconds.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Several test runs may share the machine's PostgreSQL: TEST_DB_NAME keeps them apart.
if env.str("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, sessions' companions) ----------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds only rate-limit counters: when Redis is down or hung, pages are served without them
# (portal/ratelimit_cache.py), after at most these short waits (redis-py waits forever by default).
REDIS_CACHE = {
    "BACKEND": "portal.ratelimit_cache.FailOpenRedisCache",
    "OPTIONS": {
        "socket_connect_timeout": env.float("REDIS_CACHE_CONNECT_TIMEOUT", default=0.5),
        "socket_timeout": env.float("REDIS_CACHE_SOCKET_TIMEOUT", default=0.5),
    },
}
if REDIS_URL:
    CACHES = {"default": {**REDIS_CACHE, "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Database sessions (they survive a Redis outage); portal/session_store.py says why not Django's class as is.
SESSION_ENGINE = "portal.session_store"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No persistent cookie: closing the browser (a shared ward or library computer) ends the session.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security -------------------------------------------------------------------------
SECURE_SSL = env.bool("SECURE_SSL", default=not DEBUG and SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes (docker healthcheck, the proxy) ask over plain HTTP from inside: answer them, do not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
# Behind a reverse proxy: trust its X-Forwarded-Proto, and take visitors' addresses from the
# X-Forwarded-For entry it appends (requests_app/network.py), for rate limits, lock-out and audit.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. portal/csp.py adds the
# records bucket's origin to connect-src (browsers upload straight to S3). Bootstrap's CSS draws its
# check marks and select arrows as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page of the portal uses any of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "screen-wake-lock", "serial", "sync-xhr", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn, offline: refuses keyboard walks, season-and-year and dictionary patterns that pass the above.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score (0-4) a password needs; 4 is "very unguessable" (over 10^10 guesses).
PASSWORD_MINIMAL_STRENGTH = env.int("PASSWORD_MINIMAL_STRENGTH", default=4)

# --- Internationalisation -------------------------------------------------------------
# Family pages in English or Spanish (LocaleMiddleware: the language switch's cookie, else the
# browser's Accept-Language); staff pages always English. Emails to a family use their preferred
# language where locale/<code>/ translates them (requests_app.notifications.family_language).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files and uploaded records ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
# Bootstrap comes from the XStatic-Bootstrap package, never a CDN.
import xstatic.pkg.bootstrap  # noqa: E402

STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # records are never served by URL; see requests_app/storage.py

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
# Where browsers reach the same bucket, when that differs from the server's address (docker-compose).
AWS_S3_PUBLIC_ENDPOINT_URL = env.str("AWS_S3_PUBLIC_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
# Health records: private objects, short signed links, never overwritten, encrypted at rest.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
AWS_S3_FILE_OVERWRITE = False
# Server-side encryption of every record object and the bucket default: AES256 (SSE-S3), aws:kms
# (SSE-KMS, with AWS_S3_SSE_KMS_KEY_ID or the account's default key) or off. Read in requests_app/storage.py.
AWS_S3_SSE = env.str("AWS_S3_SSE", default="AES256")
AWS_S3_SSE_KMS_KEY_ID = env.str("AWS_S3_SSE_KMS_KEY_ID", default="")
AWS_S3_SIGNATURE_VERSION = "s3v4"
# configure_bucket's policy denies any request not made over TLS; off only for a plain-HTTP store on loopback.
AWS_S3_DENY_INSECURE_TRANSPORT = env.bool("AWS_S3_DENY_INSECURE_TRANSPORT", default=True)
# Whether configure_bucket sets a bucket policy at all (off for a store that cannot evaluate its conditions).
AWS_S3_BUCKET_POLICY = env.bool("AWS_S3_BUCKET_POLICY", default=True)

# --- Malware scanning (requests_app/uploads/scanning.py, requests_app/uploads/checks.py) -------
# Off for the embedded default (documents show "not scanned"); on wherever clamd runs (docker-compose).
MALWARE_SCANNING = env.bool("MALWARE_SCANNING", default=False)
# clamd's unix socket path, or host:port.
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT_SECONDS = env.int("CLAMD_TIMEOUT_SECONDS", default=600)
# Documents still pending this long after completion are checked again by the periodic rescan.
UPLOAD_RESCAN_AFTER_SECONDS = env.int("UPLOAD_RESCAN_AFTER_SECONDS", default=600)

if AWS_STORAGE_BUCKET_NAME:
    RECORDS_STORAGE = {"BACKEND": "requests_app.storage.PrivateRecordsS3Storage"}
else:
    RECORDS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": RECORDS_STORAGE,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# --- Email ----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Second Opinion Program <second-opinions@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
SCHEDULING_TEAM_EMAILS = env.list("SCHEDULING_TEAM_EMAILS", default=["scheduling@example.org"])
NOTIFICATION_WEBHOOK_URL = env.str("NOTIFICATION_WEBHOOK_URL", default="")
NOTIFICATION_WEBHOOK_SECRET = env.str("NOTIFICATION_WEBHOOK_SECRET", default="")

# --- Celery ---------------------------------------------------------------------------
_broker = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# No broker configured: run tasks in the web process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _broker)
CELERY_BROKER_URL = _broker or "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "requests_app.tasks.requeue_pending_notifications",
        "schedule": env.float("NOTIFICATION_REQUEUE_EVERY_S", default=20.0),
    },
    "rescan-pending-documents": {
        "task": "requests_app.uploads.tasks.rescan_pending_documents",
        "schedule": env.float("UPLOAD_RESCAN_EVERY_S", default=300.0),
    },
    "clean-up-abandoned-drafts": {
        "task": "requests_app.tasks.clean_up_abandoned_drafts",
        "schedule": crontab(minute=17, hour=3),
    },
}
# Notification outbox (requests_app/notifications.py): rows still pending this long are queued again.
NOTIFICATION_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATION_REQUEUE_AFTER_SECONDS", default=60)
# Retries (requests_app/notifications/retries.py) are time-based: a failed row is tried again after a
# backoff doubling from BACKOFF_S up to BACKOFF_MAX_S, kept below NOTIFICATION_REQUEUE_EVERY_S so every
# beat tick retries it and it goes out within one re-queue period of the server's return; it is reported
# to ADMINS once after ALERT_AFTER_MINUTES, and marked failed only GIVE_UP_AFTER_HOURS after its first
# failed attempt.
NOTIFICATION_RETRY_BACKOFF_S = env.int("NOTIFICATION_RETRY_BACKOFF_S", default=5)
NOTIFICATION_RETRY_BACKOFF_MAX_S = env.int("NOTIFICATION_RETRY_BACKOFF_MAX_S", default=15)
NOTIFICATION_GIVE_UP_AFTER_HOURS = env.float("NOTIFICATION_GIVE_UP_AFTER_HOURS", default=24.0)
NOTIFICATION_ALERT_AFTER_MINUTES = env.int("NOTIFICATION_ALERT_AFTER_MINUTES", default=60)
NOTIFICATION_WEBHOOK_TIMEOUT = env.float("NOTIFICATION_WEBHOOK_TIMEOUT", default=10.0)
# Publishing after commit is one attempt, in a background thread the request waits on for at most this
# long: a broker that is down or hangs costs a submit no more, and the re-queue delivers the row.
NOTIFICATION_PUBLISH_TIMEOUT_S = env.float("NOTIFICATION_PUBLISH_TIMEOUT_S", default=1.0)
# A broker that hangs without closing the connection must not hang a publish (kombu waits forever by default).
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    socket_timeout=2.0,
    socket_connect_timeout=2.0,
)

# --- The center and the intake --------------------------------------------------------
CENTER_NAME = env.str("CENTER_NAME", default="Children's Cancer Second Opinion Program")
CENTER_PHONE = env.str("CENTER_PHONE", default="+1 (555) 010-0199")
CENTER_EMAIL = env.str("CENTER_EMAIL", default="second-opinions@example.org")
CENTER_HOURS = env.str("CENTER_HOURS", default="Monday to Friday, 8 am to 5 pm Eastern")
# The family pages' identity: a logo under static/ (empty: the name alone) and one brand colour, used
# for text and buttons on white, so it must reach 4.5:1 against white (else the default is used).
CENTER_LOGO = env.str("CENTER_LOGO", default="")
CENTER_BRAND_COLOR = env.str("CENTER_BRAND_COLOR", default="#0b4f6c")
PATIENT_AGE_LIMIT_YEARS = env.int("PATIENT_AGE_LIMIT_YEARS", default=25)
RESUME_LINK_MAX_AGE_DAYS = env.int("RESUME_LINK_MAX_AGE_DAYS", default=30)
RESUME_MAX_BIRTH_DATE_ATTEMPTS = env.int("RESUME_MAX_BIRTH_DATE_ATTEMPTS", default=5)
ABANDONED_DRAFT_DAYS = env.int("ABANDONED_DRAFT_DAYS", default=30)
# django-ratelimit rates, per client IP: drafts started, resume links opened, links requested.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATE_LIMIT_START = env.str("RATE_LIMIT_START", default="30/h")
RATE_LIMIT_RESUME = env.str("RATE_LIMIT_RESUME", default="20/h")
RATE_LIMIT_LINK_REQUEST = env.str("RATE_LIMIT_LINK_REQUEST", default="10/h")
# Link emails (issue 10 item 8): per request and per recipient address, whichever view sends them.
RATE_LIMIT_LINK_PER_REQUEST = env.str("RATE_LIMIT_LINK_PER_REQUEST", default="3/h")
RATE_LIMIT_LINK_PER_RECIPIENT = env.str("RATE_LIMIT_LINK_PER_RECIPIENT", default="5/h")
# Upload starts, per draft and per client IP (a CD of 400 files plus retries fits in the default).
RATE_LIMIT_UPLOAD_START = env.str("RATE_LIMIT_UPLOAD_START", default="600/h")
# Family sessions end after this long without a request; pages warn this long before.
FAMILY_SESSION_IDLE_SECONDS = env.int("FAMILY_SESSION_IDLE_SECONDS", default=30 * 60)
FAMILY_SESSION_WARNING_SECONDS = env.int("FAMILY_SESSION_WARNING_SECONDS", default=60)
RATELIMIT_VIEW = "requests_app.views.rate_limited"
# The library's switch: a counter the cache cannot give means "allowed" (see portal/ratelimit_cache.py).
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "requests_app.network.client_ip"
PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"
COUNTRIES_FIRST = ["US", "CA", "MX"]
COUNTRIES_FIRST_REPEAT = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Staff login throttling (django-axes) ---------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Lock the (username, address) pair only: nobody can lock a colleague out from elsewhere, nor lock an
# address (a ward's shared NAT) for everyone. staff_auth/lockout.py adds a per-username delay and an alert.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "requests_app.network.client_ip"
# After 3 failures for a username (from any address) each attempt waits 1, 2, 4... seconds, at most this.
STAFF_LOGIN_DELAY_MAX_SECONDS = env.float("STAFF_LOGIN_DELAY_MAX_SECONDS", default=5.0)
# Failures for one username (any address, within the cool-off) after which SECURITY_CONTACT_EMAIL is told once.
STAFF_LOGIN_ALERT_AFTER = env.int("STAFF_LOGIN_ALERT_AFTER", default=AXES_FAILURE_LIMIT)
SECURITY_CONTACT_EMAIL = env.str("SECURITY_CONTACT_EMAIL", default="")

# --- Staff two-factor login and sessions (staff_auth/) ----------------------------------
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Second opinion intake")
STAFF_BACKUP_CODES = 10
# Passkeys/security keys (django-otp-webauthn) as a second factor after the password; never passwordless.
# WebAuthn needs https or localhost, and a host name (not 127.0.0.1): locally, open http://localhost:8000.
_PASSKEY_ORIGIN = SITE_URL if SITE_URL.startswith(("https://", "http://localhost")) else "http://localhost:8000"
OTP_WEBAUTHN_RP_ID = env.str("OTP_WEBAUTHN_RP_ID", default=urlsplit(_PASSKEY_ORIGIN).hostname)
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_PASSKEY_ORIGIN]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Staff sessions end after this long without a request to /staff/.
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=15)

# --- Logging: no form values, no tokens ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "requests_app.logging.ScrubSensitiveData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
        # 500s and failed notifications email ADMINS (ADMIN_EMAILS); portal/error_reports.py keeps secrets out.
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # mail_admins first: the console's scrub filter drops the request the report needs (it is cleansed).
        "django.request": {"handlers": ["mail_admins", "console"], "level": "WARNING", "propagate": False},
        "requests_app.notifications": {"handlers": ["mail_admins"], "propagate": True},
    },
}
# Django's error reports carry no form, query, cookie or token values and no credentials in URLs.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.error_reports.SecretFreeReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "portal.error_reports.SecretFreeExceptionReporter"
ADMINS = [("Portal admins", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Records uploads (requests_app/uploads/) --------------------------------------------
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=20 * 1000**3)
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=50 * 1000**3)
UPLOAD_MAX_FILES_PER_REQUEST = env.int("UPLOAD_MAX_FILES_PER_REQUEST", default=5000)
# Parts are at least this big (S3 needs >= 5 MiB for all parts but the last); larger files get larger parts.
UPLOAD_MIN_PART_BYTES = env.int("UPLOAD_MIN_PART_BYTES", default=8 * 1024**2)
UPLOAD_PART_URL_EXPIRY_SECONDS = env.int("UPLOAD_PART_URL_EXPIRY_SECONDS", default=15 * 60)
UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", default=100 * 1000**3)
UPLOAD_ZIP_MAX_ENTRIES = env.int("UPLOAD_ZIP_MAX_ENTRIES", default=100_000)
UPLOAD_DICOM_HEADER_BYTES = env.int("UPLOAD_DICOM_HEADER_BYTES", default=256 * 1024)
# Multipart uploads no document owns are aborted once this old (a start may still be committing).
UPLOAD_ORPHAN_GRACE_HOURS = env.int("UPLOAD_ORPHAN_GRACE_HOURS", default=24)
# The bucket's lifecycle rule (manage.py configure_bucket) aborts unfinished multipart uploads this old:
# derived from the drafts' lifetime so an upload outlives its draft (system check requests_app.E002).
UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS = env.int("UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS", default=ABANDONED_DRAFT_DAYS + 1)
# Optional override of the file types each category accepts, e.g. {"reports": ["pdf", "jpeg"]}.
UPLOAD_ACCEPTED_TYPES = env.json("UPLOAD_ACCEPTED_TYPES", default={})

# --- Staff previews, queue dashboard, FHIR (requests_app/series_previews.py, admin/dashboard.py) ---------
# Seconds after a DICOM or slide upload completes before its request's previews are rendered (a CD is many files).
PREVIEW_DELAY_SECONDS = env.int("PREVIEW_DELAY_SECONDS", default=30)
# Previews never read a quarantined file; with this on, only files scanned "clean" (not released or unscanned).
PREVIEW_REQUIRES_CLEAN_SCAN = env.bool("PREVIEW_REQUIRES_CLEAN_SCAN", default=False)
# Business days from submission to scheduled before a request shows as overdue on the dashboard.
INTAKE_TARGET_BUSINESS_DAYS = env.int("INTAKE_TARGET_BUSINESS_DAYS", default=5)
# Optional: each submitted request is POSTed as a FHIR transaction bundle to this base URL (the outbox's "fhir" kind).
FHIR_ENDPOINT_URL = env.str("FHIR_ENDPOINT_URL", default="")
FHIR_BEARER_TOKEN = env.str("FHIR_BEARER_TOKEN", default="")
