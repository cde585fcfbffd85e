"""Spanish family pages: the language switch, every page of the intake and after it, Django's own
messages, the choice remembered on the draft (and in a new browser that resumes), staff in English."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.functional import Promise

from requests_app import family_timeline, intake, tokens
from requests_app.models import SecondOpinionRequest
from requests_app.uploads import archives

from . import answers, flow, links, po_catalog
from .factories import CompleteDraftFactory, SubmittedRequestFactory
from .sessions import open_draft
from .staff import log_in, make_staff

pytestmark = pytest.mark.django_db


def choose_spanish(client, next_url="/"):
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})
    assert response.status_code == 302 and response.url == next_url
    return response


def spanish(text):
    """The Spanish of a msgid, asserted to differ from the English (so a match proves a translation)."""
    with translation.override("es"):
        translated = str(translation.gettext(text))
    assert translated != text, f"no Spanish for {text!r}"
    return translated


def assert_spanish_page(response, *msgids):
    page = response.content.decode()
    assert re.search(r'<html lang="es">', page), page[:300]
    for msgid in msgids:
        translated = spanish(msgid)
        assert translated in page, msgid
        assert msgid not in page.replace(translated, ""), msgid
    assert "Español" in page and "English" in page  # the switch is on every page


def test_choosing_spanish_makes_the_start_page_spanish_with_lang_es(client):
    english = client.get("/")
    assert '<html lang="en">' in english.content.decode()
    assert 'action="/i18n/setlang/"' in english.content.decode()
    choose_spanish(client)
    response = client.get("/")
    assert_spanish_page(response, "Ask our specialists for a second opinion", "What you will need", "Start a request")
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize("role", ["guardian", "physician"])
def test_every_intake_step_review_and_confirmation_are_spanish(client, role):
    choose_spanish(client)
    draft = flow.start(client, role=role)
    for step in intake.steps_for(draft):
        response = client.get(f"/request/{step.slug}/")
        assert response.status_code == 200, step.slug
        with translation.override("en"):
            title = str(step.title)
        assert_spanish_page(response, title, "Save and continue", "Save and continue later")
    flow.fill_all_steps(client, draft)
    assert_spanish_page(client.get("/request/review/"), "Check your answers before you send them", "Submit request")
    response = flow.submit(client)
    assert response.status_code == 302
    assert_spanish_page(client.get(response.url), "We have received your request", "What happens next")


def test_a_form_error_is_in_spanish_including_djangos_own_messages(client):
    choose_spanish(client)
    flow.start(client)
    response = flow.post_step(client, "child", {**answers.child(), "child_first_name": ""})
    assert_spanish_page(response, "Please check these answers", "This answer is required.")
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "skip"})
    flow.post_step(client, "address")
    response = flow.post_step(client, "guardian", {**answers.for_step("guardian"), "guardian_email": "not-an-email"})
    assert response.status_code == 200
    assert_spanish_page(response, "Enter a valid email address.")  # from Django's own catalog


def test_link_and_save_pages_are_spanish(client):
    choose_spanish(client)
    assert_spanish_page(client.get("/resume/request-link/"), "Get a new link to your request", "Send me a link")
    response = client.post("/resume/request-link/", {"email": "nobody@example.com"})
    assert_spanish_page(client.get(response.url), "Check your email")
    assert_spanish_page(links.open_link(client, "not-a-real-token"), "This link is not valid or has expired")

    flow.start(client)
    flow.post_step(client, "child")
    assert_spanish_page(client.get("/request/save/"), "Get a link to come back later", "Email me a link")
    client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})
    assert_spanish_page(client.get("/request/saved/"), "Your answers are saved", "Keep going")


def test_status_page_is_spanish(client):
    submitted = SubmittedRequestFactory()
    choose_spanish(client)
    links.open_link(client, tokens.make_token(submitted))
    assert_spanish_page(client.get("/resume/confirm/"), "Welcome back")
    client.post("/resume/confirm/", {"birth_date": submitted.child_birth_date.isoformat()})
    assert_spanish_page(
        client.get("/status/"), "Your second-opinion request", "What has happened so far", "Where things stand"
    )


def test_not_found_and_rate_limited_pages_are_spanish(client, settings):
    choose_spanish(client)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_spanish_page(response, "We could not find this page")

    settings.RATE_LIMIT_START = "1/h"
    client.post("/request/start/", {"role": "guardian"})
    response = client.post("/request/start/", {"role": "guardian"})
    assert response.status_code == 429
    assert_spanish_page(response, "Please wait a moment")


def test_the_review_page_shows_dates_in_spanish_for_a_spanish_draft(client):
    draft = CompleteDraftFactory(child_birth_date=datetime.date(2018, 3, 5), preferred_language="es")
    open_draft(client, draft)
    choose_spanish(client, "/request/review/")
    page = client.get("/request/review/").content.decode()
    assert "5 de marzo de 2018" in page
    assert "March" not in page


@pytest.mark.parametrize("reason", [name for name in dir(archives) if isinstance(getattr(archives, name), Promise)])
def test_every_zip_refusal_reason_is_spanish_at_run_time(reason):
    with translation.override("en"):  # the runtime English text, which its extracted msgid must equal
        english = str(getattr(archives, reason))
    spanish(english)


def test_the_choice_is_stored_on_the_draft_and_a_new_browser_that_resumes_opens_in_spanish(client):
    draft = flow.start(client)
    flow.post_step(client, "child")
    choose_spanish(client, "/request/address/")
    assert SecondOpinionRequest.objects.get(pk=draft.pk).preferred_language == "es"

    other_browser = Client()  # no language cookie, an English browser
    links.open_link(other_browser, tokens.make_token(SecondOpinionRequest.objects.get(pk=draft.pk)))
    response = other_browser.post("/resume/confirm/", {"birth_date": answers.child()["child_birth_date"]})
    response = other_browser.get(response.url)
    assert_spanish_page(response, "Save and continue")
    assert other_browser.cookies["django_language"].value == "es"


def test_spanish_chosen_before_starting_becomes_the_new_drafts_preferred_language(client):
    choose_spanish(client)
    draft = flow.start(client)
    client.get("/request/child/")
    assert SecondOpinionRequest.objects.get(pk=draft.pk).preferred_language == "es"


def test_switching_pages_does_not_overwrite_a_language_the_portal_has_no_pages_in(client):
    draft = CompleteDraftFactory(preferred_language="ar")
    open_draft(client, draft)
    choose_spanish(client, "/request/review/")
    assert SecondOpinionRequest.objects.get(pk=draft.pk).preferred_language == "ar"


def test_staff_pages_stay_english_with_the_spanish_cookie(client):
    staff = make_staff()
    choose_spanish(client)
    login = client.get("/staff/login/")
    assert '<html lang="en"' in login.content.decode()
    log_in(client, staff)
    page = client.get("/staff/requests_app/request/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="en"' in text and "Log out" in text
    assert spanish("Log out") not in text


def test_every_message_in_the_spanish_catalog_is_translated_and_the_compiled_catalog_matches():
    checked = 0
    with translation.override("es"):
        for entry in po_catalog.entries("es"):
            assert "fuzzy" not in entry["flags"], entry["msgid"]
            if "msgid_plural" in entry:
                assert entry["msgstr[0]"] and entry["msgstr[1]"], entry["msgid"]
                assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
            else:
                assert entry["msgstr"], entry["msgid"]
                if "msgctxt" not in entry:  # the committed .mo is compiled from this .po
                    assert translation.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
            checked += 1
    assert checked > 500


def test_the_switch_returns_to_the_same_page_and_never_echoes_a_links_token(client):
    draft = flow.start(client)
    page = client.get("/request/address/").content.decode()
    assert '<input type="hidden" name="next" value="/request/address/">' in page
    choose_spanish(client, "/request/address/")
    token = tokens.make_token(SecondOpinionRequest.objects.get(pk=draft.pk))
    assert token not in links.open_link(Client(), f"{token}x").content.decode()


def test_a_physicians_page_language_is_not_stored_as_the_familys(client):
    draft = flow.start(client, role="physician")
    choose_spanish(client, "/request/physician/")
    assert SecondOpinionRequest.objects.get(pk=draft.pk).preferred_language == ""


def test_the_visit_date_on_the_status_page_reads_as_spanish_in_spanish(db):
    visit = SubmittedRequestFactory(
        visit_scheduled_for=timezone.make_aware(datetime.datetime(2099, 3, 3, 10, 30)), visit_format="video"
    )
    with translation.override("es"):
        text = family_timeline.visit_description(visit)
    assert "martes 3 de marzo de 2099" in text and "10:30" in text and "March" not in text
