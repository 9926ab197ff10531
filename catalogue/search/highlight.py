"""Highlighted snippets, the same for every search backend.

Snippets are computed in Python from the dataset's original text (in the reader's language, with
fallback), marking the words whose folded form matches the query: the dataset's own spelling is
shown while matching stays accent-insensitive, and engines cannot disagree about what is marked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from catalogue.search.base import MARK_END, MARK_START, MIN_PREFIX_CHARS, SearchQuery, pick_text
from catalogue.text import word_tokens

FRAGMENT_CHARS = 240  # the longest description snippet, ellipses included
_FRAGMENT_LEAD = 60  # context kept before the first mark of a fragment, at most
_ELLIPSIS = "\u2026"
_WORD_ONLY = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
# A word of the original text, with any combining marks that follow its letters.
_TEXT_WORD = re.compile(r"\w[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")


class Highlighter:
    """Marks the words of one query in original text: exact terms, the last term as a prefix (as the
    search expands it), and the words of each phrase where they occur in sequence."""

    def __init__(self, query: SearchQuery) -> None:
        self.exact = set(query.terms) | {p[0] for p in query.phrases if len(p) == 1}
        last = query.terms[-1] if query.terms else ""
        self.prefix = last if len(last) >= MIN_PREFIX_CHARS and _WORD_ONLY.fullmatch(last) else ""
        self.phrases = [p for p in query.phrases if len(p) > 1]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each matching word of ``text``, in order."""
        exact, prefix = self.exact, self.prefix
        runs: list[tuple[int, int, tuple[str, ...]]] = []
        marked: list[bool] = []
        for m in _TEXT_WORD.finditer(text):
            word = m.group()
            tokens = word_tokens(word)
            runs.append((m.start(), m.end(), tokens))
            marked.append(any(t in exact or (prefix and t.startswith(prefix)) for t in tokens))
        if self.phrases:
            flat = [(t, i) for i, (_, _, tokens) in enumerate(runs) for t in tokens]
            flat_words = [t for t, _ in flat]
            for phrase in self.phrases:
                n = len(phrase)
                for k in range(len(flat) - n + 1):
                    if flat_words[k] == phrase[0] and tuple(flat_words[k:k + n]) == phrase:
                        for _, i in flat[k:k + n]:
                            marked[i] = True
        return [(s, e) for (s, e, _), hit in zip(runs, marked, strict=True) if hit]

    def title(self, text: str) -> str | None:
        text = _SPACE.sub(" ", text).strip()
        spans = self.spans(text)
        return _render(text, spans, 0, len(text)) if spans else None

    def fragment(self, text: str, limit: int = FRAGMENT_CHARS) -> str | None:
        text = _SPACE.sub(" ", text).strip()
        spans = self.spans(text)
        if not spans:
            return None
        n = len(text)
        if n <= limit:
            return _render(text, spans, 0, n)
        budget = limit - 2  # room for an ellipsis at either end
        # The window that holds the most marks (the earliest of equals), starting at a mark.
        best_i, best_count, j = 0, 0, 0
        for i, (start, _) in enumerate(spans):
            j = max(j, i)
            while j < len(spans) and spans[j][1] - start <= budget:
                j += 1
            if j - i > best_count:
                best_i, best_count = i, j - i
        anchor_start, anchor_end = spans[best_i]
        covered_end = spans[best_i + best_count - 1][1] if best_count else anchor_end
        slack = max(0, budget - (covered_end - anchor_start))
        start = anchor_start - min(anchor_start, _FRAGMENT_LEAD, slack // 2)
        end = min(n, start + budget)
        start = max(0, min(start, end - budget))
        # Cut at word boundaries, never inside the anchoring word.
        if start > 0 and not text[start - 1].isspace():
            space = text.find(" ", start, anchor_start)
            if space >= 0:
                start = space + 1
        if end < n and not text[end].isspace():
            space = text.rfind(" ", max(start, anchor_end), end)
            if space >= 0:
                end = space
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        inside = [(s, e) for s, e in spans if s >= start and e <= end]
        if not inside:  # one word longer than the whole fragment
            return None
        return (_ELLIPSIS if start > 0 else "") + _render(text, inside, start, end) + (_ELLIPSIS if end < n else "")


def _render(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in spans:
        out += [text[pos:s], MARK_START, text[s:e], MARK_END]
        pos = e
    out.append(text[pos:end])
    return "".join(out)


def highlight_document(title: Mapping[str, str], description: Mapping[str, str], query: SearchQuery,
                       marker: Highlighter | None = None) -> dict[str, str]:
    """Snippets for one hit: the whole title and a description fragment, only those with a mark."""
    marker = marker or Highlighter(query)
    out: dict[str, str] = {}
    title_snippet = marker.title(pick_text(title, query.lang))
    if title_snippet:
        out["title"] = title_snippet
    description_snippet = marker.fragment(pick_text(description, query.lang))
    if description_snippet:
        out["description"] = description_snippet
    return out
