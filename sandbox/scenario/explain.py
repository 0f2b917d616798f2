"""Turning pydantic's validation errors into sentences a trainer can act on.

A raw pydantic message ("Input should be a valid string") names neither the post nor the fix, so
each error is rendered with its context (``post "p3":``), the key in question, what was found and
what to write instead. Locations are resolved by the loader; this module only words things.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from sandbox.scenario.models import OFFSET_PATTERN, Scenario

Loc = tuple[str | int, ...]

# (list key, parent key or None) -> what one item is called
_ITEM_NAMES: dict[tuple[str, str | None], str] = {
    ("personas", None): "persona",
    ("posts", None): "post",
    ("follow_ups", None): "follow-up",
    ("posts", "follow_ups"): "post",
    ("teams", None): "team",
    ("topics", "filler"): "filler topic",
}

_SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_HANDLE_PATTERN = r"^@?\w{1,30}$"
_HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


def describe(value: Any) -> str:
    """A short, quoted description of a value as the trainer wrote it."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"'
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (datetime, date)):
        return f"the date {value.isoformat()}"
    return repr(value)


def context_and_field(data: Any, loc: Sequence[str | int]) -> tuple[str, str]:
    """Split an error path into a human context (``follow-up "fu1", post "fp2"``) and the
    remaining field path (``expect.covers[1].any_of``, list items counted from 1)."""
    contexts: list[str] = []
    field_parts: list[str] = []
    keys: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            list_key = keys[-1] if keys else ""
            parent = keys[-2] if len(keys) > 1 else None
            kind = _ITEM_NAMES.get((list_key, parent))
            if kind is not None:
                ident = None
                if isinstance(item, dict):
                    ident = item.get("name" if kind == "filler topic" else "id")
                name = (
                    f'{kind} "{ident}"'
                    if isinstance(ident, str) and ident
                    else f"{kind} {part + 1}"
                )
                contexts.append(name)
                field_parts = []
            elif field_parts:
                field_parts[-1] += f"[{part + 1}]"
            else:
                field_parts.append(f"item {part + 1}")
            node = item
        elif part != "[key]":
            field_parts.append(part)
            keys.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return ", ".join(contexts), ".".join(field_parts)


def _unwrap(annotation: Any, want_item: bool) -> Any:
    """Strip Annotated/Optional/list/dict wrappers to reach the model inside."""
    for _ in range(8):
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
            if not args:
                break
        elif origin in (list, tuple) and want_item:
            annotation = typing.get_args(annotation)[0]
            want_item = False
        elif origin is dict and want_item:
            annotation = typing.get_args(annotation)[1]
            want_item = False
        else:
            break
    return annotation


