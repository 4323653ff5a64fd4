"""Attendee messaging (issue 18): editable mail templates per event and language, scheduled and one-off
messages to buyers or attendees sent in batches by jobs, unsubscribe for non-essential mail, door lists."""
