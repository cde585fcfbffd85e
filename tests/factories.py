"""factory_boy factories: drafts at any stage, complete drafts, submitted requests, documents."""

import datetime
import uuid

import factory
from django.utils import timezone

from requests_app.models import Document, DocumentCategory, DocumentStatus, SecondOpinionRequest, Status, SubmitterRole


class DraftFactory(factory.django.DjangoModelFactory):
    """A draft with only the role chosen."""

    class Meta:
        model = SecondOpinionRequest

    submitter_role = SubmitterRole.GUARDIAN
    status = Status.DRAFT


class CompleteDraftFactory(DraftFactory):
    """A guardian's draft with every required answer given: ready to submit."""

    child_first_name = factory.Faker("first_name")
    child_last_name = factory.Faker("last_name")
    child_birth_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365 * 7 + 40))
    child_sex = "female"
    address_line1 = "1600 Rockland Road"
    city = "Wilmington"
    region = "DE"
    postal_code = "19803"
    country = "US"
    guardian_name = factory.Faker("name")
    guardian_relationship = "parent"
    guardian_email = factory.Sequence(lambda n: f"guardian{n}@example.com")
    resume_email = factory.SelfAttribute("guardian_email")
    guardian_phone = "+13025550100"
    preferred_language = "en"
    preferred_contact_method = "email"
    guardian_attests_legal_authority = True
    coverage_type = "commercial"
    insurance_carrier = "Acme Health"
    insurance_member_id = "XJ123456"
    policyholder_name = factory.SelfAttribute("guardian_name")
    policyholder_birth_date = datetime.date(1985, 4, 2)
    current_physician_name = "Dr. Maria Gomez"
    current_physician_institution = "General Hospital"
    current_physician_phone = "+13025550111"
    current_physician_aware = "yes"
    diagnosis_text = "Acute lymphoblastic leukemia, B-cell"
    cancer_category = "leukemia"
    diagnosis_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    current_symptoms = "Tired, bruising"
    treatment_status = "in_treatment"
    urgency = "soon"
    reasons = factory.LazyFunction(lambda: ["confirm_plan", "other_options"])
    visit_preference = "video"
    scans_availability = "not_available"
    slides_availability = "not_available"
    reports_availability = "not_available"
    treatment_plan_availability = "not_available"
    consent_to_share_records = True
    consent_signature = factory.SelfAttribute("guardian_name")


class PhysicianDraftFactory(CompleteDraftFactory):
    submitter_role = SubmitterRole.PHYSICIAN
    physician_name = "Dr. Sam Lee"
    physician_npi = "1234567893"
    physician_institution = "Riverside Pediatrics"
    physician_phone = "+13025550122"
    physician_email = "sam.lee@example.org"
    physician_attests_family_agreed = True
    guardian_attests_legal_authority = False


class SubmittedRequestFactory(CompleteDraftFactory):
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    reference = factory.Sequence(lambda n: f"SO-T{n:03d}-{n % 10000:04d}"[:12])


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document row as a finished upload leaves it (no stored object: use the upload client for that)."""

    class Meta:
        model = Document

    request = factory.SubFactory(CompleteDraftFactory)
    category = DocumentCategory.SCANS
    original_name = factory.Sequence(lambda n: f"IM{n:04d}")
    declared_size = 4096
    stored_size = factory.SelfAttribute("declared_size")
    detected_type = "dicom"
    storage_key = factory.LazyFunction(lambda: f"records/{uuid.uuid4().hex}/{uuid.uuid4().hex}")
    part_size = 8 * 1024 * 1024
    status = DocumentStatus.UPLOADED
    completed_at = factory.LazyFunction(timezone.now)


class ReportDocumentFactory(DocumentFactory):
    """An uploaded PDF report of a submitted request; pass ``metadata`` and ``detected_type`` for others."""

    request = factory.SubFactory(SubmittedRequestFactory)
    category = DocumentCategory.REPORTS
    report_type = "pathology"
    original_name = factory.Sequence(lambda n: f"report-{n}.pdf")
    declared_size = 2048
    declared_content_type = "application/pdf"
    detected_type = "pdf"
