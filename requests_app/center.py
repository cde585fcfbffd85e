"""The center's name and contact details, as every page and every email shows them."""

from django.conf import settings
from django.utils.translation import gettext


def center_contact():
    """{name, phone, email, hours} of the center, from the settings an operator sets, in the active language."""
    return {
        "name": settings.CENTER_NAME,
        "phone": settings.CENTER_PHONE,
        "email": settings.CENTER_EMAIL,
        "hours": gettext(settings.CENTER_HOURS),  # the default hours are in the catalog
    }
