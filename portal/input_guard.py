"""Refuse, with a 400 page, any request whose path or form fields hold a NUL character.

No answer, search or filter may contain one, and PostgreSQL refuses it in text ("A string literal
cannot contain NUL"): without this net, a NUL typed into any field the forms do not check (a date,
a staff search, a list filter) became a 500 and a database error quoting the typed values in the log.
"""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

from requests_app.context_processors import center

NUL = "\x00"


def holds_nul(querydict):
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


class RefuseNulCharactersMiddleware:
    """Answer 400 to a NUL in the path, the query string or a form field (before any view or query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.POST parses form bodies only (as CSRF checking does anyway); JSON and raw bodies are
        # left to their views, which check what they read (e.g. upload file names).
        if NUL in request.path_info or holds_nul(request.GET) or holds_nul(request.POST):
            return HttpResponseBadRequest(render_to_string("400.html", center(request)))
        return self.get_response(request)
