"""Cleaning outside text before anyone shows it.

Backend messages, probe errors, command output, runbook files and notes may carry
terminal control sequences (``ESC ]0;title BEL`` and the like). They are removed here, so
that what reaches the screen is printable text only. Markup safety (never parsing such
text as Rich/Textual markup) is the UI's job: see ``autus_tui.ui.safe``.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \),
# DCS/SOS/PM/APC (ESC P/X/^/_ ... ESC \), and two-character escapes.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]              # CSI
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC, terminated or cut short
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?        # DCS, SOS, PM, APC
  | \x1b[@-Z\\-_]?                       # two-character escape, or a lone ESC
    """,
    re.VERBOSE,
)
# C0 and C1 controls (and DEL) except tab and newline, which callers may keep; and the
# bidi and zero-width format characters, which can make text read backwards
# (docs/architecture.md, Safety).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Variation selectors and skin-tone modifiers: terminals disagree on how wide they make
# the emoji before them (one cell or two), so a name holding one would shift everything
# drawn after it on the line. Without them each character has one agreed width.
_PRESENTATION = re.compile("[\ufe00-\ufe0f\U0001f3fb-\U0001f3ff]")


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with escape sequences and control characters removed.

    Tabs become a space; newlines are kept only when asked (multi-line output such as
    a note), otherwise they become a space too. Emoji variation selectors and skin-tone
    modifiers go too (see ``_PRESENTATION``).
    """
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _PRESENTATION.sub("", text)
    text = text.replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def clean(value: object, limit: int = 500) -> str:
    """Any outside value as one printable, bounded line."""
    return clip(strip_controls(str(value)), limit)


OPERATOR_LIMIT = 32
"""Characters of an operator name kept (where it is stored and shown)."""


def operator_name(value: object) -> str:
    """An operator name as stored: cleaned, one line, at most ``OPERATOR_LIMIT`` chars."""
    return clean(value, OPERATOR_LIMIT).strip()
