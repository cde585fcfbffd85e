"""Give a test client's session what starting or resuming a request would (through family_session)."""

from requests_app import family_session


def open_draft(client, draft):
    """Attach a draft to the test client's session, as starting or resuming would."""
    session = client.session
    family_session.attach_draft(session, draft, link_offered=True)
    session.save()
    return client
