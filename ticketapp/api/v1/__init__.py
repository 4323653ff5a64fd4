"""The organiser REST API, `/api/v1/` (issue 19): a FastAPI sub-app mounted in front of Reflex's routes."""
