from django.conf import settings


def center(request):
    """The center's name and contact details, shown on every page."""
    return {
        "center": {
            "name": settings.CENTER_NAME,
            "phone": settings.CENTER_PHONE,
            "email": settings.CENTER_EMAIL,
            "hours": settings.CENTER_HOURS,
        }
    }
