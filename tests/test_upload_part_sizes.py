"""Part sizes: every upload stays within S3's part rules, and a setting S3 would refuse stops the site."""

import math

from django.core.checks import run_checks

from requests_app import uploads

from .upload_samples import MiB


def test_part_size_keeps_every_upload_under_s3s_part_limits(settings):
    settings.UPLOAD_MIN_PART_BYTES = 8 * MiB
    assert uploads.choose_part_size(1) == 8 * MiB
    assert uploads.choose_part_size(20 * 1000**3) == 8 * MiB  # 2,385 parts
    for size in [5 * MiB, 20 * 1000**3, 200 * 1000**3, 5 * 1024**4]:
        part = uploads.choose_part_size(size)
        assert 5 * MiB <= part <= 5 * 1024**3 and math.ceil(size / part) <= 10_000


def test_a_part_size_s3_would_refuse_stops_the_site_at_start_up(settings):
    settings.UPLOAD_MIN_PART_BYTES = 5 * 1024**2
    assert not [m for m in run_checks() if m.id == "requests_app.E001"]
    settings.UPLOAD_MIN_PART_BYTES = 1024**2
    (error,) = [m for m in run_checks() if m.id == "requests_app.E001"]
    assert "5 MiB" in error.msg
