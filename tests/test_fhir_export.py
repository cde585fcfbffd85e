"""The FHIR R4 export: valid resources, references that resolve inside the bundle, nothing about storage."""

import base64
import datetime
import json

import pytest
from django.utils import translation

from requests_app.fhir import request_bundle, transaction_bundle
from requests_app.models import DocumentStatus, Status, VisitPreference

from .factories import DraftFactory, PhysicianDraftFactory, ReportDocumentFactory, SubmittedRequestFactory
from .fhir_checks import library_json, references, resource_types, resources_of, validated

pytestmark = pytest.mark.django_db

STUDY = "1.2.826.0.1.3680043.8.498.1"
SERIES_CT = "1.2.826.0.1.3680043.8.498.1.1"
SERIES_LOCALIZER = "1.2.826.0.1.3680043.8.498.1.2"


def dicom(series_uid, modality="CT", number="2", description="Axial 5mm"):
    return {
        "dicom": {
            "modality": modality,
            "study_date": "2026-01-05",
            "study_description": "CT chest abdomen pelvis",
            "series_description": description,
            "series_number": number,
            "series_uid": series_uid,
            "study_uid": STUDY,
        }
    }


def scan(request_obj, metadata, **fields):
    return ReportDocumentFactory(
        request=request_obj,
        category="scans",
        report_type="",
        original_name="IM0001",
        detected_type="dicom",
        declared_content_type="application/dicom",
        metadata=metadata,
        **fields,
    )


@pytest.fixture
def full_request():
    """A physician's submission with every answer and records of every kind."""
    request_obj = PhysicianDraftFactory(
        status=Status.IN_REVIEW,
        submitted_at=datetime.datetime(2026, 11, 20, 15, 30, tzinfo=datetime.UTC),
        reference="SO-7KQ4-M2XH",
        child_preferred_name="Lulu",
        address_line2="Apt 4",
        second_guardian_name="Alex Rivera",
        second_guardian_relationship="legal_guardian",
        second_guardian_email="alex@example.com",
        second_guardian_phone="+13025550177",
        preferred_contact_method="text",
        insurance_group_number="GRP-77",
        current_physician_specialty="Pediatric oncology",
        current_physician_fax="+13025550112",
        current_physician_email="m.gomez@example.org",
        diagnosing_institution="General Hospital",
        urgency="urgent",
        reasons=["rare_cancer", "other"],
        other_reason="We were told nothing more can be done",
        questions="Is proton therapy an option?",
        treatment_plan_text="Induction chemotherapy, 4 weeks",
        visit_preference="in_person",
    )
    ReportDocumentFactory(request=request_obj, metadata={"sha1": "a" * 40, "sha256": "b" * 64})
    ReportDocumentFactory(
        request=request_obj,
        category="insurance_card",
        report_type="",
        original_name="card.png",
        detected_type="png",
        declared_content_type="image/png",
    )
    for _ in range(2):
        scan(request_obj, dicom(SERIES_CT))
    scan(request_obj, dicom(SERIES_LOCALIZER, modality="CT", number="1", description="Localizer"))
    ReportDocumentFactory(request=request_obj, original_name="gone.pdf", status=DocumentStatus.REMOVED)
    ReportDocumentFactory(
        request=request_obj, original_name="late.pdf", status=DocumentStatus.PENDING, completed_at=None
    )
    return request_obj


def assert_valid_and_resolved(bundle):
    validated(bundle)
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        for target in references(entry["resource"]):
            assert target in full_urls, f"{entry['resource']['resourceType']} points outside the bundle: {target}"


def test_full_request_exports_every_resource_type_valid_and_linked(full_request):
    bundle = request_bundle(full_request)

    assert_valid_and_resolved(bundle)
    assert bundle["type"] == "collection"
    types = resource_types(bundle)
    assert types.count("RelatedPerson") == 2
    assert types.count("Practitioner") == 2
    assert types.count("DocumentReference") == 6  # the removed file is not exported
    for expected in ("Patient", "Coverage", "Condition", "ServiceRequest", "ImagingStudy", "PractitionerRole"):
        assert expected in types


