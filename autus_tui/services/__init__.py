"""What every process runs over a store."""
