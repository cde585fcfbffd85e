"""The records step: what is available for each category, and the upload areas the page shows."""

from functools import cached_property

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    AVAILABILITY_FIELDS,
    DocumentCategory,
    SecondOpinionRequest,
)
from .base import StepForm


class UploadArea:
    """A crispy layout object that renders one category's upload area (partials/upload_area.html)."""

    def __init__(self, category):
        self.category = category

    def render(self, form, context, template_pack=None, **kwargs):
        from django.template.loader import render_to_string

        area = form.upload_areas[self.category]
        return render_to_string("requests_app/partials/upload_area.html", {**context.flatten(), "area": area})


class UploadClient:
    """A crispy layout object that renders, once, the upload client's configuration and script."""

    def render(self, form, context, template_pack=None, **kwargs):
        from ..templatetags.uploads import upload_client

        return upload_client(context, form.upload_areas.values())


class RecordsForm(StepForm):
    required_fields = tuple(AVAILABILITY_FIELDS.values())
    intro = _(
        "Upload what you have now; you can add the rest later. Large files such as a CD of MRI images "
        "or scanned slides are fine: keep this page open while the bars fill, and if the connection drops "
        "the upload continues where it stopped."
    )

    scans_availability = forms.ChoiceField(
        label=_("Diagnostic scans (MRI, CT, PET, X-ray)"),
        choices=[("uploaded", _("I am uploading them here")), ("not_available", _("Not available yet"))],
        widget=forms.RadioSelect,
    )
    slides_availability = forms.ChoiceField(
        label=_("Biopsy slides"),
        choices=[
            ("uploaded", _("I am uploading scanned slides here")),
            ("mailed", _("Physical slides will be mailed")),
            ("not_available", _("Not available yet")),
        ],
        widget=forms.RadioSelect,
    )
    reports_availability = forms.ChoiceField(
        label=_("Clinical reports (lab, pathology, radiation, surgery)"),
        choices=[("uploaded", _("I am uploading them here")), ("not_available", _("Not available yet"))],
        widget=forms.RadioSelect,
    )
    treatment_plan_availability = forms.ChoiceField(
        label=_("Written treatment plan"),
        choices=[
            ("uploaded", _("I am uploading it here")),
            ("typed", _("I will type it in")),
            ("not_available", _("Not available yet")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SecondOpinionRequest
        fields = [
            "scans_availability",
            "slides_availability",
            "slides_tracking_number",
            "reports_availability",
            "treatment_plan_availability",
            "treatment_plan_text",
        ]
        labels = {
            "slides_tracking_number": _("Tracking number for the mailed slides"),
            "treatment_plan_text": _("The treatment plan, typed in"),
        }
        help_texts = {"slides_tracking_number": _("Optional: add it when you have posted the slides.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crispy_forms.layout import Fieldset, Layout

        self.helper.layout = Layout(
            Fieldset("", "scans_availability", UploadArea("scans"), css_class="records-category"),
            Fieldset(
                "", "slides_availability", "slides_tracking_number", UploadArea("slides"), css_class="records-category"
            ),
            Fieldset("", "reports_availability", UploadArea("reports"), css_class="records-category"),
            Fieldset(
                "",
                "treatment_plan_availability",
                "treatment_plan_text",
                UploadArea("treatment_plan"),
                css_class="records-category",
            ),
            Fieldset("", UploadArea("insurance_card"), css_class="records-category"),
            UploadClient(),
        )

    @cached_property
    def upload_areas(self):
        """{category: what its upload area shows}, built once for the areas and the client's configuration."""
        from .. import uploads

        categories = [*AVAILABILITY_FIELDS, DocumentCategory.INSURANCE_CARD]
        return {str(c): uploads.upload_area(self.instance, c, context="intake") for c in categories}

    def clean(self):
        from ..models import DocumentStatus

        cleaned = super().clean()
        documents = self.instance.documents.all() if self.instance.pk else None
        for category, name in AVAILABILITY_FIELDS.items():
            if cleaned.get(name) != "uploaded" or self.lenient:
                continue
            in_category = documents.filter(category=category) if documents is not None else None
            if in_category is None or not in_category.filter(status=DocumentStatus.UPLOADED).exists():
                self.add_error(name, _("Upload at least one file here, or choose another answer."))
            elif in_category.filter(status=DocumentStatus.PENDING).exists():
                self.add_error(
                    name, _("A file here has not finished uploading. Let it finish, or remove it, then continue.")
                )
        if cleaned.get("treatment_plan_availability") == "typed":
            self.require("treatment_plan_text")
        return cleaned
