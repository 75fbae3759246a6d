"""Self-contained HTML reports (no scripts, no network): generic page helpers in `_page`,
one module per report."""
