"""What a family's browser session holds: the draft it works on and the request whose status page it may open.

The one home for these session keys: views, uploads and tests call these functions and never name a key.
Every change of who the session belongs to cycles the session key (no fixation across a resume).
``FamilySessionMiddleware`` is the one place a family session is ended: after
``FAMILY_SESSION_IDLE_SECONDS`` without a request, or when the link that opened it was revoked.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from . import tokens

DRAFT = "draft_id"
RESUME_CANDIDATE = "resume_candidate_id"
SUBMITTED = "submitted_id"
STATUS_REQUEST = "status_request_id"
LINK_OFFERED = "link_offered"
AFTER_OFFER = "after_offer"
LINK = "opened_by_link_id"
LAST_SEEN = "family_last_seen"
FAMILY_KEYS = (DRAFT, RESUME_CANDIDATE, SUBMITTED, STATUS_REQUEST)


def draft_id(session):
    """The id of the draft this browser works on (it may have been submitted since), or None."""
    return session.get(DRAFT)


def status_request_id(session):
    """The id of the submitted request whose status page this browser may open, or None."""
    return session.get(STATUS_REQUEST)


def confirmation_id(session):
    """The request whose confirmation page this browser may see: the one it submitted or its draft."""
    return session.get(SUBMITTED) or session.get(DRAFT)


def attach_draft(session, request_obj, link_offered=False):
    """Make this session work on a draft (the caller has already cycled the key where it must)."""
    session[DRAFT] = request_obj.pk
    if link_offered:
        session[LINK_OFFERED] = True
    else:
        session.pop(LINK_OFFERED, None)


def start_draft(session, request_obj):
    """A new draft for a fresh session."""
    session.cycle_key()
    attach_draft(session, request_obj)


def mark_submitted(session, request_obj):
    session[SUBMITTED] = request_obj.pk


def hold_resume_candidate(session, link):
    """A resume link was opened: remember it until the second factor is confirmed; open nothing yet."""
    session.cycle_key()
    for key in (DRAFT, SUBMITTED, STATUS_REQUEST, LINK):
        session.pop(key, None)
    session[RESUME_CANDIDATE] = link.pk


def resume_candidate_id(session):
    return session.get(RESUME_CANDIDATE)


def forget_resume_candidate(session):
    session.pop(RESUME_CANDIDATE, None)


def open_link(session, link):
    """The check passed: the session opens the draft, or a submitted request's status page, bound to the link.

    A physician's link opens the status page only, never the family's draft or their link.
    """
    forget_resume_candidate(session)
    session.cycle_key()
    request_obj = link.request
    if link.audience == tokens.Audience.FAMILY:
        attach_draft(session, request_obj, link_offered=True)
        if not request_obj.is_draft:
            mark_submitted(session, request_obj)
    if not request_obj.is_draft:
        attach_status_request(session, request_obj)
    session[LINK] = link.pk


def attach_status_request(session, request_obj):
    """Let this session open a submitted request's status page (and add the records asked for)."""
    session[STATUS_REQUEST] = request_obj.pk


def link_offered(session):
    """Whether this browser was already offered an emailed link for its draft."""
    return bool(session.get(LINK_OFFERED))


def mark_link_offered(session, then):
    """The link offer is shown now; ``then`` is the step (or "review") to go on to afterwards."""
    session[LINK_OFFERED] = True
    session[AFTER_OFFER] = then


def after_offer(session):
    return session.get(AFTER_OFFER)


def finish_offer(session):
    """The offer was answered: where to go on to; a later "Save and continue later" is no offer."""
    return session.pop(AFTER_OFFER, None)


def is_family_session(session):
    return any(key in session for key in FAMILY_KEYS)


def end(session):
    """Sign the browser out: nothing of the family's request stays reachable from it."""
    session.flush()


def ending_reason(session, now):
    """Why this family session must end now ("idle", "revoked"), or None."""
    last_seen = session.get(LAST_SEEN)
    if last_seen is not None and now - last_seen > settings.FAMILY_SESSION_IDLE_SECONDS:
        return "idle"
    if session.get(LINK) and not tokens.session_link_is_live(session[LINK]):
        return "revoked"
    return None


def _mark_seen(session, now):
    """Record activity, at most every few seconds (an upload's many requests need not each write the session)."""
    last_seen = session.get(LAST_SEEN)
    if last_seen is None or now - last_seen >= min(15, settings.FAMILY_SESSION_IDLE_SECONDS / 10):
        session[LAST_SEEN] = now
    if not session.get_expire_at_browser_close():
        session.set_expiry(0)


def rebind_link(session, link):
    """This browser asked for the new link itself: it stays signed in when the new link replaces the old."""
    if session.get(LINK):
        session[LINK] = link.pk


class FamilySessionMiddleware:
    """Ends idle family sessions and those whose link was revoked, and marks the rest as seen now.

    Family cookies last for the browser session only (a shared computer forgets them when closed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        request.family_session_active = False
        if is_family_session(session):
            now = time.time()
            reason = ending_reason(session, now)
            if reason:
                end(session)
                messages.info(request, ENDED_MESSAGES[reason]())
            else:
                _mark_seen(session, now)
                request.family_session_active = True
                request.family_idle_seconds = settings.FAMILY_SESSION_IDLE_SECONDS
                request.family_warning_seconds = settings.FAMILY_SESSION_WARNING_SECONDS
        return self.get_response(request)


ENDED_MESSAGES = {
    "idle": lambda: _("For your privacy you were signed out after a while without activity. Your answers are saved."),
    "revoked": lambda: _("The link you used has been replaced or closed. Please open the newest link we emailed you."),
}
