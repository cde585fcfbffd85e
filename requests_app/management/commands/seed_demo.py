"""``manage.py seed_demo --requests N``: realistic synthetic requests for demos and benchmarks.

Every row is invented (names from short lists, example.org addresses, 555 phone numbers): no real
person's data. Each request gets answers for every step, documents' rows (no files), a status
history consistent with its status, internal notes and records requests. Rows are written with
``bulk_create`` in batches, so 100,000 requests take a minute or two on PostgreSQL.
"""

import multiprocessing
import os
import random
import uuid
from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from requests_app.models import (
    CancerCategory,
    Document,
    DocumentStatus,
    InternalNote,
    RecordsRequest,
    SecondOpinionRequest,
    Status,
    StatusChange,
    SubmitterRole,
    Urgency,
    new_reference,
)

REASONS = {
    Status.WITHDRAWN: "Family decided to stay with their current team.",
    Status.DECLINED: "Outside the program's age range.",
}
FIRST_NAMES = [
    "Ana", "Liam", "Maya", "Noah", "Sofia", "Ethan", "Aisha", "Mateo", "Chloe", "Omar", "Zoe", "Lucas",
    "Priya", "Diego", "Hana", "Elijah", "Fatima", "Leo", "Nina", "Kai", "Amara", "Jonah", "Ivy", "Samuel",
    "Lea", "Yusuf", "Grace", "Mila", "Owen", "Sara", "Theo", "Ines", "Ravi", "Emma", "Arjun", "Layla",
]  # fmt: skip
LAST_NAMES = [
    "Lopez", "Nguyen", "Smith", "Okafor", "Kowalski", "Haddad", "Garcia", "Chen", "Johnson", "Silva",
    "Ivanova", "Patel", "Brown", "Kim", "Martin", "Rossi", "Dubois", "Tanaka", "Mensah", "Novak", "Cohen",
    "Hernandez", "Walker", "Ali", "Schmidt", "Moreau", "Santos", "Park", "Murphy", "Yilmaz",
]  # fmt: skip
CITIES = [
    ("Wilmington", "DE", "19803", "US"), ("Philadelphia", "PA", "19104", "US"), ("Houston", "TX", "77030", "US"),
    ("Toronto", "ON", "M5G 1X8", "CA"), ("Monterrey", "NL", "64000", "MX"), ("Madrid", "", "28009", "ES"),
    ("Lagos", "", "100001", "NG"), ("Columbus", "OH", "43205", "US"), ("Seattle", "WA", "98105", "US"),
]  # fmt: skip
DIAGNOSES = {
    CancerCategory.LEUKEMIA: "Acute lymphoblastic leukemia, B-cell",
    CancerCategory.LYMPHOMA: "Hodgkin lymphoma, stage II",
    CancerCategory.BRAIN_CNS: "Medulloblastoma, WNT subgroup",
    CancerCategory.NEUROBLASTOMA: "Neuroblastoma, high risk, MYCN amplified",
    CancerCategory.WILMS_KIDNEY: "Wilms tumor, favorable histology",
    CancerCategory.BONE_SARCOMA: "Osteosarcoma of the left femur",
    CancerCategory.SOFT_TISSUE_SARCOMA: "Embryonal rhabdomyosarcoma",
    CancerCategory.RETINOBLASTOMA: "Bilateral retinoblastoma",
    CancerCategory.GERM_CELL: "Mixed germ cell tumor",
    CancerCategory.LIVER: "Hepatoblastoma",
    CancerCategory.OTHER: "Adrenocortical carcinoma",
    CancerCategory.NOT_YET_KNOWN: "Mass found on MRI, biopsy pending",
}
HOSPITALS = ["General Hospital", "St. Mary's Children's", "University Medical Center", "Riverside Pediatrics"]
#: (status, share) of submitted requests; the rest of the mix mirrors a busy program.
STATUS_MIX = [
    (Status.SUBMITTED, 0.22),
    (Status.IN_REVIEW, 0.2),
    (Status.AWAITING_RECORDS, 0.12),
    (Status.SCHEDULED, 0.14),
    (Status.COMPLETED, 0.22),
    (Status.DECLINED, 0.05),
    (Status.WITHDRAWN, 0.05),
]
#: The path each status took from "submitted".
PATHS = {
    Status.SUBMITTED: [],
    Status.IN_REVIEW: [Status.IN_REVIEW],
    Status.AWAITING_RECORDS: [Status.IN_REVIEW, Status.AWAITING_RECORDS],
    Status.SCHEDULED: [Status.IN_REVIEW, Status.SCHEDULED],
    Status.COMPLETED: [Status.IN_REVIEW, Status.AWAITING_RECORDS, Status.IN_REVIEW, Status.SCHEDULED, Status.COMPLETED],
    Status.DECLINED: [Status.IN_REVIEW, Status.DECLINED],
    Status.WITHDRAWN: [Status.WITHDRAWN],
}
NOTES = [
    "Called the family; they will send the pathology report this week.",
    "Spoke with the referring oncologist, plan reviewed.",
    "Family prefers afternoon appointments.",
    "Interpreter needed for the visit.",
    "Insurance pre-authorization requested.",
]
PHYSICIAN_PHONE = "+13025550111"
EXTENSIONS = {"scans": "dcm", "slides": "svs"}
DEMO_STAFF = [("demo.coordinator", "Intake coordinator"), ("demo.scheduler", "Scheduler"), ("demo.viewer", "Read-only")]


