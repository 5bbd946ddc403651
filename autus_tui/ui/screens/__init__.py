"""Full screens pushed over the control room: help, timeline, handover."""
