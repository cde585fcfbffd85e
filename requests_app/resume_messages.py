"""What the resume check says after a wrong date of birth: before the last allowed try, that one is left."""

from django.conf import settings
from django.utils.translation import gettext as _


def wrong_birth_date(failed_attempts):
    """The refusal after ``failed_attempts`` wrong dates; the one before the link closes warns that one try is left."""
    if settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS - failed_attempts == 1:
        return _(
            "That date of birth does not match our records. You have one try left before this link stops "
            "working. If you are not sure of the date, call us instead."
        )
    return _("That date of birth does not match our records. Please try again.")
