"""Records uploads, one module per concern (the public API is re-exported here).

- ``access``: who may upload (the browser's own draft or status-page request);
- ``policy``: which files each category accepts, size limits, part sizes;
- ``sniffing``: what a stored file really is, from ranged reads of its bytes;
- ``protocol``: start, part URLs, complete (with content verification), remove;
- ``backends``: S3 multipart uploads, and local files as the embedded default;
- ``display``: document summaries, review-page lines, each upload area's context.
"""

from .access import accepts_uploads, owned_document, upload_owner, upload_owners
from .backends import LocalUploadBackend, S3UploadBackend, StoredPart, get_backend
from .display import client_config, describe_document, document_summary, review_lines, upload_area
from .errors import UploadRefused
from .policy import (
    accepted_extensions,
    accepted_types,
    accepts_files_without_extension,
    choose_part_size,
    declared_type_acceptable,
    describe_accepted,
    human_size,
    part_count,
)
from .protocol import (
    StartRequest,
    complete_upload,
    on_document_completed,
    part_urls,
    remove_document,
    start_upload,
    stored_parts,
    verify_content,
)

__all__ = [
    "LocalUploadBackend",
    "S3UploadBackend",
    "StartRequest",
    "StoredPart",
    "UploadRefused",
    "accepted_extensions",
    "accepted_types",
    "accepts_files_without_extension",
    "accepts_uploads",
    "choose_part_size",
    "client_config",
    "complete_upload",
    "declared_type_acceptable",
    "describe_accepted",
    "describe_document",
    "document_summary",
    "get_backend",
    "human_size",
    "on_document_completed",
    "owned_document",
    "part_count",
    "part_urls",
    "remove_document",
    "review_lines",
    "start_upload",
    "stored_parts",
    "upload_area",
    "upload_owner",
    "upload_owners",
    "verify_content",
]
