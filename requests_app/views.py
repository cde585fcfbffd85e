"""The public intake's views: thin, they parse input, call intake.py and render or redirect."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import family_session, intake, notifications, resume_messages, step_page, tokens
from .forms import ConfirmBirthDateForm, ResumeEmailForm
from .models import SecondOpinionRequest, SubmitterRole
from .network import client_ip

LINK_NOT_SENT = gettext_lazy(
    "Your answers are saved, but we could not send the email just now. Please try again in a few minutes."
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
    """Offer (after the first step) or ask for (on "Save and continue later") an email for the resume link."""
    after = family_session.after_offer(request.session)
    if request.method == "POST":
        if request.POST.get("action") == "skip":
            return _continue_after_offer(after)
        form = ResumeEmailForm(request.POST)
        if form.is_valid():
            draft.resume_email = form.cleaned_data["email"]
            draft.save(update_fields=["resume_email", "updated_at"])
            if notifications.send_resume_link_soon(draft.pk):
                messages.success(
                    request, _("We have emailed you a link. Use it to come back to your request from any device.")
                )
            else:
                messages.warning(request, LINK_NOT_SENT)
            return redirect("requests_app:saved") if not after else _continue_after_offer(after)
    else:
        form = ResumeEmailForm(initial={"email": draft.physician_email or draft.guardian_email})
    return render(request, "requests_app/save_progress.html", {"form": form, "draft": draft, "offering": bool(after)})


def _continue_after_offer(after):
    if after == "review" or not after:
        return redirect("requests_app:review")
    return redirect("requests_app:step", slug=after)


@draft_required
def saved(request, draft):
    if not draft.resume_email:
        return redirect("requests_app:save_progress")
    if request.method == "POST":
        if notifications.send_resume_link_soon(draft.pk):
            messages.success(request, _("We have sent you a new link. Earlier links no longer work."))
        else:
            messages.warning(request, LINK_NOT_SENT)
        return redirect("requests_app:saved")
    return render(request, "requests_app/saved.html", {"draft": draft, "days": settings.RESUME_LINK_MAX_AGE_DAYS})


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


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_RESUME, block=True)
def resume(request):
    """Exchange the emailed token for a session, then leave the URL that carries it at once."""
    found = tokens.check_token(request.GET.get("t", ""))
    if found is None:
        return render(request, "requests_app/link_invalid.html", status=404)
    family_session.hold_resume_candidate(request.session, found)
    return redirect("requests_app:resume_confirm")


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_RESUME, method="POST", block=True)
def resume_confirm(request):
    """Before any saved answer is shown in a new browser, the visitor confirms the child's date of birth."""
    found = tokens.still_open(family_session.resume_candidate_id(request.session))
    if found is None:
        return render(request, "requests_app/link_invalid.html", status=404)
    if found.child_birth_date is None:
        return _open_request(request, found)
    form = ConfirmBirthDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if found.birth_date_matches(form.cleaned_data["birth_date"]):
            return _open_request(request, found)
        if tokens.record_wrong_birth_date(found):
            family_session.forget_resume_candidate(request.session)
            return render(request, "requests_app/link_invalid.html", {"too_many_attempts": True}, status=403)
        form.add_error("birth_date", resume_messages.wrong_birth_date(found.resume_failed_attempts))
    return render(request, "requests_app/resume_confirm.html", {"form": form})


def _open_request(request, found):
    family_session.open_request(request.session, found)
    tokens.clear_wrong_birth_dates(found)
    if not found.is_draft:
        # After submission the link opens the family's status page (requests_app/status_views.py).
        return redirect("requests_app:status")
    messages.success(request, _("Welcome back. Your answers are as you left them."))
    next_step = intake.resume_step(found)
    return redirect("requests_app:step", slug=next_step.slug) if next_step else redirect("requests_app:review")


@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_LINK_REQUEST, method="POST", block=True)
def request_link(request):
    """Send a lost link again; the answer is the same whether or not the address has a saved request."""
    form = ResumeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Same page whatever happened, so the answer never tells whether the address has a draft. Only ids
        # go through the broker, never the address.
        for pk in SecondOpinionRequest.objects.with_resume_email(form.cleaned_data["email"]).values_list(
            "pk", flat=True
        ):
            notifications.send_resume_link_soon(pk)
        return redirect(reverse("requests_app:link_sent"))
    return render(request, "requests_app/request_link.html", {"form": form})


def link_sent(request):
    return render(request, "requests_app/link_sent.html", {"days": settings.RESUME_LINK_MAX_AGE_DAYS})
