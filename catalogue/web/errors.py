"""One place that turns errors into responses: JSON under /api, an HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from catalogue.errors import CatalogueError, ServiceUnavailable

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status: int, code: str, message: str, details: dict | None = None):
    if _wants_json():
        body = {"error": code, "message": message, "status": status}
        if details:
            body["details"] = details
        response = jsonify(body)
    else:
        response = render_template("error.html", status=status, message=message), status
        return response
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CatalogueError)
    def _catalogue_error(exc: CatalogueError):
        response = _respond(exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, ServiceUnavailable):
            response = app.make_response(response)
            response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return _respond(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return _respond(500, "internal_error", "Something went wrong on our side; the error has been logged.")
