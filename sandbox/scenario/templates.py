"""Filler template placeholders: the one list both the checker and the filler read.

Templates are data, never code: only bare ``{name}`` fields from :data:`PLACEHOLDERS` are allowed
(no attribute access, indexing, conversions or format specs), and ``{{``/``}}`` stand for braces.
"""

from __future__ import annotations

import string

PLACEHOLDERS: tuple[str, ...] = (
    "first_name",
    "name",
    "street",
    "town",
    "place",
    "weekday",
    "time",
    "number",
)

_FORMATTER = string.Formatter()


def split_template(template: str) -> list[tuple[str, str | None]]:
    """``[(literal, placeholder_or_None), ...]`` for a template; ValueError says what is wrong."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError:
        raise ValueError(
            'has an unmatched "{" or "}"; write {{ or }} for a literal brace'
        ) from None
    pieces: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append((literal, None))
            continue
        if spec or conversion or field not in PLACEHOLDERS:
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise ValueError(
                f"uses {shown}, which is not a placeholder; use "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )
        pieces.append((literal, field))
    return pieces
