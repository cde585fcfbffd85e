"""The whole intake through the test client on PostgreSQL: guardian and physician, to one submitted request."""

import re

import pytest
from django.core import mail

from requests_app import intake
from requests_app.models import Notification, SecondOpinionRequest, Status

from . import answers, flow

pytestmark = pytest.mark.django_db


def test_guardian_completes_the_intake_and_gets_a_reference_and_confirmation(
    client, django_capture_on_commit_callbacks
):
    draft = flow.start(client, "guardian")
    with django_capture_on_commit_callbacks(execute=True):  # the resume-link email offered on the way
        draft = flow.fill_all_steps(client, draft)

    response = client.get("/request/review/")
    assert response.status_code == 200
    assert "Some answers are still needed" not in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = flow.submit(client)
    assert response.status_code == 302 and response.url == "/request/submitted/"
    page = client.get(response.url).content.decode()

    submitted = SecondOpinionRequest.objects.get()
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_at is not None
    assert re.fullmatch(r"SO-[2-9A-Z]{4}-[2-9A-Z]{4}", submitted.reference)
    assert submitted.reference in page
    assert "What happens next" in page
    assert '<a href="/resume/request-link/">Get a new link by email</a>' in page  # how to follow it later
    assert submitted.guardian_phone.as_e164 == "+13025550100"
    assert submitted.region == "DE"
    assert submitted.consent_signed_at is not None and submitted.consent_ip == "127.0.0.1"

    # The family chose Spanish as their preferred language (tests/answers.py).
    confirmations = [
        m for m in mail.outbox if m.subject == f"Recibimos su solicitud de segunda opinión ({submitted.reference})"
    ]
    assert [m.to for m in confirmations] == [["maria.lopez@example.com"]]
    assert confirmations[0].alternatives[0][1] == "text/html"
    staff = [m for m in mail.outbox if m.subject.startswith("New second-opinion request")]
    assert len(staff) == 1
    assert set(Notification.objects.values_list("state", flat=True)) == {Notification.State.SENT}


def test_physician_submits_for_a_family_and_both_get_the_confirmation(client, django_capture_on_commit_callbacks):
    draft = flow.start(client, "physician")
    assert [s.slug for s in intake.steps_for(draft)][0] == "physician"
    flow.fill_all_steps(client, draft, resume_email="sam.lee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        flow.submit(client)

    submitted = SecondOpinionRequest.objects.get()
    assert submitted.status == Status.SUBMITTED
    assert submitted.is_physician_request
    assert submitted.physician_npi == "1234567893"
    assert submitted.physician_attests_family_agreed is True
    # The family reads Spanish (tests/answers.py); the physician's copy is in English.
    family = next(m for m in mail.outbox if submitted.reference in m.subject and "Recibimos" in m.subject)
    physician = next(
        m for m in mail.outbox if m.subject == f"We received your second-opinion request ({submitted.reference})"
    )
    assert family.to == ["maria.lopez@example.com"]
    assert physician.to == ["sam.lee@example.org"]


def test_the_resume_link_is_offered_after_the_first_step(client):
    draft = flow.start(client)
    response = flow.post_step(client, "child")
    assert response.url == "/request/save/"
    page = client.get(response.url).content.decode()
    assert "Email me a link" in page and "Not now, continue" in page
    response = client.post("/request/save/", {"action": "skip"})
    assert response.url == "/request/address/"
    assert not Notification.objects.filter(request=draft, kind=Notification.Kind.RESUME_LINK).exists()


def test_invalid_input_shows_a_linked_error_summary_and_keeps_every_typed_value(client):
    flow.start(client)
    data = {**answers.child(), "child_birth_date": "2999-01-01", "child_first_name": "Ana María"}
    response = flow.post_step(client, "child", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please check these answers" in page
    assert 'href="#id_child_birth_date"' in page
    assert "The date of birth cannot be in the future." in page
    assert 'value="Ana María"' in page and 'value="2999-01-01"' in page and 'value="Lopez"' in page


def test_back_keeps_answers_including_ones_not_valid_yet(client):
    draft = flow.start(client)
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "skip"})
    data = {**answers.ADDRESS, "postal_code": "ABC", "city": "Wilmington"}
    response = flow.post_step(client, "address", data, action="back")
    assert response.url == "/request/child/"

    draft.refresh_from_db()
    assert draft.city == "Wilmington"
    assert draft.unsaved_inputs == {"address": {"postal_code": "ABC"}}
    page = client.get("/request/address/").content.decode()
    assert 'value="ABC"' in page and 'value="Wilmington"' in page


def test_save_and_continue_later_saves_and_explains_how_to_come_back(client):
    draft = flow.start(client)
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    response = flow.post_step(client, "address", {"city": "Wilmington"}, action="save_later")
    assert response.url == "/request/saved/"
    page = client.get(response.url).content.decode()
    assert "maria.lopez@example.com" in page
    draft.refresh_from_db()
    assert draft.city == "Wilmington"


def test_every_step_has_save_and_continue_later_and_back(client):
    draft = flow.start(client, "physician")
    for step in intake.steps_for(draft):
        page = client.get(f"/request/{step.slug}/").content.decode()
        assert 'value="save_later"' in page and 'value="back"' in page, step.slug


def test_review_lists_missing_answers_and_refuses_submit(client):
    draft = flow.start(client)
    flow.post_step(client, "child")
    page = client.get("/request/review/").content.decode()
    assert "Some answers are still needed" in page
    assert "Parent or guardian" in page

    response = flow.submit(client)
    assert response.url == "/request/review/"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.reference is None
    assert Notification.objects.count() == 0


def test_change_link_goes_to_the_step_and_returns_to_review(client):
    draft = flow.start(client)
    flow.fill_all_steps(client, draft)
    page = client.get("/request/review/").content.decode()
    assert 'href="/request/symptoms/?return_to=review"' in page

    page = client.get("/request/symptoms/?return_to=review").content.decode()
    assert 'name="return_to" value="review"' in page
    response = client.post(
        "/request/symptoms/", {**answers.SYMPTOMS, "urgency": "urgent", "action": "continue", "return_to": "review"}
    )
    assert response.url == "/request/review/"
    assert "Urgent: a treatment decision is needed within days" in client.get("/request/review/").content.decode()


def test_review_shows_every_answer_grouped_by_step(client):
    draft = flow.start(client)
    flow.fill_all_steps(client, draft)
    page = client.get("/request/review/").content.decode()
    for title in ["The child", "Address", "Parent or guardian", "Insurance", "Current doctor", "Diagnosis"]:
        assert title in page
    for value in ["Ana", "Wilmington", "+1 302-555-0100", "Acme Health", "Acute lymphoblastic leukemia, B-cell"]:
        assert value in page
    assert "Explore other options, such as clinical trials" in page


def test_steps_need_a_draft_in_the_session(client):
    response = client.get("/request/child/")
    assert response.status_code == 302 and response.url == "/"


def test_health_pages_are_not_cached(client):
    flow.start(client)
    response = client.get("/request/child/")
    assert "no-store" in response["Cache-Control"]