class Command(BaseCommand):
    help = "Create N realistic synthetic submitted requests (documents' rows, history, notes) for demos and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100, help="How many requests to create (default 100).")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes writing in parallel (default: 2 on PostgreSQL from 10,000 requests, else 1).",
        )
        parser.add_argument(
            "--staff-password",
            default="",
            help="Also create demo.coordinator, demo.scheduler, demo.viewer with this password (one per group).",
        )

    def handle(self, *args, requests, batch_size, seed, staff_password, workers, **options):
        staff = self._staff(staff_password)
        now = timezone.now()
        if workers is None:
            # Building rows (Python) and indexing them (PostgreSQL) overlap when two processes share the work.
            workers = min(2, os.cpu_count() or 1) if connection.vendor == "postgresql" and requests >= 10_000 else 1
        if workers <= 1:
            self._seed_share(requests, batch_size, seed, staff, now)
        else:
            connections.close_all()  # each process opens its own connection
            context = multiprocessing.get_context("fork")
            shares = [requests // workers + (1 if i < requests % workers else 0) for i in range(workers)]
            processes = [
                context.Process(
                    target=self._seed_in_child,
                    args=(share, batch_size, None if seed is None else seed * 1000 + i, staff, now),
                )
                for i, share in enumerate(shares)
            ]
            for process in processes:
                process.start()
            for process in processes:
                process.join()
            if any(process.exitcode != 0 for process in processes):
                raise CommandError("a seeding process failed; see its error above")
        self.stdout.write(self.style.SUCCESS(f"Created {requests} requests."))

    def _seed_share(self, requests, batch_size, seed, staff, now):
        rng = random.Random(seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Demo data: a crash may lose the last batch; trigram indexes take entries in bigger runs.
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET gin_pending_list_limit = '64MB'")
        references = set(SecondOpinionRequest.objects.exclude(reference=None).values_list("reference", flat=True))
        created = 0
        while created < requests:
            size = min(batch_size, requests - created)
            try:
                with transaction.atomic():
                    self._batch(rng, size, staff, now, references)
            except IntegrityError:
                continue  # a reference another process drew at the same moment: draw this batch again
            created += size
            self.stdout.write(f"{created} / {requests} requests")

    def _seed_in_child(self, *args):
        self._seed_share(*args)
        connection.close()

    def _staff(self, password):
        users = []
        for username, group in DEMO_STAFF:
            user = User.objects.filter(username=username).first()
            if user is None and password:
                _first, _sep, last = username.partition(".")
                user = User.objects.create_user(
                    username, f"{username}@example.org", password, is_staff=True, first_name=last.title()
                )
                user.groups.add(Group.objects.get(name=group))
            if user is not None:
                users.append(user)
        return [u for u in users if u.username != "demo.viewer"] or list(User.objects.filter(is_staff=True)[:5])

    def _batch(self, rng, size, staff, now, references):
        rows = [self._request(rng, staff, now, references) for _ in range(size)]
        requests = SecondOpinionRequest.objects.bulk_create([r for r, _plan in rows])
        documents, changes, notes, records = [], [], [], []
        for request_obj, plan in zip(requests, [p for _r, p in rows], strict=True):
            documents += self._documents(rng, request_obj)
            actor = request_obj.assigned_to or (rng.choice(staff) if staff else None)
            self._history(rng, request_obj, plan, actor, now, changes, records)
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                notes.append(InternalNote(request=request_obj, author=actor, body=rng.choice(NOTES)))
        Document.objects.bulk_create(documents, batch_size=5000)
        _bulk_create_keeping_times(StatusChange, changes, "changed_at")
        _bulk_create_keeping_times(RecordsRequest, records, "requested_at")
        InternalNote.objects.bulk_create(notes, batch_size=5000)

    def _history(self, rng, request_obj, plan, actor, now, changes, records):
        """Status changes along ``plan`` (and the records requests on the way), appended to the lists given."""
        at, previous = request_obj.submitted_at, Status.SUBMITTED
        for step in plan:
            at = min(at + timedelta(hours=rng.randint(2, 120)), now)
            reason = REASONS.get(step, "")
            changes.append(
                StatusChange(
                    request=request_obj, from_status=previous, to_status=step, changed_by=actor, changed_at=at,
                    reason=reason,
                )
            )  # fmt: skip
            if step == Status.AWAITING_RECORDS:
                fulfilled = request_obj.status != Status.AWAITING_RECORDS
                records.append(
                    RecordsRequest(
                        request=request_obj,
                        categories=rng.sample(["scans", "slides", "reports"], rng.randint(1, 2)),
                        message="Please send the most recent MRI and the pathology report.",
                        requested_by=actor,
                        requested_at=at,
                        fulfilled_at=at + timedelta(days=2) if fulfilled else None,
                    )
                )
            previous = step

    def _request(self, rng, staff, now, references):
        status = rng.choices([s for s, _w in STATUS_MIX], weights=[w for _s, w in STATUS_MIX])[0]
        reference = _unique_reference(references)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        guardian_first = rng.choice(FIRST_NAMES)
        submitted_at = now - timedelta(minutes=rng.randint(5, 60 * 24 * 365))
        born = (submitted_at - timedelta(days=rng.randint(120, 365 * 18))).date()
        physician = rng.random() < 0.2
        email = f"{guardian_first.lower()}.{last.lower()}{rng.randint(1, 9999)}@example.org"
        request_obj = SecondOpinionRequest(
            reference=reference,
            status=status,
            submitter_role=SubmitterRole.PHYSICIAN if physician else SubmitterRole.GUARDIAN,
            submitted_at=submitted_at,
            last_step="consent",
            assigned_to=rng.choice(staff) if staff and status != Status.SUBMITTED and rng.random() < 0.8 else None,
            resume_email=email,
            **(_physician_answers(rng) if physician else {}),
            child_first_name=first,
            child_last_name=last,
            child_birth_date=born,
            child_sex=rng.choice(["female", "male"]),
            **_address(rng),
            guardian_name=f"{guardian_first} {last}",
            guardian_relationship="parent",
            guardian_email=email,
            guardian_phone=f"+1302555{rng.randint(0, 9999):04d}",
            preferred_language=rng.choice(["en", "en", "en", "es", "ar", "zh"]),
            preferred_contact_method="email",
            guardian_attests_legal_authority=not physician,
            coverage_type=rng.choice(["commercial", "medicaid_chip", "international", "self_pay"]),
            insurance_carrier="Acme Health",
            insurance_member_id=f"XJ{rng.randint(100000, 999999)}",
            policyholder_name=f"{guardian_first} {last}",
            policyholder_birth_date=born - timedelta(days=365 * 30),
            consent_to_share_records=True,
            consent_signature=f"{guardian_first} {last}",
            consent_signed_at=submitted_at,
            **_clinical_answers(rng, submitted_at),
        )
        if status in (Status.SCHEDULED, Status.COMPLETED):
            _schedule_visit(rng, request_obj)
        return request_obj, PATHS[status]

    def _documents(self, rng, request_obj):
        documents = []
        for _ in range(rng.randint(0, 6)):
            category = rng.choice(["scans", "scans", "slides", "reports", "treatment_plan", "insurance_card"])
            size = rng.randint(50_000, 400_000_000 if category in ("scans", "slides") else 5_000_000)
            is_scan = category == "scans"
            documents.append(
                Document(
                    request=request_obj,
                    category=category,
                    report_type="pathology" if category == "reports" else "",
                    original_name=f"{uuid.uuid4().hex[:8]}.{EXTENSIONS.get(category, 'pdf')}",
                    declared_size=size,
                    stored_size=size,
                    detected_type="dicom" if is_scan else "tiff" if category == "slides" else "pdf",
                    storage_key=f"records/demo/{uuid.uuid4().hex}",
                    status=DocumentStatus.UPLOADED,
                    metadata={"dicom": {"modality": rng.choice(["MR", "CT", "PT"]), "study_date": "20260105"}}
                    if is_scan
                    else {},
                    scan_status="clean",
                    completed_at=request_obj.submitted_at,
                )
            )
        return documents


def _bulk_create_keeping_times(model, rows, field_name):
    """bulk_create that keeps the given value of an ``auto_now_add`` field (demo history has real-looking times)."""
    field = model._meta.get_field(field_name)
    field.auto_now_add = False
    try:
        model.objects.bulk_create(rows, batch_size=5000)
    finally:
        field.auto_now_add = True


def _unique_reference(references):
    """A new reference not in ``references`` (which it joins)."""
    reference = new_reference()
    while reference in references:
        reference = new_reference()
    references.add(reference)
    return reference


def _schedule_visit(rng, request_obj):
    day = (request_obj.submitted_at + timedelta(days=rng.randint(7, 30))).date()
    request_obj.visit_scheduled_for = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 16), 0)))
    request_obj.visit_format = request_obj.visit_preference


