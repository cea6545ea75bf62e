"""Text no field of the data may hold: control characters.

C0 controls (but tab, line feed and carriage return) and DEL break XML exports, drive terminals and mean nothing
in a bibliography, so they are refused where text comes in — ``sources.bib``, ``claims.ttl`` (also when escaped
as ``\\u0001``) and command arguments — rather than escaped wherever text goes out.

>>> control_char("plain text"), control_char("bell\\x07")
(None, 'U+0007')
"""

from __future__ import annotations

import re

from .errors import PartnergraphError

__all__ = ["CONTROL", "check_argument", "control_char"]

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_char(text: str) -> str | None:
    """The first control character in ``text`` as ``U+XXXX``, or ``None``."""
    m = CONTROL.search(text)
    return None if m is None else f"U+{ord(m.group()):04X}"


def check_argument(name: str, value: str) -> str:
    """``value`` of command option ``name``, or a :class:`PartnergraphError` if it holds a control character."""
    ch = control_char(value or "")
    if ch:
        raise PartnergraphError(f"{name} holds a control character ({ch})",
                                hint="type the text without control characters (tab and line breaks aside)")
    return value
