"""The process exit codes of every subcommand, in one table."""

EXIT_OK = 0
"""Done; for ``check`` valid, for ``probe`` nothing failed."""
EXIT_FAIL = 1
"""Failed: invalid input, an unusable database, a failed probe; one line on stderr."""
EXIT_USAGE = 2
"""The command line itself is wrong (argparse uses 2 as well)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C before the command could stop cleanly (128 + SIGINT)."""
