"""Putting outside text (notes, reasons, operator names, item text) into Markdown safely,
so that it reads the same in a file, on a Git host and pasted into a chat tool.

Outside text must not change the document's structure: no heading, list or quote from
its start, no link, emphasis, HTML, entity, code span or mention from its characters.
Backslash escapes would do that on a Git host but show literally in a chat tool (``\\*``),
so they are not used: text that could mean something is put in a code span instead
(`` `Gate *이벤트* 정상 기록` ``), where nothing is interpreted anywhere; text that cannot
(``에러율 < 1% 확인``, ``v1.0.0 → v0.9.10``) stays as it is. Control characters go first
(``core.text``). Code spans the text has itself (the runbook's item with ``main`` and
``v1.0.0`` in backticks) are kept: they mean the same everywhere. What could mean
something (``risky``), outside those: a backtick or backslash; two or more ``*``, ``_``
or ``~``; a ``[`` with a ``]`` after it; ``<`` before a letter, ``/``,
``!`` or ``?`` (HTML, an autolink, a chat tool's ``<!channel>``); an entity (``&amp;``);
``@`` before a word (a mention pages someone); and at its start a heading ``# ``, a quote
``>``, a bullet ``- ``/``+ ``/``* `` or a number list ``1. ``.

The one escape kept: ``|`` inside a table cell is ``\\|`` (GFM splits cells on it even in
a code span; chat tools show tables as text anyway). ``table`` does it.

Multi-line text (a note) becomes one nested list item per line (``note_item``): a hard
line break would need a trailing backslash or two spaces, which a chat tool shows or an
editor drops.
"""

from __future__ import annotations

import re

from autus_tui.core.text import clip, strip_controls

_RISKY = re.compile(
    r"[`\\]"                        # code spans, escapes, hard breaks
    r"|\[[^\]]*\]"                  # links, references, task boxes
    r"|<[A-Za-z/!?]"                # HTML, autolinks, chat tools' <!channel> <@user>
    r"|&#?[A-Za-z0-9]+;"            # entities
    r"|(?<![\w.])@\w"               # mentions
    r"|^(?:#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|\d{1,9}[.)](?:\s|$))"  # block starts
)
_PAIRED = ("*", "_", "~")


_SPAN = re.compile(r"`[^`]+`")


def risky(text: str) -> bool:
    """Whether ``text`` could mean something in Markdown or a chat tool (module doc),
    apart from code spans of its own (```main``` in a runbook item), which read the same
    everywhere and are kept."""
    outside = _SPAN.sub("x", text)
    return bool(_RISKY.search(outside)) or any(outside.count(c) >= 2 for c in _PAIRED)


def code(text: str) -> str:
    """``text`` as a code span, fenced by more backticks than it holds in a row."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(text: str, limit: int = 500) -> str:
    """One line of outside text for a table cell, a list item or a heading."""
    line = clip(strip_controls(text).strip(), limit)
    return code(line) if line and risky(line) else line


def lines(text: str, limit: int = 4000) -> list[str]:
    """Multi-line outside text, one safe line per non-blank line (``inline`` each)."""
    body = strip_controls(text.replace("\r\n", "\n"), keep_newlines=True).strip("\n")
    return [inline(raw, limit) for raw in clip(body, limit).split("\n") if raw.strip()]


def cell(text: str) -> str:
    """A table cell: ``|`` escaped, the one backslash GFM needs (module doc)."""
    return text.replace("|", "\\|")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells must already be safe (``inline``) or trusted."""
    out = ["| " + " | ".join(cell(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return out


def note_item(prefix: str, text: str) -> list[str]:
    """A list item ``- {prefix}: text``; a text of several lines gets one nested item per
    line. ``prefix`` must already be safe (``inline``) or trusted."""
    body = lines(text) or [""]
    if len(body) == 1:
        return [f"- {prefix}: {body[0]}".rstrip()]
    return [f"- {prefix}:", *(f"  - {line}" for line in body)]
