"""One form per intake step, plus the small forms around the intake (resume, links).

A step form decides which of its answers are required; the review page asks the same forms,
so "what is missing" has one definition. ``lenient=True`` lets "Back" and "Save and continue
later" keep every valid answer without insisting on the required ones. One module per group of
steps; the names other code uses are re-exported here.
"""

from .base import CHOOSE, DATE_WIDGET, REQUIRED, StepForm
from .clinical import ConsentForm, DiagnosisForm, ReasonsForm, SymptomsForm
from .people import AddressForm, ChildForm, CurrentPhysicianForm, GuardianForm, InsuranceForm, PhysicianForm
from .records import RecordsForm, UploadArea, UploadClient
from .resume import ConfirmBirthDateForm, ResumeEmailForm

__all__ = [
    "CHOOSE",
    "DATE_WIDGET",
    "REQUIRED",
    "AddressForm",
    "ChildForm",
    "ConfirmBirthDateForm",
    "ConsentForm",
    "CurrentPhysicianForm",
    "DiagnosisForm",
    "GuardianForm",
    "InsuranceForm",
    "PhysicianForm",
    "ReasonsForm",
    "RecordsForm",
    "ResumeEmailForm",
    "StepForm",
    "SymptomsForm",
    "UploadArea",
    "UploadClient",
]
