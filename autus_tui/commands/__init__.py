"""One module per subcommand; each returns a process exit code (``commands.exit_codes``)."""
