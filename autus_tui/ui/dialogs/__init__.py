"""Modal dialogs: each asks for one thing and posts the answer; none writes."""
