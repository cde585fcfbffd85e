"""The confirmation and status pages offer a print-friendly copy of what the family sent; emails do not carry it."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client

from requests_app import intake

from . import family_links
from .factories import CompleteDraftFactory
from .sessions import open_draft

pytestmark = pytest.mark.django_db
PRINT_CSS = '<link rel="stylesheet" href="/static/css/print.css" media="print"'


def submitted_with_confirmation(client, django_capture_on_commit_callbacks):
    draft = CompleteDraftFactory(diagnosis_text="Medulloblastoma, group 4", questions="Is proton therapy an option?")
    open_draft(client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/request/submit/").url == "/request/submitted/"
    draft.refresh_from_db()
    return draft


def test_confirmation_page_links_the_print_stylesheet_and_holds_the_summary(client, django_capture_on_commit_callbacks):
    submitted = submitted_with_confirmation(client, django_capture_on_commit_callbacks)
    page = client.get("/request/submitted/").content.decode()
    assert PRINT_CSS in page
    assert "Print or save a copy" in page and "js/print.js" in page
    summary = page[page.index("data-print-summary") :]
    assert submitted.reference in summary
    assert "Medulloblastoma, group 4" in summary and "Is proton therapy an option?" in summary
    assert submitted.child_first_name in summary and "Consent" in summary
    # The family's copy is on the page only: no email carries the answers.
    assert mail.outbox
    for message in mail.outbox:
        assert "Medulloblastoma" not in message.body + "".join(str(a[0]) for a in message.alternatives)


def test_status_page_links_the_print_stylesheet_and_holds_the_summary(client, django_capture_on_commit_callbacks):
    submitted = submitted_with_confirmation(client, django_capture_on_commit_callbacks)
    family = family_links.open_status_page(Client(), submitted)
    page = family.get("/status/").content.decode()
    assert PRINT_CSS in page
    assert "Print or save a copy" in page
    summary = page[page.index("data-print-summary") :]
    assert "What you sent us" in summary and "Medulloblastoma, group 4" in summary


def test_the_print_stylesheet_hides_the_page_chrome_and_shows_the_summary():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/print.css")).read_text()
    assert ".print-summary" in css and "display: block !important" in css
    assert ".site-header" in css and "footer" in css


def test_summary_lists_the_answers_of_every_applicable_step(db):
    draft = CompleteDraftFactory()
    titles = [s["step"].title for s in intake.review_sections(draft)]
    html = render_to_string("requests_app/partials/what_you_sent.html", {"req": draft})
    assert all(str(title) in html for title in titles)
