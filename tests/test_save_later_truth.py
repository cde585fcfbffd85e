"""Every page that says a link was emailed has sent it, or says plainly it has not (issue 9 item 2)."""

import pytest
from django.core import mail

from . import flow

pytestmark = pytest.mark.django_db


def test_save_and_continue_later_after_declining_the_offer_sends_before_saying_so(
    client, django_capture_on_commit_callbacks
):
    draft = flow.start(client)
    assert flow.post_step(client, "child").url == "/request/save/"
    assert client.post("/request/save/", {"action": "skip"}).url == "/request/address/"
    flow.post_step(client, "address")
    flow.post_step(client, "guardian")
    response = flow.post_step(client, "insurance", action="save_later")
    page = client.get(response.url, follow=True).content.decode()

    assert mail.outbox == []
    assert "emailed" not in page
    assert f"We will send the link to {draft.__class__.objects.get(pk=draft.pk).guardian_email}" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/request/save/", {"action": "send"}, follow=True)
    assert "We are sending a link to" in response.content.decode()  # queued, not yet accepted
    assert len(mail.outbox) == 1
    page = client.get("/request/saved/").content.decode()
    assert f"We emailed a link to {mail.outbox[0].to[0]}" in page
    assert "no longer work" not in page