def test_full_request_carries_the_answers(full_request):
    bundle = request_bundle(full_request)

    (child,) = resources_of(bundle, "Patient")
    assert child["birthDate"] == full_request.child_birth_date.isoformat()
    assert {"use": "nickname", "text": "Lulu", "given": ["Lulu"]} in child["name"]
    roles = {r["code"][0]["text"]: r for r in resources_of(bundle, "PractitionerRole")}
    assert set(roles) == {"Treating physician", "Referring physician"}
    assert roles["Treating physician"]["specialty"] == [{"text": "Pediatric oncology"}]
    assert roles["Referring physician"]["organization"] == {"display": "Riverside Pediatrics"}
    practitioners = {f"urn:uuid:{p['id']}": p for p in resources_of(bundle, "Practitioner")}
    referring = [practitioners[roles["Referring physician"]["practitioner"]["reference"]]]
    assert referring[0]["identifier"][1] == {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
    (consultation,) = resources_of(bundle, "ServiceRequest")
    assert consultation["priority"] == "asap"
    assert consultation["requester"]["reference"] == f"urn:uuid:{referring[0]['id']}"
    assert consultation["identifier"][1]["value"] == "SO-7KQ4-M2XH"
    assert consultation["orderDetail"][0]["coding"][0]["code"] == "in_person"
    assert [r["coding"][0]["code"] for r in consultation["reasonCode"]] == ["rare_cancer", "other"]
    assert consultation["reasonCode"][1]["text"] == "We were told nothing more can be done"
    assert consultation["note"][0] == {"text": "Questions for the specialist: Is proton therapy an option?"}
    assert consultation["authoredOn"] == "2026-11-20T10:30:00-05:00"
    (diagnosis,) = resources_of(bundle, "Condition")
    assert diagnosis["code"]["text"] == "Acute lymphoblastic leukemia, B-cell"
    assert diagnosis["extension"][0]["valueDateTime"] == full_request.diagnosis_date.isoformat()
    (coverage,) = resources_of(bundle, "Coverage")
    assert coverage["payor"] == [{"display": "Acme Health"}]
    assert coverage["class"][0]["value"] == "GRP-77"
    guardian = resources_of(bundle, "RelatedPerson")[0]
    assert {"system": "sms", "value": "+13025550100", "rank": 1} in guardian["telecom"]


def test_dicom_files_become_one_study_with_two_series(full_request):
    bundle = request_bundle(full_request)

    (study,) = resources_of(bundle, "ImagingStudy")
    assert study["identifier"][1] == {"system": "urn:dicom:uid", "value": f"urn:oid:{STUDY}"}
    assert (study["numberOfSeries"], study["numberOfInstances"], study["started"]) == (2, 3, "2026-01-05")
    series = {s["uid"]: s for s in study["series"]}
    assert series[SERIES_CT]["numberOfInstances"] == 2
    assert series[SERIES_LOCALIZER]["numberOfInstances"] == 1
    assert series[SERIES_LOCALIZER]["modality"]["code"] == "CT"
    linked = [d for d in resources_of(bundle, "DocumentReference") if d.get("context")]
    assert len(linked) == 3
    assert {d["context"]["related"][0]["reference"] for d in linked} == {f"urn:uuid:{study['id']}"}


def test_document_references_describe_files_without_saying_where_they_are(full_request):
    bundle = request_bundle(full_request)
    text = json.dumps(bundle)

    for document in full_request.documents.all():
        assert document.storage_key not in text
    attachments = [d["content"][0]["attachment"] for d in resources_of(bundle, "DocumentReference")]
    assert all("url" not in attachment and "data" not in attachment for attachment in attachments)
    assert "records/test/" not in text and "amazonaws" not in text
    by_title = {d["content"][0]["attachment"]["title"]: d for d in resources_of(bundle, "DocumentReference")}
    (report,) = [d for d in by_title.values() if "hash" in d["content"][0]["attachment"]]
    attachment = report["content"][0]["attachment"]
    assert (attachment["contentType"], attachment["size"]) == ("application/pdf", 2048)
    assert attachment["hash"] == base64.b64encode(b"\xaa" * 20).decode()
    assert attachment["extension"][0]["valueBase64Binary"] == base64.b64encode(b"\xbb" * 32).decode()
    assert report["type"]["coding"][0]["code"] == "pathology"
    assert report["category"][0]["coding"][0]["code"] == "reports"
    assert by_title["late.pdf"]["docStatus"] == "preliminary"
    assert "gone.pdf" not in by_title


def test_bundle_survives_a_json_round_trip_and_the_library_writes_it_back_unchanged(full_request):
    bundle = request_bundle(full_request)

    assert json.loads(json.dumps(bundle)) == bundle
    assert library_json(bundle) == bundle


def test_request_with_minimal_answers_exports_a_valid_bundle():
    request_obj = SubmittedRequestFactory(coverage_type="none_unsure")
    bundle = request_bundle(request_obj)

    assert_valid_and_resolved(bundle)
    assert library_json(bundle) == bundle
    types = resource_types(bundle)
    assert types == ["Patient", "RelatedPerson", "Practitioner", "PractitionerRole", "Condition", "ServiceRequest"]
    (consultation,) = resources_of(bundle, "ServiceRequest")
    assert (consultation["status"], consultation["priority"]) == ("active", "urgent")
    (guardian,) = resources_of(bundle, "RelatedPerson")
    assert consultation["requester"] == {"reference": f"urn:uuid:{guardian['id']}"}


def test_labels_are_written_in_english_whatever_the_active_language(full_request):
    with translation.override("es"):
        assert str(VisitPreference.IN_PERSON.label) == "Consulta en persona"  # the catalogue is in use
        bundle = request_bundle(full_request)

    (consultation,) = resources_of(bundle, "ServiceRequest")
    assert consultation["orderDetail"][0]["text"] == "In-person visit"


def test_export_reads_the_documents_in_one_query(full_request, django_assert_num_queries):
    with django_assert_num_queries(1):
        request_bundle(full_request)


def test_a_draft_with_no_answers_still_exports_a_valid_bundle():
    bundle = request_bundle(DraftFactory())

    assert_valid_and_resolved(bundle)
    assert resource_types(bundle) == ["Patient", "ServiceRequest"]
    assert bundle["entry"][1]["resource"]["status"] == "draft"


def test_self_pay_coverage_is_paid_by_the_guardian():
    bundle = request_bundle(SubmittedRequestFactory(coverage_type="self_pay", insurance_carrier=""))

    assert_valid_and_resolved(bundle)
    (coverage,) = resources_of(bundle, "Coverage")
    (guardian,) = resources_of(bundle, "RelatedPerson")
    assert coverage["payor"] == [{"reference": f"urn:uuid:{guardian['id']}"}]
    assert coverage["type"]["coding"][0]["code"] == "pay"


def test_export_is_stable_across_runs_and_distinct_across_requests(full_request):
    first, again = request_bundle(full_request), request_bundle(full_request)
    other = request_bundle(SubmittedRequestFactory())

    assert first == again
    assert not {e["fullUrl"] for e in first["entry"]} & {e["fullUrl"] for e in other["entry"]}


def test_malformed_headers_and_huge_files_do_not_break_the_bundle():
    request_obj = SubmittedRequestFactory()
    bad = dicom("1.2.3 OR 1=1", modality="ct<script>")
    scan(request_obj, bad)
    scan(request_obj, dicom(SERIES_CT, modality="<b>", number="x"), declared_size=5 * 2**30, stored_size=5 * 2**30)
    bundle = request_bundle(request_obj)

    assert_valid_and_resolved(bundle)
    (study,) = resources_of(bundle, "ImagingStudy")
    assert [s["uid"] for s in study["series"]] == [SERIES_CT]
    assert study["series"][0]["modality"]["code"] == "OT"
    assert "number" not in study["series"][0]
    sizes = [d["content"][0]["attachment"].get("size") for d in resources_of(bundle, "DocumentReference")]
    assert sizes == [2048, None]


def test_transaction_bundle_creates_each_resource_once_and_keeps_links(full_request):
    bundle = transaction_bundle(full_request)

    assert request_bundle(full_request, bundle_type="transaction") == bundle
    validated(bundle)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert "id" not in resource
        assert entry["request"]["method"] == "POST"
        assert entry["request"]["url"] == resource["resourceType"]
        assert entry["request"]["ifNoneExist"] == f"identifier=urn:ietf:rfc:3986|{entry['fullUrl']}"
        assert set(references(resource)) <= full_urls
    assert json.loads(json.dumps(bundle)) == bundle


def test_an_unknown_bundle_type_is_refused(full_request):
    with pytest.raises(ValueError):
        request_bundle(full_request, bundle_type="batch")
