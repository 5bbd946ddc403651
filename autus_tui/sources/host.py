"""The host pane's data: CPU, memory, load and disk of the machine the control room runs on.

Contract: ``read_host(disk_path)`` returns a ``HostSample`` and never raises and never
blocks. CPU uses ``psutil.cpu_percent(interval=None)``, which compares with the previous
call (or with psutil's import, so the first sample covers the time since start-up) and
does not sleep. Every value is a finite percentage or load figure.

When a part cannot be read (a disk path that does not exist, a platform without load
average, a sandbox that hides /proc), that field holds 0.0, its name is listed in
``HostSample.unavailable`` and ``HostSample.problem`` says why, so the pane shows "—"
with the reason instead of a fake zero. The other fields are still read.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import psutil

from autus_tui.core.observations import HostSample
from autus_tui.core.text import clean


def read_host(disk_path: str = "/") -> HostSample:
    values: dict[str, float] = {}
    problems: list[str] = []
    readers: dict[str, tuple[str, Callable[[], float]]] = {
        "cpu_pct": ("cpu", lambda: psutil.cpu_percent(interval=None)),
        "mem_pct": ("memory", lambda: psutil.virtual_memory().percent),
        "load1": ("load", lambda: psutil.getloadavg()[0]),
        "disk_pct": (f"disk {disk_path}", lambda: psutil.disk_usage(disk_path).percent),
    }
    for field, (what, read) in readers.items():
        try:
            value = float(read())
        except Exception as error:  # psutil raises OSError, AttributeError, RuntimeError...
            problems.append(f"{clean(what, 60)}: {_reason(error)}")
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(f"{clean(what, 60)}: unreadable value {value!r}")
            continue
        values[field] = value
    unavailable = tuple(field for field in readers if field not in values)
    return HostSample(
        cpu_pct=values.get("cpu_pct", 0.0),
        mem_pct=values.get("mem_pct", 0.0),
        load1=values.get("load1", 0.0),
        disk_pct=values.get("disk_pct", 0.0),
        disk_path=disk_path,
        unavailable=unavailable,
        problem="; ".join(problems) if problems else None,
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return clean(error.strerror, 80).lower()
    return clean(error, 80) or type(error).__name__
