"""A request as a FHIR R4 Bundle, for the hospital's integration engine.

Runtime code builds plain dicts (no FHIR library at run time); tests validate them with
fhir.resources' R4B models. Every fullUrl is a urn:uuid derived from the request's public id,
so the same request exports the same ids every time and references resolve inside the bundle.
"""

from django.utils import translation

from .clinical import condition, service_request
from .common import URN_SYSTEM, full_url, resource_uuid
from .documents import dicom_header, document_reference, imaging_studies
from .people import coverage, current_physician, patient, referring_physician, related_persons

__all__ = ["CONTENT_TYPE", "bundle_resources", "request_bundle", "transaction_bundle"]

#: The media type of FHIR JSON, for a download or a POST to a FHIR endpoint.
CONTENT_TYPE = "application/fhir+json"


def bundle_resources(request_obj):
    """Every resource of the request, the child first, the consultation request last."""
    # The receiving systems read English, whatever language the staff member's session is in.
    with translation.override("en"):
        return _resources(request_obj)


def _resources(request_obj):
    child = patient(request_obj)
    guardians = related_persons(request_obj, child)
    guardian = guardians[0] if guardians else None
    current, referring = current_physician(request_obj), referring_physician(request_obj)
    documents = list(request_obj.documents.live().order_by("category", "created_at", "pk"))
    studies = imaging_studies(request_obj, documents, child)
    references = [
        document_reference(request_obj, d, child, studies.get(dicom_header(d).get("study_uid"))) for d in documents
    ]
    diagnosis = condition(request_obj, child)
    # The physician who submitted is the requester; otherwise the family is.
    requester = referring[0] if referring else guardian
    consultation = service_request(
        request_obj, child, requester, diagnosis, supporting=[*studies.values(), *references]
    )
    physicians = [*(current or ()), *(referring or ())]
    payer = coverage(request_obj, child, guardian)
    resources = [child, *guardians, *physicians, payer, diagnosis, *studies.values(), *references, consultation]
    return [r for r in resources if r]


def request_bundle(request_obj, bundle_type="collection"):
    """The request as a Bundle dict: ``collection`` to download, ``transaction`` to send."""
    if bundle_type == "transaction":
        return transaction_bundle(request_obj)
    if bundle_type != "collection":
        raise ValueError(f"unsupported bundle type: {bundle_type}")
    return {
        "resourceType": "Bundle",
        "id": str(resource_uuid(request_obj, "Bundle")),
        "identifier": {"system": URN_SYSTEM, "value": full_url(resource_uuid(request_obj, "Bundle"))},
        "type": "collection",
        "entry": [{"fullUrl": full_url(r["id"]), "resource": r} for r in bundle_resources(request_obj)],
    }


def transaction_bundle(request_obj):
    """A transaction of conditional creates: sending it twice creates nothing twice."""
    entries = []
    for resource in bundle_resources(request_obj):
        key = resource["identifier"][0]
        # The server assigns ids; inside the transaction the urn:uuid fullUrls still link the entries.
        body = {k: v for k, v in resource.items() if k != "id"}
        entries.append(
            {
                "fullUrl": full_url(resource["id"]),
                "resource": body,
                "request": {
                    "method": "POST",
                    "url": resource["resourceType"],
                    "ifNoneExist": f"identifier={key['system']}|{key['value']}",
                },
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
