"""What every process runs over a store: the session, the recorder, the poll reader,
the report and handover read models, and the loading of config and runbook files.

Services import ``core``, ``sources`` and ``store``; never ``ui`` or ``commands``.
"""
