"""Language negotiation for the UI: ``?lang=`` -> cookie -> Accept-Language -> default.

UI strings come from Babel catalogues (``translations/``); the language of harvested metadata is a
different matter, chosen per literal with :func:`catalogue.search.base.pick_text`. The .po files are
compiled to .mo at start-up when missing or older, so a fresh clone needs no build step.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request

log = logging.getLogger(__name__)
COOKIE = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"


def select_language() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang", "").strip().lower()
    if chosen in supported:
        g.lang_from_query = chosen
        return chosen
    cookie = request.cookies.get(COOKIE, "").strip().lower()
    if cookie in supported:
        return cookie
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["DEFAULT_LANGUAGE"]


def current_language() -> str:
    lang = getattr(g, "lang", None)
    if lang is None:
        lang = g.lang = select_language()
    return lang


def compile_translations(directory: Path = TRANSLATIONS_DIR) -> None:
    """Compile every messages.po into messages.mo when the .mo is missing or older."""
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as fh:
                write_mo(fh, catalog)
            tmp.replace(mo)
        except OSError as exc:  # a read-only checkout still runs, in English
            log.warning("could not compile %s: %s", po, exc)
