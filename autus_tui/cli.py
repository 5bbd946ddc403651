"""The ``autus-tui`` command: parse arguments, load configuration, hand over.

Errors reach stderr as one sentence naming the file, key and problem, never as a
traceback (``console.say_error``). Heavy imports (Textual, aiohttp) happen inside the
subcommand that needs them, so ``check`` stays quick and ``check``, ``record`` and
``report`` never load Textual (tests/test_cli_headless.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_INTERRUPTED
from autus_tui.core.config import Config, ConfigError
from autus_tui.core.runbook import RunbookError


def _run_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file")
    parser.add_argument("--backend", metavar="URL", help="backend base URL")
    parser.add_argument("--db", metavar="FILE", help="SQLite database file")
    parser.add_argument("--operator", metavar="NAME", help="who is at the keyboard")
    parser.add_argument("--rehearsal", action="store_true", default=None,
                        help="rehearsal: separate database, nothing executed")
    parser.add_argument("--clock", metavar="ISO-DATETIME",
                        help="rehearsal: launch-day time to start from")
    parser.add_argument("--speed", metavar="FACTOR", type=float,
                        help="rehearsal: how much faster than real time the clock runs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autus-tui", description="Terminal control room for the AUTUS launch day."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    _run_flags(commands.add_parser("run", help="the control room (default)"))

    demo = commands.add_parser(
        "demo", help="simulated backend + control room, rehearsal database in a temp dir"
    )
    demo.add_argument("--scenario", default="spike", metavar="NAME|FILE",
                      help="calm, spike, outage, launch-day, ... or a scenario file")
    demo.add_argument("--speed", type=float, default=1.0, metavar="FACTOR")
    demo.add_argument("--operator", metavar="NAME")

    backend = commands.add_parser("backend", help="run the simulated AUTUS backend")
    backend.add_argument("--host", default="127.0.0.1")
    backend.add_argument("--port", type=int, default=8765)
    backend.add_argument("--scenario", default="calm", metavar="NAME|FILE")
    backend.add_argument("--seed", type=int, default=None)
    backend.add_argument("--config", metavar="FILE", help="TOML configuration ([launch])")
    backend.add_argument("--db", metavar="FILE",
                         help="follow the rehearsal clock stored in this database")
    backend.add_argument("--clock", metavar="ISO-DATETIME",
                         help="launch-day time to start from (default: the scenario's start)")
    backend.add_argument("--speed", type=float, default=None, metavar="FACTOR",
                         help="scenario time runs this much faster than real time")

    check = commands.add_parser("check", help="validate configuration and checklists")
    check.add_argument("--config", metavar="FILE")
    check.add_argument("--scenario", metavar="NAME|FILE",
                       help="validate this scenario file only")

    probe = commands.add_parser("probe", help="run the pre-launch probes headless")
    probe.add_argument("--config", metavar="FILE", help="TOML configuration file")
    probe.add_argument("--json", action="store_true", help="print the results as JSON")
    probe.add_argument("--slot", metavar="ID", help="only the probes of this slot's items")

    record = commands.add_parser("record", help="headless poller and recorder (no UI)")
    _run_flags(record)

    replay = commands.add_parser("replay", help="the recorded day, read-only, at a time cursor")
    replay.add_argument("--db", metavar="FILE", required=True, help="the recorded database")
    replay.add_argument("--at", metavar="HH:MM", help="start at this launch-day time")
    replay.add_argument("--config", metavar="FILE", help="TOML configuration file")
    replay.add_argument("--operator", metavar="NAME", help="who is watching")

    report = commands.add_parser("report", help="launch-day report in Markdown")
    report.add_argument("--config", metavar="FILE", help="TOML configuration file")
    report.add_argument("--db", metavar="FILE", help="SQLite database file")
    report.add_argument("--rehearsal", action="store_true", default=None,
                        help="the rehearsal database (when --db is not given)")
    report.add_argument("--out", metavar="FILE", help="write the report here (default: stdout)")
    report.add_argument("--d1", action="store_true",
                        help="the D+1 morning review instead (errors, gate and Afterimage "
                             "patterns by hour, what the data cannot tell)")
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    from autus_tui.services.config_files import load_config

    flags: dict[str, Any] = {
        "backend.url": getattr(args, "backend", None),
        "db": getattr(args, "db", None),
        "operator": getattr(args, "operator", None),
        "rehearsal": getattr(args, "rehearsal", None),
        "clock": getattr(args, "clock", None),
        "speed": getattr(args, "speed", None),
    }
    return load_config(getattr(args, "config", None), flags)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = {"run", "demo", "backend", "check", "probe", "record", "report", "replay", "-h",
             "--help"}
    if not argv or argv[0] not in known:
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    from autus_tui.store import StoreError

    try:
        return _dispatch(args)
    except (ConfigError, RunbookError, StoreError) as error:
        say_error("autus-tui", error)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `autus-tui check | head -1`: the reader left, not a fault
        _silence_stdout()
        return EXIT_FAIL


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _dispatch(args: argparse.Namespace) -> int:
    """Hand over to the subcommand's module (imported here: only what it needs loads)."""
    if args.command == "check":
        from autus_tui.commands.check import run_check, run_check_scenario

        if args.scenario is not None:
            return run_check_scenario(args.scenario)
        return run_check(config_from_args(args))
    if args.command == "probe":
        from autus_tui.commands.probe import run_probe_command

        return run_probe_command(args.config, args.json, args.slot)
    if args.command == "record":
        from autus_tui.commands.record import run_record

        return run_record(config_from_args(args))
    if args.command == "report":
        from autus_tui.commands.report import run_report

        return run_report(config_from_args(args), args.out, d1=args.d1)
    if args.command == "replay":
        from autus_tui.commands.replay import run_replay

        return run_replay(config_from_args(args), args.at)
    if args.command == "backend":
        from autus_tui.commands.backend import serve_forever

        return serve_forever(args.host, args.port, args.scenario, args.seed, args.speed,
                             clock=args.clock, db=args.db, config_file=args.config)
    if args.command == "demo":
        from autus_tui.commands.demo import run_demo

        return run_demo(args.scenario, args.speed, args.operator)
    from autus_tui.commands.run import run_control_room

    return run_control_room(config_from_args(args))


if __name__ == "__main__":
    sys.exit(main())
