"""The organiser REST API's rules (issue 19): scoped tokens, rate limits, idempotency keys, pages, and the
reads and writes behind `/api/v1/` (the HTTP layer in ticketapp/api/v1 only parses and serialises)."""
