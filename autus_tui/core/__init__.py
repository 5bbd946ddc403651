"""Pure launch-day logic: no Textual, no network, no files, no SQLite.

Everything here takes values and returns values, so it is tested without a terminal
and reused by the UI, the headless recorder and the report alike.
"""
