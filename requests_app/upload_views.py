"""The upload protocol's HTTP face (JSON): thin views over requests_app/uploads/ (see protocol.py there)."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from . import family_session, storage, uploads
from .models import Document, DocumentStatus


def _json_body(request):
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _refused(refusal):
    return JsonResponse({"error": refusal.message}, status=refusal.status)


def _owned_or_404(request, public_id):
    document = uploads.owned_document(request, public_id)
    if document is None:
        raise Http404("No such upload")
    return document


def _upload_owner_key(group, request):
    """Upload starts are counted per draft (or submitted request) as well as per client IP."""
    return str(family_session.draft_id(request.session) or family_session.status_request_id(request.session))


@require_POST
@ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMIT_UPLOAD_START, group="upload-start-ip", block=False)
@ratelimit(
    key=_upload_owner_key, rate=lambda g, r: settings.RATE_LIMIT_UPLOAD_START, group="upload-start-owner", block=False
)
def start(request):
    if getattr(request, "limited", False):
        return JsonResponse({"error": "Too many uploads were started. Please wait a while and try again."}, status=429)
    data = _json_body(request)
    owner = uploads.upload_owner(request, context=data.get("context") or "intake")
    if owner is None:
        return JsonResponse({"error": "Your session has ended. Please open your request again."}, status=403)
    size = data.get("size")
    spec = uploads.StartRequest(
        name=str(data.get("name") or ""),
        size=size if isinstance(size, int) and not isinstance(size, bool) else -1,
        category=str(data.get("category") or ""),
        content_type=str(data.get("content_type") or ""),
        report_type=str(data.get("report_type") or ""),
        relative_path=str(data.get("relative_path") or ""),
    )
    try:
        document = uploads.start_upload(owner, spec)
    except uploads.UploadRefused as refusal:
        return _refused(refusal)
    return JsonResponse(uploads.document_summary(document), status=201)


@require_http_methods(["GET", "POST"])
def parts(request, public_id):
    """GET: which parts storage holds (for resuming).

    POST {"parts": [n, ...], "checksums": {"n": "<CRC32, base64>", ...}}: fresh URLs for those parts.
    """
    document = _owned_or_404(request, public_id)
    if request.method == "GET":
        try:
            stored = uploads.stored_parts(document)
        except uploads.UploadGone as gone:
            return _gone(gone)
        return JsonResponse({**uploads.document_summary(document), "stored": stored})
    body = _json_body(request)
    numbers = body.get("parts") or []
    if not isinstance(numbers, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        return JsonResponse({"error": "Part numbers must be a list of whole numbers."}, status=400)
    checksums = body.get("checksums") or {}
    if not isinstance(checksums, dict):
        return JsonResponse({"error": "Checksums must map part numbers to values."}, status=400)
    checksums = {int(n): value for n, value in checksums.items() if str(n).isdigit()}
    try:
        urls = uploads.part_urls(document, numbers, checksums)
    except uploads.UploadRefused as refusal:
        return _refused(refusal)
    return JsonResponse({"urls": {str(n): url for n, url in urls.items()}})


def _gone(gone):
    """Storage aborted the upload: the client forgets it and starts the same file over."""
    return JsonResponse({"status": "gone", "error": gone.message}, status=gone.status)


@require_POST
def complete(request, public_id):
    document = _owned_or_404(request, public_id)
    try:
        document = uploads.complete_upload(document.pk)
    except uploads.UploadGone as gone:
        return _gone(gone)
    except uploads.UploadRefused as refusal:
        return _refused(refusal)
    return JsonResponse(uploads.document_summary(document))


@require_POST
def remove(request, public_id):
    document = _owned_or_404(request, public_id)
    try:
        document = uploads.remove_document(document)
    except uploads.UploadRefused as refusal:
        return _refused(refusal)
    return JsonResponse(uploads.document_summary(document))


@csrf_exempt  # the signed, expiring token in the URL is the credential, as a presigned S3 URL's signature is
@require_http_methods(["PUT"])
def local_part(request, public_id, number):
    """The local backend's stand-in for S3's UploadPart: writes one part, streamed, never held in memory."""
    if not uploads.LocalUploadBackend.check_part_token(public_id, number, request.GET.get("token", "")):
        return HttpResponse("This upload link has expired or is not valid.", status=403, content_type="text/plain")
    document = Document.objects.filter(public_id=public_id, status=DocumentStatus.PENDING).first()
    if document is None or not 1 <= number <= uploads.part_count(document):
        raise Http404("No such upload")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length <= 0 or length > document.part_size:
        return HttpResponse("A part must not be empty or larger than the part size.", status=400)
    if storage.uses_s3():
        raise Http404("No such upload")
    try:
        uploads.get_backend().write_part(document, number, request, length)
    except uploads.UploadRefused as refusal:
        return HttpResponse(refusal.message, status=refusal.status, content_type="text/plain")
    response = HttpResponse(status=200)
    response["ETag"] = f'"{number}-{length}"'
    return response
