"""I/O that produces core values: the backend poller (httpx), Prometheus text, host metrics.

- ``sources.poller.Poller``: polls the backend, yields ``core.samples.PollResult``.
- ``sources.prometheus``: Prometheus text exposition read into metric readings.
- ``sources.host.read_host``: the host pane's ``core.samples.HostSample`` from psutil.

Nothing here touches Textual; the UI runs ``Poller.run`` in a worker and renders results.
"""
