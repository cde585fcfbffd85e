"""What staff see of the records without downloading them: series previews, and mailed slides received."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesPreview(models.Model):
    """The rendered preview of one DICOM series (by its UID) or one slide scan (series_uid blank).

    The PNG lives in the records storage under ``previews/``; ``detail`` says how it was windowed, or
    why there is no image. ``image_count`` is how many images the series had when it was rendered, so a
    series that grows (more files of the same CD arrived) is rendered again.
    """

    request = models.ForeignKey(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="series_previews"
    )
    series_uid = models.CharField(_("series UID"), max_length=80, blank=True)
    document = models.ForeignKey(
        "requests_app.Document", on_delete=models.CASCADE, related_name="previews", help_text="The file shown."
    )
    image_key = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    image_count = models.PositiveIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "series_uid"],
                condition=~models.Q(series_uid=""),
                name="preview_one_per_series",
            ),
            models.UniqueConstraint(
                fields=["request", "document"], condition=models.Q(series_uid=""), name="preview_one_per_slide"
            ),
        ]

    def __str__(self):
        return f"Preview {self.pk} of request {self.request_id}"

    @property
    def has_image(self):
        return bool(self.image_key)


class SlidesReceipt(models.Model):
    """Staff marked the family's mailed slides as received: a record, not a status change."""

    request = models.OneToOneField(
        "requests_app.SecondOpinionRequest", on_delete=models.CASCADE, related_name="slides_receipt"
    )
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Slides received for request {self.request_id}"
