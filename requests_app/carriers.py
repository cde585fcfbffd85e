"""Which carrier a mailed-slides tracking number belongs to, and the link to its public tracking page.

Formats (after dropping the spaces and dashes people type between groups; nothing else is dropped):

- UPS: ``1Z`` followed by 16 letters or digits.
- USPS: 20 to 22 digits starting with 9 (IMpb), or 2 letters, 9 digits and ``US`` (international).
- FedEx: 12, 15, 20 or 22 digits.
- DHL: 10 digits (Express), or ``JD`` followed by 18 digits.

Ambiguity: 20- and 22-digit numbers fit both FedEx and USPS. Those starting with 9 are USPS,
except ``96`` (FedEx Ground's own barcode prefix), which is FedEx; the rest are FedEx.
Check digits are not verified: a number in a known format gets a link, and the carrier's page
says whether it exists. Anything else (letters where digits belong, slashes, ``javascript:``) gets
no link, so a link is only ever built from letters and digits.
"""

import re
from typing import NamedTuple
from urllib.parse import quote

# The longest format is 22 characters; typed separators can add a few more, nothing more.
MAX_INPUT_LENGTH = 40
SEPARATORS = re.compile(r"[ \-]")

UPS = "UPS"
USPS = "USPS"
FEDEX = "FedEx"
DHL = "DHL"

TRACKING_PAGES = {
    UPS: "https://www.ups.com/track?tracknum={number}",
    USPS: "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    FEDEX: "https://www.fedex.com/fedextrack/?trknbr={number}",
    DHL: "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
}

# Tried in order: the first match wins (the USPS patterns come before FedEx's on purpose, see above).
PATTERNS = [
    (UPS, re.compile(r"1Z[0-9A-Z]{16}")),
    (FEDEX, re.compile(r"96[0-9]{18}|96[0-9]{20}")),
    (USPS, re.compile(r"9[0-9]{19,21}|[A-Z]{2}[0-9]{9}US")),
    (FEDEX, re.compile(r"[0-9]{12}|[0-9]{15}|[0-9]{20}|[0-9]{22}")),
    (DHL, re.compile(r"[0-9]{10}|JD[0-9]{18}")),
]


class Tracking(NamedTuple):
    carrier: str
    url: str


def normalize(number):
    """The number as carriers print it: upper case, without the spaces and dashes typed between groups."""
    if not isinstance(number, str) or len(number) > MAX_INPUT_LENGTH:
        return ""
    return SEPARATORS.sub("", number.strip()).upper()


def tracking_url(number):
    """``(carrier_name, url)`` for a number in a known carrier's format, else None."""
    normalized = normalize(number)
    for carrier, pattern in PATTERNS:
        if pattern.fullmatch(normalized):
            return Tracking(carrier, TRACKING_PAGES[carrier].format(number=quote(normalized, safe="")))
    return None
