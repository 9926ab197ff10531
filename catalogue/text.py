"""Text folding shared by every search backend, so that indexing and querying agree.

Accents are stripped after Unicode decomposition (NFKD), which covers Greek tonos and dialytika
(``Γονιδίωμα`` → ``γονιδιωμα``), Hungarian double acute (``ő`` → ``o``), Romanian comma-below
(``ș`` → ``s``) and the rest of Latin script; ``casefold`` handles ``ß`` and final sigma.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import chain
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
# Letters that NFKD does not decompose but which users type without their stroke or ligature.
_EXTRA = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` for matching (not for display)."""
    if text.isascii():  # most titles and keywords: nothing to decompose, strip or translate
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_EXTRA).replace("ς", "σ")


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return _WORD.findall(fold(text))


_MAX_KEY_CHARS = 12
_SORT_PREFIX_CHARS = 64
_ALPHABET = " 0123456789abcdefghijklmnopqrstuvwxyz"


def sort_key(text: str) -> int:
    """A 64-bit integer that orders titles like their first 12 folded characters.

    Search engines sort fastest on numeric columns; packing the start of the folded title into an
    integer gives an alphabetical order that is exact for the first twelve characters. Characters
    outside a-z/0-9 (Greek, Cyrillic) sort after Latin ones. The largest key, 38**12, fits a
    signed 64-bit integer, so Elasticsearch's ``long`` holds it too.
    """
    # Folding is per character, so the start of a long title decides the key on its own; the whole
    # text is folded only when that start folds to too few characters.
    folded = fold(text[:_SORT_PREFIX_CHARS]).lstrip()
    if len(folded) <= _MAX_KEY_CHARS:
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


# ASCII characters outside \w, as spaces: ASCII text then splits into the words _WORD would find.
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def folded_tokens(text: str) -> str:
    """``" ".join(words(text))``, computed faster: what engines index with a whitespace tokenizer."""
    return " ".join(folded_words(text)) if text else ""


def folded_words(text: str) -> list[str]:
    """``words(text)``, computed faster.

    :func:`fold` maps each character independently (case folding, compatibility decomposition,
    dropping combining marks), and no whitespace character folds to a word character, so folding word
    by word gives the same tokens as folding the whole text. ASCII text then skips Unicode
    normalisation (its fold is ``lower()``) and other words are folded once per distinct spelling;
    pure-Python folding was otherwise most of the indexing time.
    """
    if text.isascii():
        return text.lower().translate(_ASCII_NON_WORD).split()
    return list(chain.from_iterable(map(_CHUNK_WORDS, text.split())))


class Memo(dict):
    """``function(key)`` per key, in a plain dict that is emptied when it grows past ``limit``.

    For per-word and per-value caches on the indexing path: looked up as ``map(memo.__getitem__,
    words)``, a hit costs about a third of an ``lru_cache`` hit, and words recur across documents far
    more often than a bounded dict fills up.
    """

    __slots__ = ("function", "limit")

    def __init__(self, function: Callable[[Any], Any], limit: int = 1 << 16) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value = self.function(key)
        return value


def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(words(chunk))


_CHUNK_WORDS = Memo(_chunk_words, 1 << 18).__getitem__


@lru_cache(maxsize=1 << 16)
def word_tokens(word: str) -> tuple[str, ...]:
    """Folded tokens of one word of original text (cached: the same words recur across documents)."""
    return (word.lower(),) if word.isascii() else tuple(words(word))


def date_key(value: str | None) -> int | None:
    """YYYYMMDD as an integer, 00 for a missing month or day: sorts like the date (``2021`` before
    ``2021-01-01``), stays readable in an index, and is the same in every backend."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "00", match.group(3) or "00"
    return int(year) * 10_000 + int(month) * 100 + int(day)
