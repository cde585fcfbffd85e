"""What a family's browser session holds: the draft it works on and the request whose status page it may open.

The one home for these session keys: views, uploads and tests call these functions and never name a key.
Every change of who the session belongs to cycles the session key (no fixation across a resume).
"""

DRAFT = "draft_id"
RESUME_CANDIDATE = "resume_candidate_id"
SUBMITTED = "submitted_id"
STATUS_REQUEST = "status_request_id"
LINK_OFFERED = "link_offered"
AFTER_OFFER = "after_offer"


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


def hold_resume_candidate(session, request_obj):
    """A resume link was opened: remember its request until the birth date is confirmed; open nothing yet."""
    session.cycle_key()
    session.pop(DRAFT, None)
    session[RESUME_CANDIDATE] = request_obj.pk


def resume_candidate_id(session):
    return session.get(RESUME_CANDIDATE)


def forget_resume_candidate(session):
    session.pop(RESUME_CANDIDATE, None)


def open_request(session, request_obj):
    """The check passed: the session now opens the draft, or the status page of a submitted request."""
    forget_resume_candidate(session)
    session.cycle_key()
    attach_draft(session, request_obj, link_offered=True)
    if not request_obj.is_draft:
        mark_submitted(session, request_obj)
        attach_status_request(session, request_obj)


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
