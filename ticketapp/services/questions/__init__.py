"""Custom questions: an event's questions (admin), their checks, and the buyers' answers (the only writer)."""
