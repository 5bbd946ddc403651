"""The one place where outside text becomes something a widget may show.

Backend values, health messages, error texts, configuration labels, operator names:
anything not written in this package's source goes through here. Every function returns
a :class:`textual.content.Content` built from text that ``core.text.strip_controls``
has cleaned, so it is never parsed as markup (``[@click=app.quit]`` stays literal text,
``x[/]y`` cannot crash) and no escape sequence reaches the terminal.

Styles are Textual style strings chosen here, never taken from outside; ``$name``
refers to the theme's colours. Level words are styled so that they read in 16 colours
and without colour at all: the word carries the meaning, WARN and CRIT are also in
reverse video, STALE is dim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from textual.content import Content

from autus_tui.core.levels import Level
from autus_tui.core.text import clip, strip_controls

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["Content", "Part", "Severity", "health_word", "join", "level_word", "plain",
           "styled", "toast"]

Part = Content | str | tuple[str, str]

LEVEL_STYLES = {
    Level.OK: "bold $success",
    Level.WARN: "bold reverse $warning",
    Level.CRIT: "bold reverse $error",
    Level.STALE: "dim italic",
}
HEALTH_STYLES = {
    "ok": "bold $success",
    "degraded": "bold reverse $warning",
    "down": "bold reverse $error",
    "unknown": "dim italic",
}
Severity = Literal["information", "warning", "error"]


def clean_text(value: object, limit: int | None = None) -> str:
    """Outside value → one printable line (controls stripped, optionally clipped)."""
    text = strip_controls(value if isinstance(value, str) else str(value))
    return clip(text, limit) if limit is not None else text


def plain(value: object, limit: int | None = None) -> Content:
    """Outside text as literal, unstyled content."""
    return Content(clean_text(value, limit))


def styled(value: object, style: str, limit: int | None = None) -> Content:
    """Outside text as literal content in one of *our* styles."""
    return Content.styled(clean_text(value, limit), style)


def join(*parts: Part) -> Content:
    """Assemble pieces: ``Content`` (already safe), or (outside text, our style), or text.

    Plain strings and tuple texts are cleaned here too, so a caller cannot slip outside
    text past this module by passing it as a bare string.
    """
    pieces: list[Content | str | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, Content):
            pieces.append(part)
        elif isinstance(part, tuple):
            pieces.append((clean_text(part[0]), part[1]))
        else:
            pieces.append(clean_text(part))
    return Content.assemble(*pieces)


def level_word(level: Level, width: int = 0) -> Content:
    """The level as a styled word, optionally padded to ``width`` cells (padding unstyled)."""
    word = Content.styled(f" {level.value} ", LEVEL_STYLES[level])
    return word.pad_right(max(0, width - word.cell_length))


PENDING_STYLES = {
    Level.OK: "bold $success", Level.WARN: "bold $warning", Level.CRIT: "bold $error",
    Level.STALE: "dim italic",
}


def pending_word(level: Level) -> Content:
    """A level on screen that is not held yet (``core.held``): ``WARN?``, not reversed, so
    it reads apart from a held ``WARN`` in any number of colours."""
    return Content.styled(f" {level.value}? ", PENDING_STYLES[level])


def health_word(status: str) -> Content:
    style = HEALTH_STYLES.get(status, HEALTH_STYLES["unknown"])
    return Content.styled(f" {clean_text(status, 12).upper()} ", style)


def toast(
    app: App[Any], message: object, *, title: object = "", severity: Severity = "information",
    timeout: float | None = None,
) -> None:
    """A notification with cleaned text, never parsed as markup."""
    app.notify(
        clean_text(message, 300), title=clean_text(title, 60), severity=severity,
        timeout=timeout, markup=False,
    )
