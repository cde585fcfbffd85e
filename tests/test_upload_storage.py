"""The records storage on the S3 test server: private, encrypted objects in the test bucket."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def test_records_saved_to_s3_are_encrypted_at_rest(s3_storage, s3_client):
    name = default_storage.save("records/check.txt", ContentFile(b"hello"))
    head = s3_client.head_object(Bucket=s3_storage, Key=name)
    assert head["ContentLength"] == 5
    assert head["ServerSideEncryption"] == "AES256"
