"""The upload protocol's exceptions."""


class UploadRefused(Exception):
    """A start, part or completion the server will not accept; ``message`` is shown to the family."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


class UploadGone(UploadRefused):
    """Storage no longer has the document's multipart upload (aborted by the bucket's lifecycle rule or the
    clean-up): the document is marked removed and the client starts the same file over."""

    def __init__(self, message):
        super().__init__(message, status=410)
