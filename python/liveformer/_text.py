"""Strings on their way to the C API, which takes UTF-8.

A str holding a lone surrogate (what a broken decode or
`errors="surrogateescape"` leaves behind) cannot be encoded as UTF-8;
pybind11 would report it as a mismatched signature, so it is named here.
"""
from __future__ import annotations

from typing import Any


def checked_text(value: Any, what: str) -> Any:
    """value, or a ValueError saying where its first unencodable character is
    (anything but a str, bytes included, is left to the compiled layer)."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(
            f"{what}: the string holds a lone surrogate U+{ord(value[e.start]):04X} at index {e.start}, "
            "which is not valid UTF-8 (decode the source with errors='replace', or drop the character)"
        ) from None
    return value


def checked_texts(value: Any, what: str) -> Any:
    """checked_text on value if it is a str, or on each str inside a list or tuple."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            checked_text(item, f"{what}[{i}]")
        return value
    return checked_text(value, what)


def checked_messages(messages: Any) -> Any:
    """Chat messages with every str value checked (the C++ layer checks the shape)."""
    if isinstance(messages, (list, tuple)):
        for i, message in enumerate(messages):
            if isinstance(message, dict):
                for key, item in message.items():
                    checked_text(item, f"messages[{i}][{key!r}]")
    return messages
