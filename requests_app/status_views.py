"""The family's status page: reached through the resume link (and the birth-date check) after submission."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import family_session, status_page


def status(request):
    """Reference, status in plain words, what happened, what records we asked for, and where to send them."""
    found = status_page.request_for(family_session.status_request_id(request.session))
    if found is None:
        messages.info(request, _("To see your request, open the link we emailed you."))
        return redirect("requests_app:home")
    return render(request, "requests_app/status.html", status_page.context(found))
