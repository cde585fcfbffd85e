"""The center's name and contact details, as every page and every email shows them."""

from django.conf import settings


def center_contact():
    """{name, phone, email, hours} of the center, from the settings an operator sets."""
    return {
        "name": settings.CENTER_NAME,
        "phone": settings.CENTER_PHONE,
        "email": settings.CENTER_EMAIL,
        "hours": settings.CENTER_HOURS,
    }
