"""Text folding shared by every search backend, so that indexing and querying agree.

Accents are stripped after Unicode decomposition (NFKD), which covers Greek tonos and dialytika
(``Γονιδίωμα`` → ``γονιδιωμα``), Hungarian double acute (``ő`` → ``o``), Romanian comma-below
(``ș`` → ``s``) and the rest of Latin script; ``casefold`` handles ``ß`` and final sigma.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
# Letters that NFKD does not decompose but which users type without their stroke or ligature.
_EXTRA = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` for matching (not for display)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_EXTRA).replace("ς", "σ")


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return _WORD.findall(fold(text))


_MAX_KEY_CHARS = 12
_ALPHABET = " 0123456789abcdefghijklmnopqrstuvwxyz"


def sort_key(text: str) -> int:
    """A 64-bit integer that orders titles like their first 12 folded characters.

    Search engines sort fastest on numeric columns; packing the start of the folded title into an
    integer gives an alphabetical order that is exact for the first twelve characters. Characters
    outside a-z/0-9 (Greek, Cyrillic) sort after Latin ones. The largest key, 38**12, fits a
    signed 64-bit integer, so Elasticsearch's ``long`` holds it too.
    """
    folded = fold(text).strip()
    key = 0
    for ch in folded[:_MAX_KEY_CHARS]:
        idx = _ALPHABET.find(ch)
        if idx < 0:
            idx = 0 if ch.isspace() else 37
        key = key * 38 + idx
    for _ in range(_MAX_KEY_CHARS - min(len(folded), _MAX_KEY_CHARS)):
        key = key * 38
    return key
