"""The link pages: open an emailed link (its token is read from the URL fragment and POSTed, never sent
in a URL), confirm the second factor, and ask for a lost link. Thin: tokens.py decides."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import family_session, intake, link_limits, notifications, tokens
from .forms import ConfirmBirthDateForm, ResumeEmailForm
from .link_forms import ConfirmNpiForm, ResumeCodeForm


def _invalid(request, status=404, **context):
    return render(request, "requests_app/link_invalid.html", context, status=status)


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_RESUME, method="POST", block=True)
def resume(request):
    """GET: the page whose script POSTs the fragment's token (or where it is pasted); POST: check it."""
    form = ResumeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = tokens.check_token(form.token())
        if link is None:
            return _invalid(request)
        family_session.hold_resume_candidate(request.session, link)
        return redirect("requests_app:resume_confirm")
    return render(request, "requests_app/resume_open.html", {"form": form})


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_RESUME, method="POST", block=True)
def resume_confirm(request):
    """Before anything of the request is shown, the visitor gives the child's birth date (a physician: the NPI)."""
    link = tokens.live_link(family_session.resume_candidate_id(request.session))
    if link is None:
        return _invalid(request)
    physician = link.audience == tokens.Audience.PHYSICIAN
    if not physician and link.request.child_birth_date is None:
        return _invalid(request, status=403, no_second_factor=True)  # nothing opens on the link alone
    form = ConfirmNpiForm(request.POST or None) if physician else ConfirmBirthDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = tokens.answer_second_factor(link.pk, _matcher(physician, form.cleaned_data))
        if result.opened:
            return _open(request, link)
        if result.closed:
            family_session.forget_resume_candidate(request.session)
            # Closed by this answer (403), or already closed by another browser's (404, as for any dead link).
            return _invalid(request, status=403, too_many_attempts=True) if result.wrong else _invalid(request)
        if physician:
            form.add_error("npi", _("That NPI number does not match our records. Please try again."))
        else:
            form.add_error("birth_date", _("That date of birth does not match our records. Please try again."))
    return render(request, "requests_app/resume_confirm.html", {"form": form, "physician": physician})


def _matcher(physician, cleaned):
    if physician:
        return lambda request_obj: bool(request_obj.physician_npi) and request_obj.physician_npi == cleaned["npi"]
    return lambda request_obj: request_obj.birth_date_matches(cleaned["birth_date"])


def _open(request, link):
    family_session.open_link(request.session, link)
    found = link.request
    if not found.is_draft:
        return redirect("requests_app:status")
    messages.success(request, _("Welcome back. Your answers are as you left them."))
    next_step = intake.resume_step(found)
    return redirect("requests_app:step", slug=next_step.slug) if next_step else redirect("requests_app:review")


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_LINK_REQUEST, method="POST", block=True)
def request_link(request):
    """Send a lost link again; the answer is the same whether or not the address has a request."""
    form = ResumeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"]
        for request_obj, audience in tokens.requests_for_address(address):
            if link_limits.may_email_link(request, request_obj, address):
                notifications.queue_resume_link(request_obj, audience)
        return redirect("requests_app:link_sent")
    return render(request, "requests_app/request_link.html", {"form": form})


def link_sent(request):
    return render(request, "requests_app/link_sent.html", {"days": settings.RESUME_LINK_MAX_AGE_DAYS})


@require_POST
def sign_out(request):
    """End the family's session on this browser (a shared computer), then say so."""
    family_session.end(request.session)
    return redirect("requests_app:signed_out")


def signed_out(request):
    return render(request, "requests_app/signed_out.html")


@require_POST
def keep_alive(request):
    """The idle warning's "Stay signed in": the middleware has just marked the session as seen."""
    active = getattr(request, "family_session_active", False)
    body = {"active": active, "idle_seconds": settings.FAMILY_SESSION_IDLE_SECONDS}
    return JsonResponse(body, status=200 if active else 401)
