"""How records are stored: one named place (the habit Hypha keeps in storage_backends.py)."""

from django.conf import settings
from storages.backends.s3 import S3Storage


class PrivateRecordsS3Storage(S3Storage):
    """Private, encrypted, never overwritten; links are signed and expire in minutes."""

    default_acl = None
    querystring_auth = True
    file_overwrite = False

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults["object_parameters"] = {"ServerSideEncryption": "AES256"}
        defaults["querystring_expire"] = settings.AWS_QUERYSTRING_EXPIRE
        return defaults
