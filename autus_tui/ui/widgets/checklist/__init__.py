"""The checklist workspace: the panel with its item list and how items are drawn."""
