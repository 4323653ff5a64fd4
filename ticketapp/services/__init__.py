"""The domain: plain Python functions over a SQLModel Session. No reflex here."""
