"""Recent history as block characters (▁▂▃▄▅▆▇█), scaled to the visible values.

Hand-made rather than ``textual.widgets.Sparkline`` so the result is plain text a
``Line`` can compare and skip when unchanged (bytes over SSH).
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float], width: int) -> str:
    """The last ``width`` values as blocks, scaled from the lowest to the highest shown.

    Relative, as sparklines are: the shape of the recent trend, not its size (the value
    beside it gives the size). A flat series sits on the bottom row.
    """
    if width <= 0 or not values:
        return ""
    shown = list(values)[-width:]
    low, high = min(shown), max(shown)
    span = high - low
    if span <= 0:
        return BLOCKS[0] * len(shown)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[round((value - low) / span * top)] for value in shown)
