"""The replay of a recorded day (``autus-tui replay``): the control room at a time cursor."""
