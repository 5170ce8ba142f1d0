"""The name an indicator is matched by: the same text however it was typed — full-width or
half-width, spaces, punctuation, traditional characters — with everything else kept
(``优良路率`` and ``优良路`` stay two indicators: a trailing 率/数 is part of the name)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pbm.values.text import normalise_text, simplified


@lru_cache(maxsize=1 << 16)
def _normalise(text: str) -> str:
    text = simplified(normalise_text(text))
    return "".join(c for c in text if not c.isspace()
                   and not unicodedata.category(c).startswith("P"))


def normalise_name(raw: object) -> str:
    """``（优良 路率）`` → ``优良路率``; ``""`` for a blank cell."""
    if raw is None:
        return ""
    return _normalise(raw if isinstance(raw, str) else normalise_text(raw))


def normalise_level(raw: object) -> str:
    """一级/二级 category names as the framework writes them (:func:`pbm.indicators.normalise_level`)."""
    from pbm.indicators import normalise_level as framework

    return framework(normalise_text(raw))