def model_at(loc: Sequence[str | int], root: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc``, if there is one."""
    current: Any = root
    for i, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        next_is_item = i + 1 < len(loc) and isinstance(loc[i + 1], int)
        current = _unwrap(field.annotation, want_item=next_is_item)
        if typing.get_origin(current) in (list, dict) and not next_is_item:
            current = _unwrap(current, want_item=True)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close and word.lower() in [c.lower() for c in choices]:
        close = [c for c in choices if c.lower() == word.lower()]
    return close[0] if close else ""


def _offset_hint(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f'; for {value} minutes in, write "+{value // 60:02d}:{value % 60:02d}"'
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,3}):([0-5]\d)(:[0-5]\d)?\s*", value)
        if m:
            return f'; add a "+" in front: "+{value.strip()}"'
        m = re.fullmatch(r"\s*(\d+)\s*(m|min|mins|minutes?)\s*", value, re.IGNORECASE)
        if m:
            n = int(m[1])
            return f'; for {n} minutes in, write "+{n // 60:02d}:{n % 60:02d}"'
        m = re.fullmatch(r"\s*(\d+)\s*(h|hr|hrs|hours?)\s*", value, re.IGNORECASE)
        if m:
            return f'; for {m[1]} hours in, write "+{int(m[1]):02d}:00"'
    return ' (hours and minutes after the start, e.g. "+00:30" for half an hour in)'


def _pattern_words(pattern: str) -> str:
    if pattern == _SLUG_PATTERN:
        return 'must be a short id of lower-case letters, digits, "-" or "_" (like "p3")'
    if pattern == _HANDLE_PATTERN:
        return (
            'must be a handle of up to 30 letters, digits or "_", "@" optional (like "@jo_bloggs")'
        )
    if pattern == _HHMM_PATTERN:
        return "must be a 24-hour time like 08:30"
    if pattern == OFFSET_PATTERN:
        return "must look like +HH:MM"
    return f"must match the pattern {pattern}"


def _quote_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "; put it in quotes (YAML reads yes, no, on and off as true/false)"
    if isinstance(value, (int, float)):
        return f'; put it in quotes: "{value}"'
    if isinstance(value, (datetime, date)):
        return "; put it in quotes"
    return ""


def explain(error: dict[str, Any], data: Any) -> str:
    """One pydantic error (from ``ValidationError.errors()``) as one human sentence."""
    loc: Loc = tuple(error.get("loc", ()))
    kind: str = error.get("type", "")
    value = error.get("input")
    ctx: dict[str, Any] = error.get("ctx") or {}
    msg: str = str(error.get("msg", ""))

    if kind == "missing":
        context, field = context_and_field(data, loc[:-1])
        what = f'missing required key "{loc[-1]}"'
        where = f'"{field}" is ' if field else ""
        return join_message(context, "", f"{where}{what}")
    if kind == "extra_forbidden":
        context, field = context_and_field(data, loc[:-1])
        key = str(loc[-1])
        model = model_at(loc[:-1])
        choices = sorted(model.model_fields) if model else []
        guess = _did_you_mean(key, choices)
        if guess:
            what = f'unknown key "{key}"; did you mean "{guess}"?'
        elif choices:
            what = f'unknown key "{key}"; the keys allowed here are: {", ".join(choices)}'
        else:
            what = f'unknown key "{key}"'
        if field:
            what = f'"{field}" has an {what}'
        return join_message(context, "", what)

    context, field = context_and_field(data, loc)
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        last = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
        if last and text.startswith(last + " "):  # "start must ..." under "clock.start"
            text = text[len(last) + 1 :]
        if "must look like +HH:MM" in text:
            return join_message(context, field, text + _offset_hint(value))
        if text.startswith("must"):
            return join_message(context, field, text)
        return join_message(context, field, text, colon=True)
    if kind == "string_type":
        return join_message(
            context, field, f"must be text, got {describe(value)}{_quote_hint(value)}"
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return join_message(context, field, f"must be a whole number, got {describe(value)}")
    if kind in ("float_type", "float_parsing"):
        return join_message(context, field, f"must be a number, got {describe(value)}")
    if kind in ("bool_type", "bool_parsing"):
        return join_message(context, field, f"must be true or false, got {describe(value)}")
    if kind == "enum":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        what = f"must be one of {', '.join(options)}; got {describe(value)}"
        guess = _did_you_mean(str(value), options) if isinstance(value, str) else ""
        if guess:
            what += f'; did you mean "{guess}"?'
        return join_message(context, field, what)
    if kind == "string_pattern_mismatch":
        words = _pattern_words(str(ctx.get("pattern", "")))
        return join_message(context, field, f"{words}, got {describe(value)}")
    if kind == "string_too_short":
        return join_message(context, field, "must not be empty")
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return join_message(
            context,
            field,
            f"must be at most {ctx.get('max_length')} characters (it has {length})",
        )
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return join_message(context, field, f"needs at least {n} item{'s' if n != 1 else ''}")
    if kind == "too_long":
        n = ctx.get("max_length")
        return join_message(context, field, f"may have at most {n} items")
    comparisons = {
        "greater_than": ("more than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    if kind in comparisons:
        words, key = comparisons[kind]
        return join_message(
            context, field, f"must be {words} {ctx.get(key)}, got {describe(value)}"
        )
    if kind.startswith("datetime") or kind.startswith("date_"):
        return join_message(
            context,
            field,
            "must be a date and time with a timezone, like 2026-01-15T08:00:00+00:00, "
            f"got {describe(value)}",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return join_message(
            context, field, f"must be a mapping of keys (key: value lines), got {describe(value)}"
        )
    if kind in ("list_type", "tuple_type"):
        return join_message(
            context, field, f'must be a list (lines starting with "- "), got {describe(value)}'
        )
    text = msg[:1].lower() + msg[1:] if msg else kind
    return join_message(context, field, text, colon=True)


def join_message(context: str, field: str, what: str, colon: bool = False) -> str:
    subject = f'"{field}"' if field else ""
    if subject:
        what = f"{subject}{':' if colon else ''} {what}"
    return f"{context}: {what}" if context else what
