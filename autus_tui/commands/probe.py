"""``autus-tui probe [--config FILE] [--json] [--slot ID]``: the probes, headless.

Runs every configured probe (or those of one slot's items) concurrently, each within
its timeout, and prints a plain table, or with ``--json`` exactly ``{"ok": bool,
"results": [{"name", "kind", "status", "detail", "ms", "item"}]}``. Exit 0 when nothing
failed (a not-configured probe is WARN and does not fail), 1 when something failed, 2 on
a usage or configuration error (one line on stderr naming file and key). Every value
printed is cleaned of control and bidi characters (``core.text``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from autus_tui.commands.console import say_error
from autus_tui.core.config import ConfigError
from autus_tui.core.probe_config import probes_for
from autus_tui.core.probes import ProbeResult, ProbeSpec, for_items, report_json
from autus_tui.core.runbook import RunbookError
from autus_tui.core.text import clean

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
WHO = "autus-tui probe"
HEADINGS = ("STATUS", "NAME", "KIND", "MS", "ITEM", "DETAIL")


def run_probe_command(config_file: str | None, as_json: bool, slot: str | None) -> int:
    specs = _specs(config_file, slot)
    if isinstance(specs, int):
        return specs
    from autus_tui.sources.probes import run_probes_sync

    results = run_probes_sync(specs)
    if as_json:
        print(json.dumps(report_json(results), ensure_ascii=False))
    else:
        print("\n".join(table(results)))
    return EXIT_FAIL if any(r.failed for r in results) else EXIT_OK


def _specs(config_file: str | None, slot: str | None) -> tuple[ProbeSpec, ...] | int:
    from autus_tui.services.config_files import load_config
    from autus_tui.services.runbook_files import load_runbooks

    try:
        config = load_config(config_file)
        runbook = load_runbooks(config)
        specs = probes_for(config, [item.id for item in runbook.items])
    except (ConfigError, RunbookError) as error:
        say_error(WHO, error)
        return EXIT_USAGE
    if slot is None:
        return specs
    found = next((s for s in runbook.slots if s.id == slot), None)
    if found is None:
        known = ", ".join(s.id for s in runbook.slots)
        say_error(WHO, f"--slot: no slot {slot!r} (known: {known})")
        return EXIT_USAGE
    return for_items(specs, [item.id for item in found.items])


def table(results: Sequence[ProbeResult]) -> list[str]:
    """Aligned plain-text rows, a heading first; ``no probes`` when there are none."""
    if not results:
        return ["no probes"]
    raw = [HEADINGS, *((r.status.value, r.name, r.kind, str(r.ms), r.item or "-", r.detail)
                       for r in results)]
    rows = [[clean(cell, 300) for cell in row] for row in raw]
    widths = [max(len(row[n]) for row in rows) for n in range(len(HEADINGS) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
            .rstrip() for row in rows]
