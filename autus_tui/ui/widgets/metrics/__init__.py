"""The metric column: metric and group panes, sparklines, the health and host lines."""
