"""The escalation timer strip and the Content of incidents (strip lines, panel rows)."""
