"""The Textual control room: presentation only.

- ``app``: the ``ControlRoom`` app and its layout;
- ``screens/``: full screens (help, timeline, handover); ``dialogs/``: modal questions;
- ``widgets/``: one module per screen region (``metrics/``, ``checklist/``, header, footer,
  events pane);
- ``safe``: the one path by which outside text reaches a widget.

Only this package imports Textual. It may import ``services``, ``store``, ``sources``,
``sim`` (the demo) and ``core``; nothing outside ``commands`` imports it.
"""
