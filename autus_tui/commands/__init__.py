"""One module per subcommand; each returns a process exit code."""
