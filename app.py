"""Entry point for ``flask --app app ...``: Flask finds the ``create_app`` factory here."""

from catalogue.web import create_app

__all__ = ["create_app"]
