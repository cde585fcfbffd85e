"""Open a family's resume link in a test client, as their browser would, up to the birth-date check."""

from requests_app import tokens


def open_family_link(client, request_obj):
    """A fresh link for the request, opened; returns the response (a redirect to the birth-date check).

    The link page has read the token from ``?t=`` and, since the resume-link rework, from the POSTed
    fragment ``code``: the request carries both, so these tests hold on either side of that change.
    """
    token = tokens.make_token(request_obj)
    return client.post(f"/resume/?t={token}", {"code": token})


def open_status_page(client, request_obj):
    """Open the link and confirm the child's date of birth: the client now sees the request's status page."""
    open_family_link(client, request_obj)
    response = client.post("/resume/confirm/", {"birth_date": request_obj.child_birth_date.isoformat()})
    assert response.status_code == 302 and response.url == "/status/", response.status_code
    return client
