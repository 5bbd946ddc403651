"""The simulated AUTUS backend (Ops API v1 over HTTP + WebSocket) and its scenarios.

``scenarios`` and ``faults`` are pure; ``server`` holds the aiohttp server
(``SimBackend``) (``commands.backend`` serves it for ``autus-tui backend``).
"""
