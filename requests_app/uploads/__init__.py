"""Records uploads, one module per concern (the API other code uses is re-exported here).

- ``access``: who may upload (the browser's own draft or status-page request);
- ``policy``: which files each category accepts (``accepted_types``), size limits, part sizes;
- ``sniffing``: what a stored file really is, from ranged reads of its bytes;
- ``protocol``: start, part URLs, complete (with content verification), remove;
- ``backends``: S3 multipart uploads, and local files as the embedded default;
- ``checks``: after completion, archives inspected and files scanned for malware (quarantine until then);
- ``display``: document summaries, review-page lines, each upload area and the client's configuration.
"""

from .access import accepts_uploads, owned_document, upload_owner
from .backends import LocalUploadBackend, get_backend
from .display import client_config, describe_document, document_summary, review_lines, scan_label, upload_area
from .errors import UploadGone, UploadRefused
from .policy import accepted_types, choose_part_size, human_size, part_count
from .protocol import StartRequest, complete_upload, part_urls, remove_document, start_upload, stored_parts

__all__ = [
    "LocalUploadBackend",
    "StartRequest",
    "UploadGone",
    "UploadRefused",
    "accepted_types",
    "accepts_uploads",
    "choose_part_size",
    "client_config",
    "complete_upload",
    "describe_document",
    "document_summary",
    "get_backend",
    "human_size",
    "owned_document",
    "part_count",
    "part_urls",
    "remove_document",
    "review_lines",
    "scan_label",
    "start_upload",
    "stored_parts",
    "upload_area",
    "upload_owner",
]
