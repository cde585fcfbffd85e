"""Names and paths are canonical: no NUL, control or text-direction characters in answers, file names,
paths or dates (a clear refusal, never a 500), and no family file name in a download link."""

import urllib.request

import pytest
from django.urls import reverse

from requests_app import family_session, forms
from requests_app.models import Document, SecondOpinionRequest, SubmitterRole

from . import answers
from .factories import CompleteDraftFactory
from .staff import COORDINATOR, log_in, make_document, make_staff, make_submitted
from .upload_client import Uploader, store_records_locally

RLO = "\u202e"
NAME_REFUSED = "name contains a hidden character"
ANSWER_REFUSED = "This answer contains a hidden character"


@pytest.fixture
def family_uploader(db, client, settings, tmp_path):
    store_records_locally(settings, tmp_path / "records")
    draft = CompleteDraftFactory(scans_availability="")
    session = client.session
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    client.raise_request_exception = False
    return Uploader(client)


@pytest.mark.parametrize(
    "name, relative_path",
    [
        ("IM\x000001.dcm", ""),  # NUL: PostgreSQL refused it with a 500
        ("IM0001.dcm", "CD/DICOM\x00/"),
        ("scan\r\nContent-Type: text/html.dcm", ""),  # CR/LF would reach download headers
        (f"Zoe_MRI{RLO}mcd.zip", ""),  # shows as "Zoe_MRIpiz.dcm"
        ("IM0001.dcm", f"CD/{RLO}MOCID/"),
        ("IM\x1b[31m0001.dcm", ""),
    ],
)
def test_a_file_name_or_folder_with_hidden_characters_is_refused_at_upload_start(family_uploader, name, relative_path):
    response = family_uploader.start(name, b"\0" * 132, relative_path=relative_path)

    assert response.status_code == 400
    assert NAME_REFUSED in response.json()["error"]
    assert not Document.objects.exists()


def test_a_content_type_with_hidden_characters_is_ignored_not_stored(family_uploader):
    response = family_uploader.start("IM0001.dcm", b"\0" * 132, content_type="application/dicom\x00\r\nX-Evil: 1")

    assert response.status_code == 201
    assert Document.objects.get().declared_content_type == ""


def test_an_ordinary_name_with_accents_and_a_right_to_left_mark_is_accepted(family_uploader):
    response = family_uploader.start("Resonancia_José_\u200fמרים.dcm", b"\0" * 132, relative_path="CD/DICOM/")

    assert response.status_code == 201
    assert Document.objects.get().original_name == "Resonancia_José_\u200fמרים.dcm"


@pytest.mark.parametrize("path", ["/request/child%00/", "/resume/%00", "/%00"])
def test_a_nul_in_the_path_answers_400(db, client, path):
    client.raise_request_exception = False
    assert client.get(path).status_code == 400


def test_a_nul_in_a_date_field_answers_400_and_nothing_is_saved(db, client, guardian_draft):
    session = client.session
    family_session.attach_draft(session, guardian_draft, link_offered=True)
    session.save()
    client.raise_request_exception = False

    response = client.post("/request/child/", {**answers.child(), "child_birth_date": "2015-03-0\x004"})

    assert response.status_code == 400
    assert b"Something in this request was not right" in response.content
    assert SecondOpinionRequest.objects.get(pk=guardian_draft.pk).child_first_name != "Ana"


def test_a_nul_in_a_staff_search_or_filter_answers_400(db, client):
    log_in(client, make_staff(COORDINATOR))
    client.raise_request_exception = False
    changelist = reverse("admin:requests_app_secondopinionrequest_changelist")

    assert client.get(changelist, {"q": "Marsh\x00"}).status_code == 400
    assert client.get(changelist, {"submitted_at__gte": "2026-01-01\x00"}).status_code == 400


@pytest.mark.parametrize(
    "field, value",
    [
        ("child_first_name", f"Ana{RLO}"),
        ("child_last_name", "Lopez\u2066x\u2069"),
        ("child_first_name", "Ana\nMaria"),  # a one-line answer
        ("child_last_name", "Lo\x07pez"),
    ],
)
def test_a_one_line_answer_with_hidden_characters_is_refused_with_a_message(db, field, value):
    form = forms.ChildForm(data={**answers.child(), field: value}, instance=SecondOpinionRequest())

    assert not form.is_valid()
    assert ANSWER_REFUSED in form.errors[field][0]


def test_a_multi_line_answer_keeps_line_breaks_and_tabs_but_not_direction_overrides(db):
    def diagnosis_form(text):
        data = {**answers.diagnosis(), "diagnosis_text": text}
        return forms.DiagnosisForm(data=data, instance=SecondOpinionRequest(submitter_role=SubmitterRole.GUARDIAN))

    assert diagnosis_form("Leukemia, B-cell\r\n\tdiagnosed in March").is_valid()
    refused = diagnosis_form(f"Leukemia{RLO}, B-cell")
    assert not refused.is_valid() and ANSWER_REFUSED in refused.errors["diagnosis_text"][0]


def test_the_s3_download_link_carries_a_neutral_name_and_rfc_6266_filename(db, client, s3_storage, s3_client):
    log_in(client, make_staff(COORDINATOR))
    request_obj = make_submitted()
    document = make_document(request_obj, "scans", name="Zoe Marsh MRI\r\nAxial.dcm", size=132)
    s3_client.put_object(Bucket=s3_storage, Key=document.storage_key, Body=b"\0" * 128 + b"DICM")

    response = client.get(
        reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
    )

    assert response.status_code == 302
    for part in ["Zoe", "Marsh", "MRI", "Axial", "%0D", "%0A"]:  # no digits: the signing date has some
        assert part not in response.url
    neutral = f"scans-{document.public_id.hex[:8]}.dcm"
    with urllib.request.urlopen(response.url) as fetched:  # noqa: S310 (the test S3 server)
        assert (
            fetched.headers["Content-Disposition"] == f"attachment; filename=\"{neutral}\"; filename*=UTF-8''{neutral}"
        )


def test_a_local_download_is_named_neutrally_too(db, client, settings, tmp_path):
    store_records_locally(settings, tmp_path)
    log_in(client, make_staff(COORDINATOR))
    request_obj = make_submitted()
    document = make_document(request_obj, "reports", name="Zoe Marsh pathology.pdf", size=9)
    (tmp_path / document.storage_key).parent.mkdir(parents=True)
    (tmp_path / document.storage_key).write_bytes(b"%PDF-1.7\n")

    response = client.get(
        reverse("admin:requests_app_secondopinionrequest_download", args=[request_obj.pk, document.public_id])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="reports-{document.public_id.hex[:8]}.pdf"'
    assert "Marsh" not in response["Content-Disposition"]
