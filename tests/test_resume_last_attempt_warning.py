"""Before the last wrong date of birth closes a resume link, the family is warned that one try is left."""

import pytest

from . import family_links
from .factories import CompleteDraftFactory

pytestmark = pytest.mark.django_db
WARNING = "You have one try left before this link stops working"


def test_the_try_before_the_last_warns_and_the_last_closes_the_link(client, settings):
    settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS = 4
    draft = CompleteDraftFactory()
    family_links.open_family_link(client, draft)
    pages = [client.post("/resume/confirm/", {"birth_date": "2001-01-01"}) for _ in range(4)]

    for early in pages[:2]:
        assert "does not match our records. Please try again." in early.content.decode()
        assert WARNING not in early.content.decode()
    assert WARNING in pages[2].content.decode()
    assert pages[3].status_code == 403
    assert "we have closed this link" in pages[3].content.decode()


def test_the_warning_follows_the_configured_number_of_attempts(client, settings):
    settings.RESUME_MAX_BIRTH_DATE_ATTEMPTS = 2
    draft = CompleteDraftFactory()
    family_links.open_family_link(client, draft)
    first = client.post("/resume/confirm/", {"birth_date": "2001-01-01"}).content.decode()
    assert WARNING in first
    right = client.post("/resume/confirm/", {"birth_date": draft.child_birth_date.isoformat()})
    assert right.status_code == 302