def _physician_answers(rng):
    """A referring physician's identity and attestation, for a request a physician submits."""
    return dict(
        physician_name=f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        physician_npi="1234567893",
        physician_institution=rng.choice(HOSPITALS),
        physician_phone=PHYSICIAN_PHONE,
        physician_email="referrer@example.org",
        physician_attests_family_agreed=True,
    )


def _address(rng):
    city, region, postal, country = rng.choice(CITIES)
    line1 = f"{rng.randint(1, 9999)} Example Street"
    return dict(address_line1=line1, city=city, region=region, postal_code=postal, country=country)


def _clinical_answers(rng, submitted_at):
    """The current physician, diagnosis, symptoms, reasons and records answers of one invented request."""
    category = rng.choice(list(DIAGNOSES))
    available = ["uploaded", "uploaded", "uploaded", "not_available"]
    return dict(
        current_physician_name=f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        current_physician_institution=rng.choice(HOSPITALS),
        current_physician_phone=PHYSICIAN_PHONE,
        current_physician_aware="yes",
        diagnosis_text=DIAGNOSES[category],
        cancer_category=category,
        diagnosis_date=(submitted_at - timedelta(days=rng.randint(5, 400))).date(),
        diagnosing_institution=rng.choice(HOSPITALS),
        diagnosis_changed="no",
        current_symptoms="Tired, some pain at night.",
        treatment_status=rng.choice(["not_started", "in_treatment", "completed", "relapsed"]),
        urgency=rng.choices([Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE], weights=[2, 3, 5])[0],
        reasons=rng.sample(["rare_cancer", "confirm_plan", "other_options", "new_therapy"], 2),
        questions="Is this the right treatment? Are there clinical trials?",
        visit_preference=rng.choice(["video", "telephone", "in_person"]),
        scans_availability=rng.choice(available),
        slides_availability=rng.choice(available),
        reports_availability=rng.choice(available),
        treatment_plan_availability=rng.choice(available),
    )
