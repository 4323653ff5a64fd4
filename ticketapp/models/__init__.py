"""SQLModel tables, one module per aggregate. Importing this registers them all."""

from ticketapp.models.event import Event, EventStatus, TicketType, Venue
from ticketapp.models.order import Order, OrderItem, OrderStatus, Payment
from ticketapp.models.support import (
    AgentPresence,
    CannedReply,
    FaqEntry,
    PhoneCall,
    SupportChat,
    SupportMessage,
    SupportTicket,
)
from ticketapp.models.system import JobHeartbeat
from ticketapp.models.ticket import Ticket, TicketStatus
from ticketapp.models.types import utcnow
from ticketapp.models.user import Role, User

__all__ = [
    "AgentPresence",
    "CannedReply",
    "Event",
    "EventStatus",
    "FaqEntry",
    "JobHeartbeat",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Payment",
    "PhoneCall",
    "Role",
    "SupportChat",
    "SupportMessage",
    "SupportTicket",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "User",
    "Venue",
    "utcnow",
]
