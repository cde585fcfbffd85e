"""The emails: which template and context each outbox row sends, in which language, and how one is rendered.

Staff emails are in English and carry no health information (reference, urgency, counts and a link);
the family's are in their preferred language where the portal has a translation.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import tokens
from ..center import center_contact
from ..models import DocumentCategory, Notification, Status

Kind = Notification.Kind
#: Context of a row addressed to the referring physician: English, whatever the family's language.
PHYSICIAN = {"audience": "physician"}


def email_for(notification):
    """(template, context, language) of the email a row sends."""
    if notification.kind in _LINK_BUILDERS:
        return _LINK_BUILDERS[notification.kind](notification)
    build = _BUILDERS.get(notification.kind)
    if build is None:
        raise ValueError(f"unknown notification kind {notification.kind}")
    return build(notification.request, notification.context or {})


def _scheduling_team(request_obj, extra):
    context = {"req": request_obj, "admin_url": admin_url(request_obj), "documents": document_counts(request_obj)}
    return "scheduling_team", context, "en"


def _records_uploaded(request_obj, extra):
    context = {
        "req": request_obj,
        "admin_url": admin_url(request_obj),
        "count": extra.get("count"),
        "documents": document_counts(request_obj),
    }
    return "records_uploaded", context, "en"


def _confirmation(request_obj, extra):
    follow_url = f"{settings.SITE_URL}{reverse('requests_app:request_link')}"  # no token: nothing to leak
    return "confirmation", {"req": request_obj, "follow_url": follow_url}, _audience_language(request_obj, extra)


def _records_requested(notification):
    # A fresh link to the family's request; the token never passes the broker or the row.
    from .resume_links import link_of

    request_obj, extra = notification.request, notification.context or {}
    context = {
        "req": request_obj,
        "link": resume_link(tokens.token_for(link_of(notification))),
        "days": settings.RESUME_LINK_MAX_AGE_DAYS,
        "categories": category_labels(extra.get("categories", [])),
        "message": extra.get("message", ""),
    }
    return "records_requested", context, _audience_language(request_obj, extra)


def _resume_link(notification):
    from .resume_links import link_of

    link = link_of(notification)
    physician = link.audience == tokens.Audience.PHYSICIAN
    context = {"link": resume_link(tokens.token_for(link)), "days": settings.RESUME_LINK_MAX_AGE_DAYS}
    context["physician"] = physician
    return "resume_link", context, "en" if physician else family_language(notification.request)


def _status_changed(request_obj, extra):
    status = extra.get("status") or request_obj.status
    context = {"req": request_obj, "status": status_label(status), "message": extra.get("message", "")}
    if status == Status.SCHEDULED and request_obj.visit_scheduled_for:
        context["visit_at"] = request_obj.visit_scheduled_for
        context["visit_format"] = request_obj.get_visit_format_display()
    return "status_changed", context, _audience_language(request_obj, extra)


_BUILDERS = {
    Kind.SCHEDULING_TEAM: _scheduling_team,
    Kind.RECORDS_UPLOADED: _records_uploaded,
    Kind.SUBMISSION_CONFIRMATION: _confirmation,
    Kind.STATUS_CHANGED: _status_changed,
}
# Rows that email a resume link: built from the row itself, which the link belongs to.
_LINK_BUILDERS = {Kind.RECORDS_REQUESTED: _records_requested, Kind.RESUME_LINK: _resume_link}


def _audience_language(request_obj, extra):
    return "en" if extra.get("audience") == PHYSICIAN["audience"] else family_language(request_obj)


def message_id(notification):
    """The same Message-ID for every attempt at one row, so a mail system can drop a repeat."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "portal.invalid"
    return f"<notification-{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{domain}>"


def send_notification_email(notification):
    """Send the email an outbox row stands for."""
    template, context, language = email_for(notification)
    send_email(template, context, notification.recipients, language=language, message_id=message_id(notification))
    if notification.kind in _LINK_BUILDERS:
        # Accepted by the mail server: only now do the older links stop working (in delivery's transaction).
        from .resume_links import link_of

        tokens.link_delivered(link_of(notification))


def resume_link(token):
    """The emailed link: the token sits in the fragment, which browsers never send, so no server logs it."""
    return f"{settings.SITE_URL}{reverse('requests_app:resume')}#t={token}"


def send_email(template, context, recipients, language="en", message_id=None):
    """Render ``emails/<template>.subject.txt/.txt/.html`` in the recipient's language and send it."""
    with translation.override(language):
        context = {"center": center_contact(), "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(recipients), headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def family_language(request_obj):
    """The family's preferred language where the portal has a translation, else English."""
    available = {code for code, _name in settings.LANGUAGES}
    return request_obj.preferred_language if request_obj.preferred_language in available else "en"


def admin_url(request_obj):
    return settings.SITE_URL + reverse("admin:requests_app_secondopinionrequest_change", args=[request_obj.pk])


def document_counts(request_obj):
    """{category label: count} of the request's live documents."""
    labels = dict(DocumentCategory.choices)
    rows = request_obj.documents.live().values("category").annotate(n=Count("pk")).order_by("category")
    return {labels.get(row["category"], row["category"]): row["n"] for row in rows}


def category_labels(categories):
    labels = dict(DocumentCategory.choices)
    return [labels.get(c, c) for c in categories if isinstance(c, str)]


def status_label(value):
    return dict(Status.choices).get(value, value)
