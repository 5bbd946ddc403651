"""The REHEARSAL mark every rehearsal's export and report carries, so a Markdown file
read later (forwarded, printed) is never taken for the live launch day.

``BANNER`` is one Markdown line; ``with_banner(text)`` puts it (and a blank line) at the
top of ``text`` unless the text already carries it (the report's head does).
"""

from __future__ import annotations

BANNER = ("> **REHEARSAL** — a rehearsal's record, not the live launch day: nothing in it "
          "happened for real or reached the live channel.")


def with_banner(text: str) -> str:
    return text if BANNER in text else f"{BANNER}\n\n{text}"
