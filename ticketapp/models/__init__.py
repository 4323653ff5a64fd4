"""SQLModel tables, one module per aggregate. Importing this registers them all."""

from ticketapp.models.account import (
    LoginAttempt,
    OAuthIdentity,
    OneTimeToken,
    SecurityEvent,
    SecurityEventKind,
    TokenPurpose,
    UserSession,
)
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
    "LoginAttempt",
    "OAuthIdentity",
    "OneTimeToken",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Payment",
    "Role",
    "SecurityEvent",
    "SecurityEventKind",
    "StaffApiToken",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "TokenPurpose",
    "User",
    "UserSession",
    "Venue",
    "utcnow",
]
