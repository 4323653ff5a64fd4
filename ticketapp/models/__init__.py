"""SQLModel tables, one module per aggregate. Importing this registers them all."""

from ticketapp.models.event import Event, EventStatus, TicketType, Venue
from ticketapp.models.order import Order, OrderItem, OrderStatus, Payment
from ticketapp.models.staff_token import StaffApiToken
from ticketapp.models.system import JobHeartbeat
from ticketapp.models.ticket import Ticket, TicketStatus
from ticketapp.models.types import utcnow
from ticketapp.models.user import Role, User

__all__ = [
    "Event",
    "EventStatus",
    "JobHeartbeat",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Payment",
    "Role",
    "StaffApiToken",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "User",
    "Venue",
    "utcnow",
]
