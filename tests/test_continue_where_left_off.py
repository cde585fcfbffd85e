""" "Continue where you left off" (start page) and "Keep going" (saved page) open the step the person left."""

import re

import pytest

from . import flow

pytestmark = pytest.mark.django_db


def link_href(page, text):
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*' + re.escape(text), page)
    assert match, f"no link {text!r}"
    return match.group(1)


def test_save_and_continue_later_then_keep_going_and_continue_open_the_step_left(client):
    flow.start(client)
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "skip"})
    for slug in ("address", "guardian", "insurance"):
        assert flow.post_step(client, slug).status_code == 302
    # Half of the current-doctor step typed, then "Save and continue later".
    response = flow.post_step(client, "current-physician", {"current_physician_name": "Dr. Gomez"}, "save_later")
    assert response.url == "/request/saved/"
    client.post("/request/save/", {"action": "send", "email": "maria.lopez@example.com"})

    saved = client.get("/request/saved/").content.decode()
    assert link_href(saved, "Keep going") == "/request/current-physician/"
    home = client.get("/").content.decode()
    assert link_href(home, "Continue where you left off") == "/request/current-physician/"
    step = client.get("/request/current-physician/").content.decode()
    assert 'value="Dr. Gomez"' in step


def test_after_a_completed_step_continue_opens_the_next_one(client):
    flow.start(client)
    flow.post_step(client, "child")
    client.post("/request/save/", {"action": "skip"})
    flow.post_step(client, "address")
    home = client.get("/").content.decode()
    assert link_href(home, "Continue where you left off") == "/request/guardian/"


def test_with_every_answer_given_continue_opens_the_review(client):
    from .factories import CompleteDraftFactory
    from .sessions import open_draft

    draft = CompleteDraftFactory(last_step="consent")
    open_draft(client, draft)
    home = client.get("/").content.decode()
    assert link_href(home, "Continue where you left off") == "/request/review/"
