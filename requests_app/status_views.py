"""The family's status page: reached through the resume link (and the birth-date check) after submission."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import family_consent, family_session, status_page
from .network import client_ip


def status(request):
    """Reference, status in plain words, what happened, what records we asked for, and where to send them.

    On a physician's request, the family (their own link, not the physician's) confirms consent here (POST)
    before staff can schedule.
    """
    found = status_page.request_for(family_session.status_request_id(request.session))
    if found is None:
        messages.info(request, _("To see your request, open the link we emailed you."))
        return redirect("requests_app:home")
    consent_form = None
    family = family_session.draft_id(request.session) == found.pk  # a physician's link opens no draft
    if request.method == "POST" and family and found.awaits_family_consent:
        consent_form = family_consent.FamilyConsentForm(request.POST)
        if consent_form.is_valid():
            family_consent.confirm(found, consent_form.cleaned_data["signature"], client_ip(request))
            messages.success(request, _("Thank you: your consent is recorded. We can now arrange the visit."))
            return redirect("requests_app:status")
    return render(request, "requests_app/status.html", status_page.context(found, consent_form, family=family))
