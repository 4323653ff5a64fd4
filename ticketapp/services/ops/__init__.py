"""Operations: metrics, structured logs, error reporting (no web layer here)."""
