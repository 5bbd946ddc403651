"""The simulated AUTUS backend (Ops API v1 over HTTP + WebSocket) and its scenarios.

``morning`` (the calm day), ``playback`` (a scenario file's events bending it) and
``faults`` are pure; ``scenarios`` names them and reads the files of the top-level
``scenarios/`` folder (parsed by ``core.scenario_file``); ``server`` holds the aiohttp
server (``SimBackend``) (``commands.backend`` serves it for ``autus-tui backend``).
"""
