"""Tags for the family's pages: where "continue" leads, and the print-friendly summary of what was sent."""

from django import template
from django.urls import reverse

from .. import intake

register = template.Library()


@register.simple_tag
def continue_url(draft):
    """Where "Continue where you left off" and "Keep going" lead: the step the person left, else the review."""
    step = intake.resume_step(draft)
    return reverse("requests_app:step", kwargs={"slug": step.slug}) if step else reverse("requests_app:review")


@register.inclusion_tag("requests_app/partials/print_summary.html")
def print_summary(request_obj):
    """The family's copy of what they sent: every answer as on the review page, the files included."""
    return {"req": request_obj, "sections": intake.review_sections(request_obj)}
