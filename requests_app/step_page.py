"""The step page's rules: which button was pressed, what is saved, and where the family goes next."""

from django.urls import reverse

from . import family_session, intake, notifications
from .network import client_ip


def returning_to_review(request):
    """True when the family opened the step from the review page's "Change" link."""
    return request.POST.get("return_to") == "review" or request.GET.get("return_to") == "review"


def step_url(step):
    return reverse("requests_app:step", kwargs={"slug": step.slug})


def handle_post(request, draft, step):
    """Act on a step's form: (the URL to go to, None), or (None, the invalid form to show again).

    "Back" and "Save and continue later" keep what was typed, valid or not; "Continue" saves a valid step.
    """
    action = request.POST.get("action", "continue")
    previous, following = intake.neighbours(draft, step)
    if action in ("back", "save_later"):
        intake.save_partial(step, draft, request.POST)
        if action == "save_later":
            return reverse("requests_app:saved"), None
        return (step_url(previous) if previous else reverse("requests_app:home")), None
    form = step.form(draft, data=request.POST)
    if not form.is_valid():
        return None, form
    draft = intake.save_step(step, draft, form, request_ip=client_ip(request))
    return _after_saving(request, draft, following), None


def _after_saving(request, draft, following):
    """Back to the review when that is where the family came from; once, an offer of a resume link; else on."""
    if returning_to_review(request):
        return reverse("requests_app:review")
    if _link_worth_offering(request, draft):
        family_session.mark_link_offered(request.session, then=following.slug if following else "review")
        return reverse("requests_app:save_progress")
    return step_url(following) if following else reverse("requests_app:review")


def _link_worth_offering(request, draft):
    """Once, after the child's birth date is saved (it guards the link), unless a link was already emailed."""
    if draft.child_birth_date is None or family_session.link_offered(request.session):
        return False
    return notifications.latest_link_email(draft) is None


def context(request, draft, step, form):
    """What the step template shows: the form, the progress and the way back."""
    steps = intake.steps_for(draft)
    return {
        "draft": draft,
        "step": step,
        "form": form,
        "steps": steps,
        "step_number": steps.index(step) + 1,
        "previous": intake.neighbours(draft, step)[0],
        "returning_to_review": returning_to_review(request),
    }
