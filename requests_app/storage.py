"""How records are stored: one named place (the habit Hypha keeps in storage_backends.py)."""

from functools import cached_property

from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


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

    def signed_download_url(self, name, filename, expire):
        return self.signing_client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": self._normalize_name(clean_name(name)),
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=expire,
        )
