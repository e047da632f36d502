"""Post-live review and report export: pure analytics, plus HTML and CSV writers."""
