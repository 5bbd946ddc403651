"""A simulated exporter: a big Prometheus exposition in node_exporter's shape, served.

``big_exposition(series)`` writes exactly ``series`` sample lines (25,000 by default)
with HELP/TYPE lines, the families a busy host's node_exporter has (CPUs, network
devices, filesystems, disks, systemd units), a histogram and a summary, and values an
operator cares about at the very end, where a parser that stops early never gets:
``node_load1`` 1.25, ``node_timex_offset_seconds`` -0.000234 (negative),
``node_hwmon_temp_celsius{chip="cold",sensor="temp1"}`` -5.5 (negative), a 15 TB
filesystem (``node_filesystem_size_bytes{mountpoint="/data"}``, above 1 TB) and
``autus_tiny_ratio`` 1.23e-05 (tiny). Deterministic: the same call gives the same text.

``Exporter(text)`` serves it as ``GET /metrics`` on a loopback port of its own (the JSON
backend is elsewhere); ``delay`` makes every answer that many seconds late (a slow
exporter), ``gate`` (an ``asyncio.Event``) holds every answer until it is set (a hung
one); ``pending`` counts answers under way; ``text`` may be replaced between answers,
or ``render(n)`` gives the text of the n-th answer (counters that grow per scrape);
``headers`` keeps the request headers of the last request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from aiohttp import web

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
TAIL = {
    "node_load1": 1.25,
    "node_timex_offset_seconds": -0.000234,
    'node_hwmon_temp_celsius{chip="cold",sensor="temp1"}': -5.5,
    'node_hwmon_temp_celsius{chip="cpu",sensor="temp1"}': 61.0,
    'node_filesystem_size_bytes{device="/dev/md0",fstype="xfs",mountpoint="/data"}': 1.5e13,
    "autus_tiny_ratio": 1.23e-05,
}
_MODES = ("idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user")
_NET = ("receive_bytes_total", "transmit_bytes_total", "receive_packets_total",
        "transmit_packets_total", "receive_errs_total", "transmit_errs_total",
        "receive_drop_total", "transmit_drop_total", "up", "mtu_bytes")
_FS = ("avail_bytes", "free_bytes", "files", "files_free", "readonly", "device_error")
_DISK = ("reads_completed_total", "writes_completed_total", "read_bytes_total",
         "written_bytes_total", "io_time_seconds_total", "io_now")
_LE = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf")
_QUANTILES = ("0", "0.25", "0.5", "0.75", "1")
_STATES = ("activating", "active", "deactivating", "failed", "inactive")


def big_exposition(series: int = 25_000) -> str:
    lines: list[str] = []
    count = 0
    for line in _body():
        if not line.startswith("#"):
            if count >= series - len(TAIL):
                break
            count += 1
        lines.append(line)
    lines.extend(_tail())
    return "\n".join(lines) + "\n"


def _family(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


def _body() -> Iterator[str]:
    yield from _family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.")
    for cpu in range(64):
        for number, mode in enumerate(_MODES):
            yield f'node_cpu_seconds_total{{cpu="{cpu}",mode="{mode}"}} {cpu * 1000 + number}.5'
    yield from _family("http_request_duration_seconds", "histogram", "Request latency.")
    for handler in ("/metrics", "/api"):
        for number, le in enumerate(_LE):
            yield (f'http_request_duration_seconds_bucket{{handler="{handler}",le="{le}"}} '
                   f"{(number + 1) * 10}")
        yield f'http_request_duration_seconds_sum{{handler="{handler}"}} 12.5'
        yield f'http_request_duration_seconds_count{{handler="{handler}"}} 100'
    yield from _family("go_gc_duration_seconds", "summary", "GC pause durations.")
    for number, quantile in enumerate(_QUANTILES):
        yield f'go_gc_duration_seconds{{quantile="{quantile}"}} {number * 1.5e-05:.6g}'
    yield "go_gc_duration_seconds_sum 0.25"
    yield "go_gc_duration_seconds_count 40"
    for suffix in _NET:
        name = f"node_network_{suffix}"
        yield from _family(name, "counter" if suffix.endswith("total") else "gauge", "Network.")
        for device in range(400):
            yield f'{name}{{device="veth{device:04x}"}} {device * 7919}'
    for suffix in _FS:
        name = f"node_filesystem_{suffix}"
        yield from _family(name, "gauge", "Filesystem.")
        for mount in range(300):
            yield (f'{name}{{device="/dev/loop{mount}",fstype="squashfs",'
                   f'mountpoint="/snap/app/{mount}"}} {mount * 4096}')
    for suffix in _DISK:
        name = f"node_disk_{suffix}"
        yield from _family(name, "counter", "Disk.")
        for disk in range(200):
            yield f'{name}{{device="nvme{disk}n1"}} {disk * 512}'
    yield from _family("node_systemd_unit_state", "gauge", "Systemd unit state.")
    unit = 0
    while True:
        for state in _STATES:
            value = 1 if state == "active" else 0
            yield (f'node_systemd_unit_state{{name="unit-{unit:05d}.service",state="{state}",'
                   f'type="simple"}} {value}')
        unit += 1


def _tail() -> Iterator[str]:
    done: set[str] = set()
    for key, value in TAIL.items():
        name = key.split("{", 1)[0]
        if name not in done:
            done.add(name)
            yield from _family(name, "gauge", "Tail value.")
        yield f"{key} {value!r}"


class Exporter:
    def __init__(self, text: str, *, delay: float = 0.0,
                 gate: asyncio.Event | None = None,
                 render: Callable[[int], str] | None = None) -> None:
        self.text, self.delay, self.gate, self.render = text, delay, gate, render
        self.requests = self.pending = 0
        self.headers: dict[str, str] = {}
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.pending += 1
        self.headers = dict(request.headers)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)  # a slow exporter, on purpose
            if self.gate is not None:
                await self.gate.wait()
            text = self.render(self.requests) if self.render else self.text
            return web.Response(body=text.encode(),
                                headers={"Content-Type": CONTENT_TYPE})
        finally:
            self.pending -= 1
