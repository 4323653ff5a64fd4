"""Plain HTTP routes mounted beside Reflex's own (see ticketapp.ticketapp)."""
