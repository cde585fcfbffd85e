"""Resume-link emails through the outbox, with a real Celery worker and SMTP server (issue 13 item 2):
asked for while the mail server is down, the family is told the truth, their old link keeps working,
and once the server is back the new link arrives and only then does the old one end."""

import time

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from requests_app.models import Notification

from . import links
from .factories import CompleteDraftFactory
from .sessions import open_draft

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def start_again(server):
    """The same SMTP server address and mailbox, answering again (an aiosmtpd controller starts only once)."""
    server.controller = Controller(server.mailbox, hostname="127.0.0.1", port=server.port)
    server.controller.start()


def test_a_link_asked_for_while_smtp_is_down_arrives_when_it_is_back_and_only_then_ends_the_old_one(
    notification_worker, smtp_server, mailbox, client
):
    draft = CompleteDraftFactory(guardian_email="maria.lopez@example.com")
    old = links.issue(draft)
    open_draft(client, draft)
    smtp_server.stop()
    try:
        client.post("/request/save/", {"action": "send"})
        row = Notification.objects.get(request=draft, kind=Notification.Kind.RESUME_LINK)
        assert wait_until(lambda: Notification.objects.get(pk=row.pk).attempts >= 1)

        page = client.get("/request/saved/").content.decode()
        assert "We could not send the email to maria.lopez@example.com yet" in page
        assert "We emailed" not in page
        assert links.open_link(Client(), old).status_code == 302  # the family's link still works
    finally:
        start_again(smtp_server)

    (message,) = mailbox.wait_for("maria.lopez@example.com", timeout=60)
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).state == Notification.State.SENT)
    assert links.open_link(Client(), old).status_code == 404
    assert links.open_link(Client(), links.token_in(message.text)).status_code == 302
    assert "We emailed a link to maria.lopez@example.com" in client.get("/request/saved/").content.decode()
    assert len(mailbox.to("maria.lopez@example.com")) == 1
