"""Valid answers for every intake step, as a browser would post them."""

import datetime

from django.utils import timezone


def _years_ago(years, days=40):
    return (timezone.localdate() - datetime.timedelta(days=365 * years + days)).isoformat()


PHYSICIAN = {
    "physician_name": "Dr. Sam Lee",
    "physician_npi": "1234567893",
    "physician_institution": "Riverside Pediatrics",
    "physician_phone": "(302) 555-0122",
    "physician_email": "sam.lee@example.org",
    "physician_attests_family_agreed": "on",
}


def child():
    return {
        "child_first_name": "Ana",
        "child_last_name": "Lopez",
        "child_preferred_name": "Annie",
        "child_birth_date": _years_ago(7),
        "child_sex": "female",
    }


ADDRESS = {
    "address_line1": "1600 Rockland Road",
    "address_line2": "",
    "city": "Wilmington",
    "region": "Delaware",
    "postal_code": "19803",
    "country": "US",
}
GUARDIAN = {
    "guardian_name": "Maria Lopez",
    "guardian_relationship": "parent",
    "guardian_email": "maria.lopez@example.com",
    "guardian_phone": "302-555-0100",
    "preferred_language": "es",
    "preferred_contact_method": "email",
    "guardian_attests_legal_authority": "on",
}
INSURANCE = {
    "coverage_type": "commercial",
    "insurance_carrier": "Acme Health",
    "insurance_member_id": "XJ123456",
    "insurance_group_number": "",
    "policyholder_name": "Maria Lopez",
    "policyholder_birth_date": "1985-04-02",
}
CURRENT_PHYSICIAN = {
    "current_physician_name": "Dr. Maria Gomez",
    "current_physician_specialty": "Pediatric oncology",
    "current_physician_institution": "General Hospital",
    "current_physician_phone": "+1 302 555 0111",
    "current_physician_fax": "",
    "current_physician_email": "",
    "current_physician_aware": "yes",
}


def diagnosis():
    return {
        "diagnosis_text": "Acute lymphoblastic leukemia, B-cell",
        "cancer_category": "leukemia",
        "diagnosis_date": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "diagnosing_institution": "General Hospital",
        "diagnosis_changed": "no",
    }


SYMPTOMS = {"current_symptoms": "Tired, some bruising", "treatment_status": "in_treatment", "urgency": "soon"}
REASONS = {
    "reasons": ["confirm_plan", "other_options"],
    "other_reason": "",
    "questions": "Is a clinical trial an option?",
    "visit_preference": "video",
}
RECORDS = {
    "scans_availability": "not_available",
    "slides_availability": "not_available",
    "slides_tracking_number": "",
    "reports_availability": "not_available",
    "treatment_plan_availability": "not_available",
    "treatment_plan_text": "",
}
CONSENT = {"consent_to_share_records": "on", "consent_signature": "Maria Lopez"}


def for_step(slug):
    """The valid answers for one step, by slug."""
    table = {
        "physician": PHYSICIAN,
        "child": child(),
        "address": ADDRESS,
        "guardian": GUARDIAN,
        "insurance": INSURANCE,
        "current-physician": CURRENT_PHYSICIAN,
        "diagnosis": diagnosis(),
        "symptoms": SYMPTOMS,
        "reasons": REASONS,
        "records": RECORDS,
        "consent": CONSENT,
    }
    return dict(table[slug])
