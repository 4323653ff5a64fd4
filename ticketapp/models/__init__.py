"""SQLModel tables, one module per aggregate. Importing this registers them all."""

from ticketapp.models.admin import AdminAudit, PageEvent, PageEventKind
from ticketapp.models.cart import Cart, Hold
from ticketapp.models.event import Event, EventStatus, TicketType, Venue
from ticketapp.models.order import Order, OrderItem, OrderStatus, Payment
from ticketapp.models.payment_event import OrderLog, Refund, WebhookEvent
from ticketapp.models.system import JobHeartbeat
from ticketapp.models.ticket import Ticket, TicketStatus
from ticketapp.models.types import utcnow
from ticketapp.models.user import Role, User

__all__ = [
    "AdminAudit",
    "Cart",
    "Event",
    "EventStatus",
    "Hold",
    "JobHeartbeat",
    "Order",
    "OrderItem",
    "OrderLog",
    "OrderStatus",
    "PageEvent",
    "PageEventKind",
    "Payment",
    "Refund",
    "Role",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "User",
    "Venue",
    "WebhookEvent",
    "utcnow",
]
