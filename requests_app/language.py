"""Which language a page is in: the family's choice (cookie, then their draft), English for staff.

Django's LocaleMiddleware reads the language switch's cookie (or the browser's Accept-Language);
this module adds what is particular to the portal:

- staff pages (``/staff/``) are always English, whatever the cookie says;
- a choice made with the switch is stored on a parent's draft as its preferred language, so a
  new browser that resumes the draft (no cookie yet) opens it in that language;
- a draft started after a choice (a parent who switched to Spanish on the start page) takes it too.

Not stored: a physician's page language (it says nothing about the family's), and over a preferred
language the portal has no pages in (Arabic, say, for an interpreter: it says more than the switch).
"""

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from . import family_session
from .models import SecondOpinionRequest, Status, SubmitterRole

STAFF_PREFIX = "/staff/"


def page_languages():
    return {code for code, _name in settings.LANGUAGES}


def cookie_language(request):
    """The language chosen with the switch in this browser, or None."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in page_languages() else None


def _open_draft(request):
    """The parent's draft this session works on (not yet submitted), or None."""
    draft_id = family_session.draft_id(request.session)
    if draft_id is None:
        return None
    return (
        SecondOpinionRequest.objects.filter(pk=draft_id, status=Status.DRAFT, submitter_role=SubmitterRole.GUARDIAN)
        .only("pk", "preferred_language")
        .first()
    )


def remember_on_draft(request, code):
    """Store a chosen page language as the draft's preferred language (see the module docstring)."""
    draft = _open_draft(request)
    if draft is None or code not in page_languages() or draft.preferred_language == code:
        return
    if draft.preferred_language and draft.preferred_language not in page_languages():
        return
    draft.preferred_language = code
    draft.save(update_fields=["preferred_language", "updated_at"])


def set_language_cookie(response, code):
    """The cookie Django's ``set_language`` sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request):
    """Django's ``set_language`` (POST language + next, sets the cookie), then the draft remembers it."""
    response = django_set_language(request)
    code = request.POST.get("language")
    if request.method == "POST" and code in page_languages():
        remember_on_draft(request, code)
    return response


class FamilyLanguageMiddleware:
    """After LocaleMiddleware: English for staff; when a session takes up a request, the languages meet.

    A browser without a choice that opens a request (a resume link in a new browser) takes the
    request's language; a choice made before a draft exists becomes the new draft's language.
    Only at that moment: a parent who picks Spanish as the contact language mid-way is not switched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(STAFF_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        before = family_session.draft_id(request.session)
        response = self.get_response(request)
        after = family_session.draft_id(request.session)
        if after is not None and after != before:
            self._meet(request, response, after)
        return response

    @staticmethod
    def _meet(request, response, request_id):
        chosen = cookie_language(request)
        if chosen is None:
            stored = SecondOpinionRequest.objects.filter(pk=request_id).values_list("preferred_language", flat=True)
            code = stored.first()
            if code in page_languages():
                set_language_cookie(response, code)
            return
        # A parent's own new draft takes the page language; a physician's says nothing about the family's.
        SecondOpinionRequest.objects.filter(
            pk=request_id, status=Status.DRAFT, submitter_role=SubmitterRole.GUARDIAN, preferred_language=""
        ).update(preferred_language=chosen)
