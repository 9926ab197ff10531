"""Search backends, chosen by a short name in configuration (``GDI_SEARCH_BACKEND``)."""

from __future__ import annotations

from importlib import import_module

from catalogue.config import Settings
from catalogue.search.base import SearchBackend

BACKENDS: dict[str, str] = {
    "embedded": "catalogue.search.embedded:EmbeddedSearchBackend",
    "elasticsearch": "catalogue.search.elastic:ElasticsearchBackend",
}


def create_search_backend(settings: Settings) -> SearchBackend:
    try:
        target = BACKENDS[settings.search_backend]
    except KeyError:
        raise ValueError(
            f"GDI_SEARCH_BACKEND={settings.search_backend!r} is not known; choose one of {sorted(BACKENDS)}"
        ) from None
    module, cls = target.split(":")
    return getattr(import_module(module), cls).from_settings(settings)
