"""The public intake's views: thin, they parse input, call intake.py and render or redirect."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import family_session, intake, link_limits, notifications, step_page, tokens
from .link_forms import LinkAddressForm
from .models import SecondOpinionRequest, SubmitterRole
from .network import client_ip

TOO_MANY_LINKS = gettext_lazy(
    "We have already sent several links for this request. Please use the newest one, or call us if none arrived."
)


def current_draft(request):
    """The draft this browser is working on, or None."""
    pk = family_session.draft_id(request.session)
    return SecondOpinionRequest.objects.drafts().filter(pk=pk).first() if pk else None


def draft_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        draft = current_draft(request)
        if draft is None:
            if SecondOpinionRequest.objects.submitted().filter(pk=family_session.draft_id(request.session)).exists():
                return redirect("requests_app:confirmation")
            messages.info(request, _("To continue a saved request, open the link we emailed you."))
            return redirect("requests_app:home")
        return view(request, draft, *args, **kwargs)

    return wrapper


def rate_limited(request, exception=None):
    return render(request, "requests_app/rate_limited.html", status=429)


def home(request):
    return render(request, "requests_app/home.html", {"draft": current_draft(request)})


@require_POST
@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_START, method="POST", block=True)
def start(request):
    role = request.POST.get("role")
    if role not in SubmitterRole.values:
        messages.error(request, _("Please choose whether you are the child's parent or guardian, or their doctor."))
        return redirect("requests_app:home")
    draft = SecondOpinionRequest.objects.create(submitter_role=role)
    family_session.start_draft(request.session, draft)
    return redirect("requests_app:step", slug=intake.steps_for(draft)[0].slug)


@draft_required
def step(request, draft, slug):
    current = intake.get_step(draft, slug)
    if current is None:
        return redirect("requests_app:step", slug=intake.steps_for(draft)[0].slug)
    form = None
    if request.method == "POST":
        next_url, form = step_page.handle_post(request, draft, current)
        if next_url:
            return redirect(next_url)
    if form is None:
        form = current.form(draft)
    return render(request, "requests_app/step.html", step_page.context(request, draft, current, form))


@draft_required
def save_progress(request, draft):
    """Offer (after the child's step) or, on "Save and continue later", send a link to the draft's own address.

    Never before the child's birth date is saved: it is what guards the link (issue 10 item 6).
    """
    after = family_session.after_offer(request.session)
    context = {"draft": draft, "offering": bool(after), "days": settings.RESUME_LINK_MAX_AGE_DAYS}
    if draft.child_birth_date is None:
        return render(request, "requests_app/save_progress.html", {**context, "needs_birth_date": True})
    address = tokens.link_address(draft)
    form = None if address else LinkAddressForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "skip":
            return _continue_after_offer(request, after)
        if form is not None and form.is_valid():
            address = _save_link_address(draft, form.cleaned_data["email"])
        if address:
            if _email_link(request, draft, address) and after:
                messages.info(request, _("We are emailing a link to %(address)s now.") % {"address": address})
            return redirect("requests_app:saved") if not after else _continue_after_offer(request, after)
    return render(request, "requests_app/save_progress.html", {**context, "form": form, "address": address})


def _save_link_address(draft, address):
    """The address becomes the draft's own (the guardian's, or the physician's on their draft), asked once."""
    field = "physician_email" if draft.is_physician_request else "guardian_email"
    setattr(draft, field, address)
    draft.save(update_fields=[field, "updated_at"])
    return address


def _email_link(request, draft, address):
    """Queue a link email within the per-request and per-address limits; the message says which happened."""
    if not link_limits.may_email_link(request, draft, address):
        messages.warning(request, TOO_MANY_LINKS)
        return False
    row = notifications.queue_resume_link(draft)
    if row is not None:
        family_session.rebind_link(request.session, row.resume_link)
    return True


def _continue_after_offer(request, after):
    family_session.finish_offer(request.session)
    if after == "review" or not after:
        return redirect("requests_app:review")
    return redirect("requests_app:step", slug=after)


@draft_required
def saved(request, draft):
    """What became of the latest link email, as the outbox knows it; and a way to ask for a new one."""
    email = notifications.latest_link_email(draft)
    address = tokens.link_address(draft)
    if email is None or not address:
        return redirect("requests_app:save_progress")
    if request.method == "POST":
        _email_link(request, draft, address)
        return redirect("requests_app:saved")
    context = {
        "draft": draft,
        "address": email.recipients[0] if email.recipients else address,
        "state": notifications.delivery_state(email),
        "sent_at": email.sent_at,
        "days": settings.RESUME_LINK_MAX_AGE_DAYS,
    }
    return render(request, "requests_app/saved.html", context)


@draft_required
def review(request, draft):
    request.session.pop(family_session.AFTER_OFFER, None)
    sections = intake.review_sections(draft)
    return render(
        request,
        "requests_app/review.html",
        {"draft": draft, "sections": sections, "complete": all(s["complete"] for s in sections)},
    )


@require_POST
def submit(request):
    pk = family_session.draft_id(request.session)
    if not pk or not SecondOpinionRequest.objects.filter(pk=pk).exists():
        messages.info(request, _("To continue a saved request, open the link we emailed you."))
        return redirect("requests_app:home")
    try:
        submitted = intake.submit(pk, request_ip=client_ip(request))
    except intake.SubmissionIncomplete:
        messages.error(request, _("Some answers are still missing. Please give them before you submit."))
        return redirect("requests_app:review")
    family_session.mark_submitted(request.session, submitted)
    return redirect("requests_app:confirmation")


def confirmation(request):
    pk = family_session.confirmation_id(request.session)
    submitted = SecondOpinionRequest.objects.submitted().filter(pk=pk).first() if pk else None
    if submitted is None:
        return redirect("requests_app:home")
    return render(request, "requests_app/confirmation.html", {"req": submitted})
