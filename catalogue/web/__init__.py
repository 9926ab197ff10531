"""The Flask adapter: app factory, blueprints and CLI over :class:`catalogue.service.Catalogue`."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel, format_decimal
from markupsafe import Markup

from catalogue.config import Settings
from catalogue.search.base import pick_text
from catalogue.service import Catalogue
from catalogue.web.errors import register_error_handlers
from catalogue.web.i18n import COOKIE, TRANSLATIONS_DIR, compile_translations, current_language

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "ro": "Română", "hu": "Magyar",
                  "el": "Ελληνικά", "it": "Italiano", "es": "Español", "nl": "Nederlands", "pl": "Polski",
                  "pt": "Português"}


def create_app(config: dict | Settings | None = None) -> Flask:
    """Build the app. ``config`` is a Settings object, or a dict of Settings fields and Flask config keys
    (upper case), applied over the ``GDI_*`` environment."""
    if isinstance(config, Settings):
        settings, flask_config = config, {}
    else:
        config = dict(config or {})
        flask_config = {k: v for k, v in config.items() if k.isupper()}
        settings = Settings.from_env().with_overrides(**{k: v for k, v in config.items() if not k.isupper()})

    app = Flask("catalogue", template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        LANGUAGES=list(settings.languages),
        DEFAULT_LANGUAGE=settings.default_language,
        BABEL_DEFAULT_LOCALE=settings.default_language,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        JSON_SORT_KEYS=False,
    )
    app.config.update(flask_config)
    app.json.sort_keys = False
    app.extensions["gdi_settings"] = settings
    app.extensions["gdi_catalogue"] = Catalogue(settings)

    compile_translations()
    Babel(app, locale_selector=current_language)
    register_error_handlers(app)

    from catalogue.web.api import api
    from catalogue.web.portal import portal

    app.register_blueprint(portal)
    app.register_blueprint(api, url_prefix="/api/v1")
    from catalogue.web.cli import register_commands

    register_commands(app)

    @app.before_request
    def _lang():
        g.lang = None
        current_language()

    @app.after_request
    def _headers(response):
        lang = getattr(g, "lang", None) or settings.default_language
        response.headers["Content-Language"] = lang
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'")
        vary = {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}
        response.headers["Vary"] = ", ".join(sorted(vary | {"Accept-Language", "Cookie"}))
        if getattr(g, "lang_from_query", None) and request.cookies.get(COOKIE) != g.lang_from_query:
            response.set_cookie(COOKIE, g.lang_from_query, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def _globals():
        return {"lang": current_language(), "languages": [(c, LANGUAGE_NAMES.get(c, c)) for c in settings.languages],
                "site_name": settings.site_name, "vocab": app.extensions["gdi_catalogue"].vocab}

    app.jinja_env.filters["t"] = lambda values: pick_text(values or {}, current_language())
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else "–"
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["label"] = lambda iri: app.extensions["gdi_catalogue"].vocab.label(iri, current_language())
    app.jinja_env.filters["language"] = (
        lambda iri: app.extensions["gdi_catalogue"].vocab.language_label(iri, current_language()))
    app.jinja_env.filters["country"] = (
        lambda code: app.extensions["gdi_catalogue"].vocab.country_label(code, current_language()))
    from catalogue.web.views_common import marks_to_html

    app.jinja_env.filters["marks"] = marks_to_html
    app.jinja_env.filters["nl2br"] = lambda text: Markup("<br>").join((text or "").split("\n"))
    app.teardown_appcontext(lambda _exc: None)
    return app


def _format_date(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)[:10]


def get_catalogue() -> Catalogue:
    from flask import current_app

    return current_app.extensions["gdi_catalogue"]


logging.getLogger("catalogue").addHandler(logging.NullHandler())
