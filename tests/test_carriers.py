"""Tracking numbers of mailed slides become links to the right carrier's page, and nothing else does."""

import pytest

from requests_app.carriers import tracking_url


@pytest.mark.parametrize(
    ("number", "carrier", "url"),
    [
        ("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
        ("1z 999 aa1 01 2345 6784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
        ("123456789012", "FedEx", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
        ("123456789012345", "FedEx", "https://www.fedex.com/fedextrack/?trknbr=123456789012345"),
        ("12345678901234567890", "FedEx", "https://www.fedex.com/fedextrack/?trknbr=12345678901234567890"),
        ("9612345678901234567890", "FedEx", "https://www.fedex.com/fedextrack/?trknbr=9612345678901234567890"),
        (
            "9400 1000 0000 0000 0000 00",
            "USPS",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000",
        ),
        ("940010000000000000000", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels=940010000000000000000"),
        ("EC123456785US", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels=EC123456785US"),
        ("1234567890", "DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=1234567890"),
        (
            "JD014600006281230704",
            "DHL",
            "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD014600006281230704",
        ),
    ],
)
def test_known_formats_link_to_their_carriers_tracking_page(number, carrier, url):
    result = tracking_url(number)

    assert result == (carrier, url)
    assert (result.carrier, result.url) == (carrier, url)


@pytest.mark.parametrize(
    "number",
    [
        "",
        "   ",
        "not a number",
        "1Z999AA1012345678",  # UPS one character short
        "1Z999AA1012345678/",
        "12345678901",  # 11 digits
        "92055901755477000000000",  # 23 digits: no carrier uses that length
        "EC123456785GB",  # international, but not a USPS number
        "JD01460000628123070",  # DHL JD one digit short
        "javascript:alert(1)",
        "javascript:1234567890",
        "1234567890/../../admin",
        "../1234567890",
        "1234567890?x=1",
        "1234567890#frag",
        "12345\n67890",
        "12345\t67890",
        "1234567890<script>",
        "１２３４５６７８９０",  # full-width digits are not what a carrier prints
        "1" * 1000,
        None,
        1234567890,
    ],
)
def test_anything_else_gets_no_link(number):
    assert tracking_url(number) is None


def test_every_link_is_https_to_the_carrier_and_built_only_from_letters_and_digits():
    for number in ["1Z999AA10123456784", "123456789012", "9400100000000000000000", "EC123456785US", "1234567890"]:
        carrier, url = tracking_url(f" {number.lower()} ")
        assert url.startswith("https://www.") or url.startswith("https://tools.usps.com/")
        assert url.endswith("=" + number)
