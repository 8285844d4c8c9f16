"""Dashboard forms, one module per domain (validation at the edge; services act)."""
