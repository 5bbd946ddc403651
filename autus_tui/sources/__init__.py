"""I/O that produces core values: the backend poller (httpx), Prometheus text, host metrics.

- ``sources.poller.Poller``: polls the backend and every named source (each on its own),
  yields ``core.observations.PollResult``.
- ``sources.feeds``: the named sources (``[sources.NAME]``): an exporter's exposition, a
  Prometheus server's instant queries, another Ops API; ``check_feeds`` for ``check``.
- ``sources.http_get``: one bounded GET (timeout, body cap, errors in words).
- ``sources.prometheus``: Prometheus text exposition read into metric readings.
- ``sources.host.read_host``: the host pane's ``core.observations.HostSample`` from psutil.

Nothing here touches Textual or the database. ``autus_tui.services.recorder`` runs ``Poller.run``
in the one process holding the database's poller lease and records each result; every
screen renders the recorded polls, never a poller's results directly.
"""
