"""Text a person typed, as the platform keeps it: characters that only confuse — NUL and other
control characters, terminal escape sequences, and the bidirectional overrides that make
"王秀英" print as something else — are refused where a name or a place is entered, so nothing
stored can garble a page, a spreadsheet or a terminal."""

from __future__ import annotations

import unicodedata

from core.errors import InvalidInput

# Bidirectional embeddings, overrides and isolates (Trojan-Source style reordering).
BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def unsafe_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character not allowed in entered text, or None."""
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        if ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
            return ch
    return None


def clean_text(
    value: str | None, field: str, max_len: int, *, required: bool = True, multiline: bool = False
) -> str:
    """Stripped text within ``max_len``; InvalidInput naming ``field`` otherwise."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput("must not be empty", field=field)
    if len(text) > max_len:
        raise InvalidInput(f"must be at most {max_len} characters", field=field)
    bad = unsafe_character(text, multiline=multiline)
    if bad is not None:
        raise InvalidInput(f"contains a control character (U+{ord(bad):04X})", field=field)
    return text
