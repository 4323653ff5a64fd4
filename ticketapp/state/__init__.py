"""Reflex states: read input, call a service, expose vars. Thin by design."""
