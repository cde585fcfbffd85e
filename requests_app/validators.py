"""Rules for single answers: NPI check digit, dates, US addresses, characters a text may hold."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from localflavor.us.forms import USStateField

from .models import age_on

_US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")

# Characters no answer or file name may hold: NUL and the other C0/C1 controls (tab and line breaks
# aside, in multi-line answers), and the bidirectional embeddings, overrides and isolates that make
# "scan\u202egpj.exe" display as "scanexe.jpg". Left-to-right/right-to-left marks (U+200E/F, U+061C)
# stay: keyboards for Arabic and Hebrew type them in ordinary names.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_HIDDEN_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
_HIDDEN_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")


def npi_check_digit_is_valid(npi: str) -> bool:
    """True when a 10-digit NPI passes the Luhn check with the 80840 card-issuer prefix (CMS rule)."""
    if not re.fullmatch(r"\d{10}", npi or ""):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def validate_npi(value):
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("An NPI number has exactly 10 digits."), code="npi_format")
    if not npi_check_digit_is_valid(digits):
        raise ValidationError(
            _("This NPI number is not valid: its last digit does not match. Please check it against your records."),
            code="npi_check_digit",
        )
    return digits


def validate_not_in_future(value, message):
    if value and value > timezone.localdate():
        raise ValidationError(message, code="future_date")


def validate_child_birth_date(value):
    """A birth date in the past that makes the patient no older than the center's age limit."""
    validate_not_in_future(value, _("The date of birth cannot be in the future."))
    limit = settings.PATIENT_AGE_LIMIT_YEARS
    if value and age_on(value, timezone.localdate()) > limit:
        raise ValidationError(
            _(
                "This center sees children and young adults up to age %(limit)s. For an older patient, please "
                "ask their doctor about an adult cancer center."
            )
            % {"limit": limit},
            code="too_old",
        )


def normalize_us_state(value):
    """The two-letter code for a US state or territory given by name or code; ValidationError otherwise."""
    try:
        return USStateField().clean(value)
    except ValidationError:
        raise ValidationError(_("Enter a US state, such as Delaware or DE."), code="us_state") from None


def validate_us_zip(value):
    value = (value or "").strip()
    if not _US_ZIP.match(value):
        raise ValidationError(_("Enter a 5-digit US ZIP code, such as 19803 or 19803-1234."), code="us_zip")
    return value


def hidden_characters(value, multiline=False):
    """The control and direction-changing characters in ``value`` (tab and line breaks allowed if multiline)."""
    pattern = _HIDDEN_IN_TEXT if multiline else _HIDDEN_IN_LINE
    return pattern.findall(value) if isinstance(value, str) else []


def validate_single_line_text(value):
    if hidden_characters(value):
        raise ValidationError(
            _(
                "This answer contains a hidden character (such as a line break, a control or a text-direction "
                "character). Please type it again rather than pasting it."
            ),
            code="hidden_character",
        )


def validate_multiline_text(value):
    if hidden_characters(value, multiline=True):
        raise ValidationError(
            _(
                "This answer contains a hidden character (such as a control or a text-direction character). "
                "Please type it again rather than pasting it."
            ),
            code="hidden_character",
        )
