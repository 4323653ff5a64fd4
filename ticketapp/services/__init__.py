"""The domain: plain Python functions over a SQLModel Session. No reflex here."""

# Importing the search module registers the flush hook that keeps
# Event.search_text current for every writer.
from ticketapp.services.catalog import search as _search  # noqa: F401
