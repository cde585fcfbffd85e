"""Prepare the records bucket: CORS for the site's origin, default encryption, no public access,
a bucket policy denying plain-HTTP access and writes asking for other encryption, and a lifecycle
rule that aborts multipart uploads nobody finished."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from requests_app import storage


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def bucket_configuration(origins, abort_after_days):
    """The CORS, encryption and lifecycle documents the command applies (one place, tested)."""
    cors = {
        "CORSRules": [
            {
                # The browser PUTs parts straight to S3 and reads ETag for its own retry bookkeeping.
                "AllowedOrigins": sorted(set(origins)),
                "AllowedMethods": ["PUT", "GET", "HEAD"],
                "AllowedHeaders": ["*"],
                "ExposeHeaders": ["ETag"],
                "MaxAgeSeconds": 3000,
            }
        ]
    }
    encryption = storage.bucket_encryption_rule()
    lifecycle = {
        "Rules": [
            {
                "ID": "abort-incomplete-multipart-uploads",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": abort_after_days},
            }
        ]
    }
    return cors, encryption, lifecycle


def bucket_policy(bucket, deny_insecure_transport):
    """The bucket policy: a second control beside Block Public Access and each object's private ACL.

    Denies any request not made over TLS (AWS_S3_DENY_INSECURE_TRANSPORT; off only for a loopback
    store spoken to in plain HTTP), and object writes that ask for an encryption other than
    AWS_S3_SSE. A write without the header is left to the bucket's default encryption: part uploads
    never carry it, so denying its absence would refuse every multipart upload.
    """
    statements = []
    if deny_insecure_transport:
        statements.append(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
    encryption = storage.encryption_parameters().get("ServerSideEncryption")
    if encryption:
        statements.append(
            {
                "Sid": "DenyOtherEncryption",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {
                    "Null": {"s3:x-amz-server-side-encryption": "false"},
                    "StringNotEquals": {"s3:x-amz-server-side-encryption": encryption},
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements} if statements else None


def deny_insecure_transport():
    """Whether the policy denies plain HTTP: AWS_S3_DENY_INSECURE_TRANSPORT, unless the portal itself
    reaches the store over plain HTTP (a loopback test server, docker-compose), which it would lock out."""
    endpoint = (settings.AWS_S3_ENDPOINT_URL or "").lower()
    return settings.AWS_S3_DENY_INSECURE_TRANSPORT and not endpoint.startswith("http://")


class Command(BaseCommand):
    help = "Configure the records bucket: CORS for SITE_URL, default SSE, lifecycle abort of stale multipart uploads."

    def add_arguments(self, parser):
        parser.add_argument("--origin", action="append", default=[], help="Another origin allowed to upload.")
        parser.add_argument(
            "--abort-after-days",
            type=int,
            default=None,
            help="Abort multipart uploads older than this (default UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS, which is "
            "ABANDONED_DRAFT_DAYS + 1); never less than a draft lives.",
        )
        parser.add_argument("--skip-public-access-block", action="store_true", help="For S3 servers without it.")
        parser.add_argument("--create", action="store_true", help="Create the bucket first if it does not exist.")

    def handle(self, *args, **options):
        if not storage.uses_s3():
            raise CommandError("Records are stored on local disk (AWS_STORAGE_BUCKET_NAME is not set): nothing to do.")
        abort_after_days = options["abort_after_days"] or settings.UPLOAD_ABORT_INCOMPLETE_AFTER_DAYS
        if abort_after_days <= settings.ABANDONED_DRAFT_DAYS:
            # A shorter rule aborts uploads a family can still resume from its draft.
            raise CommandError(
                f"Unfinished uploads must outlive drafts: {abort_after_days} days is not more than "
                f"ABANDONED_DRAFT_DAYS ({settings.ABANDONED_DRAFT_DAYS})."
            )
        records = storage.records_storage()
        client = records.connection.meta.client
        bucket = records.bucket_name
        if options["create"] and bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
            client.create_bucket(Bucket=bucket)
        origins = [origin_of(settings.SITE_URL), *options["origin"]]
        cors, encryption, lifecycle = bucket_configuration(origins, abort_after_days)
        client.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors)
        if encryption:
            client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=encryption)
        else:
            client.delete_bucket_encryption(Bucket=bucket)
        client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=lifecycle)
        policy = bucket_policy(bucket, deny_insecure_transport()) if settings.AWS_S3_BUCKET_POLICY else None
        if policy:
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        if not options["skip_public_access_block"]:
            client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
        self.stdout.write(
            f"Bucket {bucket}: CORS for {', '.join(sorted(set(origins)))} (ETag exposed), "
            f"default encryption {settings.AWS_S3_SSE}, "
            f"multipart uploads aborted after {abort_after_days} days, public access blocked, "
            f"bucket policy: {', '.join(st['Sid'] for st in (policy or {}).get('Statement', [])) or 'none'}."
        )
