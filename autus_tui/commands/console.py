"""One line on stderr: how every headless subcommand reports a failure.

``say_error(who, message)`` prints ``{who}: {message}`` as a single line cleaned by
``core.text``: messages carry outside text (paths, a socket error, the table names of
another program's database, a TOML parser's words), and an escape sequence in one must
not reach the operator's terminal. No Textual here.
"""

from __future__ import annotations

import sys

from autus_tui.core.text import clean

MAX_MESSAGE = 2000


def say_error(who: str, message: object) -> None:
    print(f"{who}: {clean(message, MAX_MESSAGE)}", file=sys.stderr, flush=True)
