"""Choices for the request's answers and status, with labels both families and staff can read.

Where the family needs more words than a staff filter (urgency), the step form carries its own labels.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_RECORDS = "awaiting_records", _("Awaiting records")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Submitted and still being worked on: the statuses a request can be declined or withdrawn from.
OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.AWAITING_RECORDS, Status.SCHEDULED)
#: Finished: no transition leaves these, and the family can no longer send records to them.
CLOSED_STATUSES = (Status.COMPLETED, Status.DECLINED, Status.WITHDRAWN)


class SubmitterRole(models.TextChoices):
    GUARDIAN = "guardian", _("Parent or guardian")
    PHYSICIAN = "physician", _("Referring physician")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex / other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class PreferredLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    VIETNAMESE = "vi", _("Vietnamese")
    OTHER = "other", _("Other (we will arrange an interpreter)")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class CoverageType(models.TextChoices):
    COMMERCIAL = "commercial", _("Private or employer insurance")
    MEDICAID_CHIP = "medicaid_chip", _("Medicaid or CHIP")
    INTERNATIONAL = "international", _("International insurance")
    SELF_PAY = "self_pay", _("Self-pay")
    NONE_UNSURE = "none_unsure", _("No insurance, or not sure")


class PhysicianAwareness(models.TextChoices):
    YES = "yes", _("Yes, they know")
    NOT_YET = "not_yet", _("Not yet")
    PREFER_NOT = "prefer_not", _("I prefer not to tell them")


class CancerCategory(models.TextChoices):
    LEUKEMIA = "leukemia", _("Leukemia")
    LYMPHOMA = "lymphoma", _("Lymphoma")
    BRAIN_CNS = "brain_cns", _("Brain or spinal cord (CNS) tumor")
    NEUROBLASTOMA = "neuroblastoma", _("Neuroblastoma")
    WILMS_KIDNEY = "wilms_kidney", _("Wilms tumor or other kidney tumor")
    BONE_SARCOMA = "bone_sarcoma", _("Bone sarcoma (such as osteosarcoma or Ewing sarcoma)")
    SOFT_TISSUE_SARCOMA = "soft_tissue_sarcoma", _("Soft-tissue sarcoma (such as rhabdomyosarcoma)")
    RETINOBLASTOMA = "retinoblastoma", _("Retinoblastoma")
    GERM_CELL = "germ_cell", _("Germ cell tumor")
    LIVER = "liver", _("Liver tumor (such as hepatoblastoma)")
    OTHER = "other", _("Other")
    NOT_YET_KNOWN = "not_yet_known", _("Not yet known")


class YesNoUnsure(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")


class TreatmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Treatment has not started")
    IN_TREATMENT = "in_treatment", _("In treatment now")
    COMPLETED = "completed", _("Treatment is finished")
    RELAPSED = "relapsed", _("The cancer has come back (relapse)")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    SOON = "soon", _("Soon")
    ROUTINE = "routine", _("Routine")


class Reason(models.TextChoices):
    RARE_CANCER = "rare_cancer", _("My child has a rare cancer and I want a specialist in that type")
    CONFIRM_STANDARD_OF_CARE = "confirm_plan", _("Confirm the treatment plan matches the latest standard of care")
    OTHER_OPTIONS = "other_options", _("Explore other options, such as clinical trials")
    NEW_THERAPY = "new_therapy", _("A new or different therapy or surgery was recommended")
    CONDITION_CHANGED = "condition_changed", _("My child's condition or diagnosis has changed")
    NOT_WORKING = "not_working", _("The current treatment is not working as it should")
    OTHER = "other", _("Another reason")


class VisitPreference(models.TextChoices):
    VIDEO = "video", _("Video visit")
    TELEPHONE = "telephone", _("Telephone call")
    IN_PERSON = "in_person", _("In-person visit")
    NO_PREFERENCE = "no_preference", _("No preference")


class DocumentCategory(models.TextChoices):
    SCANS = "scans", _("Diagnostic scans")
    SLIDES = "slides", _("Biopsy slides")
    REPORTS = "reports", _("Clinical reports")
    TREATMENT_PLAN = "treatment_plan", _("Written treatment plan")
    INSURANCE_CARD = "insurance_card", _("Insurance card")


class ReportType(models.TextChoices):
    LAB = "lab", _("Lab results")
    PATHOLOGY = "pathology", _("Pathology report")
    RADIATION = "radiation", _("Radiation summary")
    SURGERY = "surgery", _("Surgery summary")
    OTHER = "other", _("Other report")


class RecordsAvailability(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded here")
    NOT_AVAILABLE = "not_available", _("Not available yet")
    MAILED = "mailed", _("Physical slides will be mailed")
    TYPED = "typed", _("Typed in below")
