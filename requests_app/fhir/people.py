"""The people of a request as FHIR R4 resources: the child, guardians, physicians and the coverage."""

from ..models import CoverageType, PreferredLanguage, Relationship
from .common import (
    NPI_SYSTEM,
    choice_concept,
    concept,
    date_value,
    human_name,
    new_resource,
    present,
    reference,
    resource_uuid,
    telecom,
)

ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
RELATIONSHIP_ROLE_CODES = {
    Relationship.PARENT: ("PRN", "parent"),
    Relationship.LEGAL_GUARDIAN: ("GUARD", "guardian"),
    Relationship.GRANDPARENT: ("GRPRN", "grandparent"),
    Relationship.OTHER_RELATIVE: ("FAMMEMB", "family member"),
}
# FHIR's administrative gender has no "intersex": "other" is its documented place.
GENDERS = {"female": "female", "male": "male", "intersex": "other", "undisclosed": "unknown"}
# Coverages the family described with a payer; "no insurance, or not sure" describes none.
INSURED = {CoverageType.COMMERCIAL, CoverageType.MEDICAID_CHIP, CoverageType.INTERNATIONAL}


def address(request_obj):
    lines = [line for line in (request_obj.address_line1, request_obj.address_line2) if line]
    country = request_obj.country.code if request_obj.country else ""
    fields = {"line": lines, "city": request_obj.city, "state": request_obj.region}
    fields |= {"postalCode": request_obj.postal_code, "country": country}
    result = {k: v for k, v in fields.items() if v}
    return [result] if result else []


def language(request_obj):
    """The preferred language as a BCP-47 code, or as text when the family chose "other"."""
    value = request_obj.preferred_language
    if not value:
        return []
    label = str(PreferredLanguage(value).label)
    if value == PreferredLanguage.OTHER:
        return [{"language": concept(label), "preferred": True}]
    return [{"language": concept(label, "urn:ietf:bcp:47", value), "preferred": True}]


def patient(request_obj):
    """The child."""
    names = [human_name(given=request_obj.child_first_name, family=request_obj.child_last_name, use="official")]
    if request_obj.child_preferred_name:
        names.append(human_name(given=request_obj.child_preferred_name, use="nickname"))
    return new_resource(
        "Patient",
        resource_uuid(request_obj, "Patient"),
        name=[n for n in names if n],
        gender=GENDERS.get(request_obj.child_sex),
        birthDate=date_value(request_obj.child_birth_date),
        address=address(request_obj),
    )


def related_persons(request_obj, child):
    """The guardian and, when given, the second guardian."""
    people = []
    for key, prefix in (("guardian", "guardian"), ("second-guardian", "second_guardian")):
        name = getattr(request_obj, f"{prefix}_name")
        if not name:
            continue
        first = key == "guardian"
        relationship = getattr(request_obj, f"{prefix}_relationship")
        code, display = RELATIONSHIP_ROLE_CODES.get(relationship, (None, None))
        label = Relationship(relationship).label if relationship else None
        people.append(
            new_resource(
                "RelatedPerson",
                resource_uuid(request_obj, "RelatedPerson", key),
                patient=reference(child),
                relationship=present(concept(label, ROLE_CODE_SYSTEM, code, display)),
                name=[human_name(full=name)],
                telecom=telecom(
                    phone=getattr(request_obj, f"{prefix}_phone"),
                    email=getattr(request_obj, f"{prefix}_email"),
                    preferred=request_obj.preferred_contact_method if first else None,
                ),
                address=address(request_obj) if first else [],
                communication=language(request_obj) if first else [],
            )
        )
    return people


def current_physician(request_obj):
    """``(Practitioner, PractitionerRole)`` of the child's current doctor, or None."""
    if not request_obj.current_physician_name:
        return None
    return _practitioner(
        request_obj,
        "current",
        request_obj.current_physician_name,
        role="Treating physician",
        institution=request_obj.current_physician_institution,
        specialty=request_obj.current_physician_specialty,
        contacts=telecom(
            request_obj.current_physician_phone, request_obj.current_physician_email, request_obj.current_physician_fax
        ),
    )


def referring_physician(request_obj):
    """``(Practitioner, PractitionerRole)`` of the physician who submitted the request, or None."""
    if not (request_obj.is_physician_request and request_obj.physician_name):
        return None
    return _practitioner(
        request_obj,
        "referring",
        request_obj.physician_name,
        role="Referring physician",
        institution=request_obj.physician_institution,
        contacts=telecom(request_obj.physician_phone, request_obj.physician_email),
        npi=request_obj.physician_npi,
    )


def _practitioner(request_obj, key, name, role, institution, contacts, specialty="", npi=""):
    practitioner = new_resource(
        "Practitioner",
        resource_uuid(request_obj, "Practitioner", key),
        identifier=[{"system": NPI_SYSTEM, "value": npi}] if npi else [],
        name=[human_name(full=name)],
    )
    # Institution, specialty and work contacts belong to the role, not the person, in FHIR.
    practitioner_role = new_resource(
        "PractitionerRole",
        resource_uuid(request_obj, "PractitionerRole", key),
        practitioner=reference(practitioner),
        organization={"display": institution} if institution else None,
        code=[concept(role)],
        specialty=present(concept(specialty)),
        telecom=contacts,
    )
    return practitioner, practitioner_role


def coverage(request_obj, child, guardian):
    """The child's coverage, or None when the family gave no payer (no insurance, or not sure)."""
    kind = request_obj.coverage_type
    if kind == CoverageType.SELF_PAY:
        coverage_type = concept("Self-pay", "http://terminology.hl7.org/CodeSystem/coverage-selfpay", "pay")
        payor = reference(guardian) if guardian else reference(child)
    elif kind in INSURED and request_obj.insurance_carrier:
        coverage_type = choice_concept(CoverageType, kind, "coverage-type")
        payor = {"display": request_obj.insurance_carrier}
    else:
        return None
    subscriber = None
    if request_obj.policyholder_name:
        same_as_guardian = guardian and request_obj.policyholder_name == request_obj.guardian_name
        subscriber = reference(guardian) if same_as_guardian else {"display": request_obj.policyholder_name}
    group = request_obj.insurance_group_number
    group_type = concept("Group", "http://terminology.hl7.org/CodeSystem/coverage-class", "group")
    return new_resource(
        "Coverage",
        resource_uuid(request_obj, "Coverage"),
        status="active",
        type=coverage_type,
        subscriber=subscriber,
        subscriberId=request_obj.insurance_member_id,
        beneficiary=reference(child),
        payor=[payor],
        **{"class": [{"type": group_type, "value": group}] if group else []},
    )
