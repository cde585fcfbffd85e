"""What the staff change list reads and how its search box matches: one annotated queryset, one search."""

import re

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import (
    AVAILABILITY_FIELDS,
    OPEN_STATUSES,
    Document,
    DocumentStatus,
    RecordsAvailability,
    RecordsRequest,
    SecondOpinionRequest,
)

REFERENCE_PATTERN = re.compile(r"^SO-?[0-9A-Z]{1,4}(-?[0-9A-Z]{0,4})?$", re.IGNORECASE)
SEARCH_FIELDS = [
    "reference",
    "child_first_name",
    "child_last_name",
    "guardian_name",
    "guardian_email",
    "physician_name",
    "current_physician_name",
]


def staff_queryset():
    """Submitted requests with what the change list shows, annotated so no row costs another query."""
    uploaded = (
        Document.objects.filter(request=OuterRef("pk"), status=DocumentStatus.UPLOADED)
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_records_request = RecordsRequest.objects.filter(request=OuterRef("pk"), fulfilled_at__isnull=True)
    not_available = RecordsAvailability.NOT_AVAILABLE
    missing = Q(Exists(open_records_request))
    for field in AVAILABILITY_FIELDS.values():
        missing |= Q(**{field: not_available})
    missing = Q(status__in=OPEN_STATUSES) & missing
    return (
        # Submitted means submitted_at is set (intake.submit sets both at once); no status test, so counting
        # the list is an index-only scan.
        SecondOpinionRequest.objects.filter(submitted_at__isnull=False)
        .select_related("assigned_to")
        .annotate(
            documents_count=Coalesce(Subquery(uploaded, output_field=IntegerField()), Value(0)),
            missing_records=ExpressionWrapper(missing, output_field=BooleanField()),
        )
    )


def search(queryset, search_term):
    """Each word must match one of the search fields; a reference or phone number is matched as such.

    Every condition is ``UPPER(column) LIKE`` on the request table alone (no joins), which the
    trigram indexes of migration 0004 answer on PostgreSQL.
    """
    for word in search_term.split():
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        digits = re.sub(r"\D", "", word)
        if len(digits) >= 4 and not re.search(r"[A-Za-z@]", word):
            condition |= Q(guardian_phone__contains=digits)
        if REFERENCE_PATTERN.match(word) and "-" not in word.upper()[3:] and len(word) == 10:
            condition |= Q(reference__iexact=f"{word[:2]}-{word[2:6]}-{word[6:]}")
        queryset = queryset.filter(condition)
    return queryset
