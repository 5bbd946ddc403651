"""``ControlFooter``: Textual's Footer, without keeping its old keys alive.

Textual 8.2.8's ``Footer`` recomposes whenever the screen's bindings change (every
screen opened or closed, every focus move between panes) and data-binds each new
``FooterKey`` to its ``compact`` reactive. The watchers of the removed keys stay on the
Footer until ``compact`` changes value, and keep those keys — widgets, styles, message
queues — alive: at 80 columns ``compact`` never changes, so opening and closing the help
grew the app by ~0.4 MB a time (``benchmarks/bench_screens_memory.py``). After each
recompose this drops the watchers whose widget is no longer in the DOM, as Textual
itself does when ``compact`` changes.

Textual 8.2.8 also keeps every widget's style cache it ever drew, footer keys and
dialogs included, in an ``lru_cache`` on ``StylesCache.get_inner_outer`` keyed by the
cache itself (up to 1,024 of them, each with its rendered lines): every screen opened and
closed, each recompose of the footer, added a few. The recompose clears it (it refills
with what is on screen at the next frame): ~80-150 kB per screen opened, for good, before.
"""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from textual.widgets import Footer


class ControlFooter(Footer):
    async def recompose(self) -> None:
        await super().recompose()
        StylesCache.get_inner_outer.cache_clear()
        watchers = getattr(self, "__watchers", None)  # where textual.reactive keeps them
        if not isinstance(watchers, dict):
            return
        for entries in watchers.values():
            entries[:] = [(node, callback) for node, callback in entries
                          if not isinstance(node, DOMNode) or node.is_attached]
