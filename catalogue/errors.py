"""Errors that carry an HTTP status and a message a person can act on.

The core raises these; the web layer registers one handler that turns them into an HTML page or a
JSON body, and the CLI prints the message. Keeping the status on the exception means the core never
imports Flask yet still decides what kind of failure it is.
"""

from __future__ import annotations


class CatalogueError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict:
        body = {"error": self.code, "message": self.message, "status": self.status}
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(CatalogueError):
    status = 400
    code = "bad_request"


class NotFound(CatalogueError):
    status = 404
    code = "not_found"


class Conflict(CatalogueError):
    status = 409
    code = "conflict"


class ServiceUnavailable(CatalogueError):
    status = 503
    code = "service_unavailable"


class HarvestError(CatalogueError):
    """A node could not be fetched or parsed; the node's earlier data is kept."""

    status = 502
    code = "harvest_failed"
