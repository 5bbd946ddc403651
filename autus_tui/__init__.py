"""autus-tui: a terminal control room for the AUTUS launch day."""

__version__ = "0.1.0"
