"""The Textual control room: app, screens and widgets; presentation only.

Layering: ``ui`` may import ``sources``, ``store``, ``sim`` (for the demo) and ``core``;
nothing below imports ``ui``. Outside text reaches a widget only through ``ui.safe``.
"""
