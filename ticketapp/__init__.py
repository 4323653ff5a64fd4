"""Ticketapp: an e-ticketing platform built with Reflex."""
