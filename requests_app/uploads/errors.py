"""The one exception of the upload protocol."""


class UploadRefused(Exception):
    """A start, part or completion the server will not accept; ``message`` is shown to the family."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status
