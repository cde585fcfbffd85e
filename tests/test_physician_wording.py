"""A referring physician's intake reads right for a physician: no question speaks as the parent."""

import re

import pytest

from requests_app import intake

from .factories import CompleteDraftFactory, PhysicianDraftFactory
from .sessions import open_draft

pytestmark = pytest.mark.django_db
AS_THE_PARENT = re.compile(r"\byour child\b|\bmy child\b|\bI authorize\b|\bI have legal authority\b", re.IGNORECASE)


def form_of(page):
    """The step's intro and form, without the site's header and footer (which speak to every visitor)."""
    text = page.content.decode()
    start = text.index("<h1")
    return text[start : text.index("</form>", start)]


def test_no_step_speaks_as_the_parent_to_a_physician(client):
    draft = PhysicianDraftFactory()
    open_draft(client, draft)
    for step in intake.steps_for(draft):
        html = form_of(client.get(f"/request/{step.slug}/"))
        assert not AS_THE_PARENT.search(html), (step.slug, AS_THE_PARENT.search(html).group(0))


def test_physician_attests_the_familys_agreement_and_is_not_asked_for_legal_authority(client):
    open_draft(client, PhysicianDraftFactory())
    consent = form_of(client.get("/request/consent/"))
    assert "the child&#x27;s parent or legal guardian agreed to share the child&#x27;s medical records" in consent
    assert "confirm their consent through their own link" in consent
    guardian = form_of(client.get("/request/guardian/"))
    assert 'name="guardian_attests_legal_authority"' not in guardian
    assert "How should we contact the family?" in guardian
    assert "Where is the child in treatment?" in form_of(client.get("/request/symptoms/"))
    reasons = form_of(client.get("/request/reasons/"))
    assert "The child has a rare cancer and the family wants a specialist in that type" in reasons


def test_the_parent_still_reads_the_parents_wording(client):
    open_draft(client, CompleteDraftFactory())
    assert "I authorize the release of my child" in form_of(client.get("/request/consent/"))
    assert 'name="guardian_attests_legal_authority"' in form_of(client.get("/request/guardian/"))
    assert "Where is your child in treatment?" in form_of(client.get("/request/symptoms/"))


def test_physicians_review_page_uses_the_physicians_wording_and_is_complete(client):
    draft = PhysicianDraftFactory()
    open_draft(client, draft)
    page = client.get("/request/review/").content.decode()
    assert "Why is the family asking for a second opinion?" in page
    assert "legal authority" not in page
    assert not intake.missing_answers(draft)
