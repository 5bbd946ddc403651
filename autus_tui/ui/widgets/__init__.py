"""Widgets of the control room, one module per screen region."""
