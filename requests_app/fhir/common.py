"""Shared pieces of the FHIR R4 export: stable ids, references, codes, contact points, times."""

import uuid

from django.conf import settings
from django.utils import timezone

#: Where a UUID identifier lives in FHIR (RFC 3986 URN).
URN_SYSTEM = "urn:ietf:rfc:3986"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"


def system_base():
    """The root of this portal's own code systems and identifiers (stable across exports)."""
    return getattr(settings, "FHIR_SYSTEM_BASE", "") or f"{settings.SITE_URL}/fhir"


def code_system(name):
    """The URI of one of the portal's own code systems, such as ``cancer-category``."""
    return f"{system_base()}/CodeSystem/{name}"


def resource_uuid(request_obj, kind, key=""):
    """A UUID derived from the request's public id: the same resource gets the same id on every export."""
    return uuid.uuid5(request_obj.public_id, f"{kind}/{key}")


def full_url(resource_id):
    return f"urn:uuid:{resource_id}"


def reference(resource):
    """A Reference to a resource of this bundle, by its fullUrl."""
    return {"reference": full_url(resource["id"])}


def new_resource(resource_type, resource_id, **fields):
    """A resource dict with its id and a urn:uuid identifier (the key of conditional creates)."""
    identifiers = [{"system": URN_SYSTEM, "value": full_url(resource_id)}, *fields.pop("identifier", [])]
    return {"resourceType": resource_type, "id": str(resource_id), "identifier": identifiers, **prune(fields)}


def prune(fields):
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def present(*items):
    """The items that are not None, as a list."""
    return [item for item in items if item]


def concept(text, system=None, code=None, display=None):
    """A CodeableConcept; a coding only when a code is known."""
    result = {"text": str(text)} if text else {}
    if code:
        result["coding"] = [prune({"system": system, "code": str(code), "display": str(display or text or "")})]
    return result or None


def choice_concept(choices, value, system_name):
    """A CodeableConcept for one of the portal's TextChoices values (our code, its label as text)."""
    if not value:
        return None
    label = choices(value).label if value in choices.values else value
    return concept(label, code_system(system_name), value)


def telecom(phone=None, email=None, fax=None, preferred=None):
    """ContactPoints; ``preferred`` (email, phone or text) is ranked first."""
    points = []
    if phone:
        points.append(prune({"system": "phone", "value": str(phone), "rank": 1 if preferred == "phone" else None}))
        if preferred == "text":
            points.append({"system": "sms", "value": str(phone), "rank": 1})
    if fax:
        points.append({"system": "fax", "value": str(fax)})
    if email:
        points.append(prune({"system": "email", "value": email, "rank": 1 if preferred == "email" else None}))
    return points


def human_name(full=None, given=None, family=None, use=None):
    """A HumanName from a name typed in one box (text) or in two (given and family)."""
    name = prune({"use": use, "text": full or " ".join(p for p in (given, family) if p), "family": family})
    if given:
        name["given"] = [given]
    return name if name.get("text") else None


def date_value(value):
    return value.isoformat() if value else None


def datetime_value(value):
    """An aware dateTime in the portal's time zone, to the second."""
    if not value:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()
