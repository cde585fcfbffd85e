"""Resume links: one row per emailed link (requests_app/tokens.py makes, checks and ends them)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResumeLink(models.Model):
    class Audience(models.TextChoices):
        # The family's link (a physician's draft link too): opens the request after the child's birth date.
        FAMILY = "family", _("Family")
        # The referring physician's link to a submitted request: opens its status page after their NPI.
        PHYSICIAN = "physician", _("Referring physician")

    request = models.ForeignKey(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="resume_links"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.FAMILY)
    # The token is an HMAC of this salt with SECRET_KEY, so the outbox can email it later while the
    # table alone (a database leak) opens nothing; only the token's SHA-256 is looked up.
    salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The outbox row that emails this link: the older links are revoked once that email is accepted.
    notification = models.OneToOneField(
        "requests_app.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="resume_link"
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "audience", "revoked_at"], name="resumelink_live")]

    def __str__(self):
        return f"{self.get_audience_display()} link {self.pk} for request {self.request_id}"
