"""Pages: one module per page or page family."""
