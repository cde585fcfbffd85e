"""Resume links as a test drives them: read the token from an email's fragment link, open it as the
page's script would (a POST of the code), and issue one directly."""

import re

from requests_app import tokens

FRAGMENT_LINK = re.compile(r"https?://[^\s\"<>#]+/resume/#t=([\w-]+)")


def token_in(text):
    """The token of the (first) resume link in an email body."""
    match = FRAGMENT_LINK.search(text)
    assert match, text
    return match.group(1)


def open_link(client, token):
    """What the resume page's script does with the fragment: POST it; returns the response."""
    return client.post("/resume/", {"code": token})


def issue(request_obj, audience=tokens.Audience.FAMILY):
    """A delivered link for the request (older ones end), as if its email had been accepted."""
    return tokens.make_token(request_obj, audience)
