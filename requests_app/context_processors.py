from .center import center_contact


def center(request):
    """The center's name and contact details, shown on every page."""
    return {"center": center_contact()}
