"""Callbacks that outlive their widgets: drop them instead of crashing.

A background op may finish after the learner has moved on and the screen that asked for it has
been deleted; calling into it then raises (or worse). ``if_alive`` makes such callbacks no-ops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject

T = TypeVar("T")


def alive(obj: QObject | None) -> bool:
    """True while the C++ side of ``obj`` still exists."""
    return obj is not None and shiboken6.isValid(obj)


def if_alive(obj: QObject, fn: Callable[[T], Any]) -> Callable[[T], None]:
    """``fn`` wrapped to run only while ``obj`` is alive."""

    def call(value: T) -> None:
        if alive(obj):
            fn(value)

    return call
