"""The clinical side of a request as FHIR R4: the diagnosis as written and the consultation asked for."""

from ..models import CancerCategory, Reason, Status, TreatmentStatus, Urgency, VisitPreference
from .common import (
    choice_concept,
    code_system,
    concept,
    date_value,
    datetime_value,
    new_resource,
    present,
    reference,
    resource_uuid,
)

# FHIR ranks routine < urgent < asap: "a decision within days" is asap, "within two weeks" urgent.
PRIORITIES = {Urgency.URGENT: "asap", Urgency.SOON: "urgent", Urgency.ROUTINE: "routine"}
SERVICE_REQUEST_STATUSES = {
    Status.DRAFT: "draft",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.WITHDRAWN: "revoked",
}
ASSERTED_DATE = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
VERIFICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-category"


def condition(request_obj, child):
    """The diagnosis as the treating team wrote it; unconfirmed, since the center has not reviewed it yet."""
    if not (request_obj.diagnosis_text or request_obj.cancer_category):
        return None
    resource = new_resource(
        "Condition",
        resource_uuid(request_obj, "Condition"),
        verificationStatus=concept("Unconfirmed", VERIFICATION_SYSTEM, "unconfirmed"),
        category=[concept("Problem List Item", CATEGORY_SYSTEM, "problem-list-item")],
        code=_diagnosis_code(request_obj),
        subject=reference(child),
        note=[{"text": f"Diagnosed at: {request_obj.diagnosing_institution}"}]
        if request_obj.diagnosing_institution
        else [],
    )
    if request_obj.diagnosis_date:
        # The date of diagnosis is when it was asserted (as in mCODE), not when the disease began.
        resource["extension"] = [{"url": ASSERTED_DATE, "valueDateTime": date_value(request_obj.diagnosis_date)}]
    return resource


def _diagnosis_code(request_obj):
    """The words as written, with the family's choice of cancer type as a coding of our own."""
    category = choice_concept(CancerCategory, request_obj.cancer_category, "cancer-category")
    if not request_obj.diagnosis_text:
        return category
    code = {"text": request_obj.diagnosis_text}
    if category:
        code["coding"] = category["coding"]
    return code


def service_request(request_obj, child, requester, diagnosis, supporting):
    """The second-opinion consultation: reasons, questions, urgency and how the family wants to meet."""
    return new_resource(
        "ServiceRequest",
        resource_uuid(request_obj, "ServiceRequest"),
        identifier=[{"system": code_system("request-reference"), "value": request_obj.reference}]
        if request_obj.reference
        else [],
        status=SERVICE_REQUEST_STATUSES.get(request_obj.status, "active"),
        intent="order",
        code=concept("Pediatric oncology second-opinion consultation"),
        orderDetail=present(choice_concept(VisitPreference, request_obj.visit_preference, "visit-preference")),
        priority=PRIORITIES.get(request_obj.urgency),
        subject=reference(child),
        authoredOn=datetime_value(request_obj.submitted_at),
        requester=reference(requester) if requester else None,
        reasonCode=_reasons(request_obj),
        reasonReference=[reference(diagnosis)] if diagnosis else [],
        supportingInfo=[reference(resource) for resource in supporting],
        note=_notes(request_obj),
    )


def _reasons(request_obj):
    reasons = [
        choice_concept(Reason, value, "second-opinion-reason")
        for value in request_obj.reasons or []
        if value != Reason.OTHER or not request_obj.other_reason
    ]
    if request_obj.other_reason:
        reasons.append(concept(request_obj.other_reason, code_system("second-opinion-reason"), Reason.OTHER))
    return [r for r in reasons if r]


def _notes(request_obj):
    """Free text the specialist reads: the family's questions first."""
    treatment = request_obj.treatment_status
    notes = [
        ("Questions for the specialist", request_obj.questions),
        ("Current symptoms", request_obj.current_symptoms),
        ("Treatment status", TreatmentStatus(treatment).label if treatment else ""),
        ("Treatment plan", request_obj.treatment_plan_text),
    ]
    return [{"text": f"{title}: {text}"} for title, text in notes if text]
