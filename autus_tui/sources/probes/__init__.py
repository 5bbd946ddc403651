"""Probes: one module per kind, each ``async check(spec) -> (Status, evidence)``.

Use ``run_probe`` / ``run_probes`` on a running loop, or ``run_probes_sync`` from a
thread (the control room) or a command. Specs come from
``core.probe_config.probes_for(config, item_ids)``; ``core.probes.for_items`` picks those
of a slot or an item.
"""

from autus_tui.sources.probes.runner import run_probe, run_probes, run_probes_sync

__all__ = ["run_probe", "run_probes", "run_probes_sync"]
