"""Putting outside text (notes, reasons, operator names, item text) into Markdown safely.

Outside text must not change the document's structure: no new table column from a
``|``, no heading from a ``#`` at a line start, no link, emphasis, HTML or code span
from ``[``, ``*``, ``<`` or a backtick, no escape sequence. Control characters go first
(``core.text``); then every character with an inline meaning is backslash-escaped
(CommonMark allows escaping any ASCII punctuation), and in multi-line text a line
that would start a block (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``, indentation) has its
first character escaped too.
"""

from __future__ import annotations

import re

from autus_tui.core.text import clip, strip_controls

_INLINE = re.compile(r"([\\`*_{}\[\]<>|~!&#])")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def inline(text: str, limit: int = 500) -> str:
    """One line of outside text for a table cell or a list item."""
    return _INLINE.sub(r"\\\1", clip(strip_controls(text).strip(), limit))


def lines(text: str, limit: int = 4000) -> list[str]:
    """Multi-line outside text as escaped lines (newlines kept, blank edges dropped)."""
    body = strip_controls(text.replace("\r\n", "\n"), keep_newlines=True).strip("\n")
    result = []
    for raw in clip(body, limit).split("\n"):
        line = _INLINE.sub(r"\\\1", raw.strip())
        line = _BLOCK_START.sub(lambda m: _escape_start(m), line)
        result.append(line)
    return result


def _escape_start(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}\\{match.group(2)}"
    return f"\\{match.group(3)}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells must already be escaped (``inline``) or trusted."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def note_item(prefix: str, text: str) -> list[str]:
    """A list item ``- {prefix}: text`` whose further lines continue it (hard breaks).

    ``prefix`` must already be safe (escaped or trusted)."""
    body = lines(text) or [""]
    out = [f"- {prefix}: {body[0]}"]
    out.extend(f"  {line}" for line in body[1:])
    return [line + "\\" if n < len(out) - 1 else line for n, line in enumerate(out)]
