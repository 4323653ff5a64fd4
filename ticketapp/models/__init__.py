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
from ticketapp.models.admin import AdminAudit, PageEvent, PageEventKind
from ticketapp.models.cart import Cart, Hold
from ticketapp.models.currency import ExchangeRate
from ticketapp.models.event import Event, EventSeries, EventStatus, TicketType, Venue
from ticketapp.models.invoice import Invoice, InvoiceBuyer, InvoiceKind, InvoiceLine, InvoiceSequence, InvoiceSettings
from ticketapp.models.messaging import (
    Audience,
    CheckinGate,
    MailOptOut,
    MailTemplate,
    Message,
    MessageRecipient,
    MessageStatus,
    TemplateKind,
)
from ticketapp.models.order import (
    PAID_STATUSES,
    PENDING_STATUSES,
    VOID_STATUSES,
    Order,
    OrderItem,
    OrderLog,
    OrderStatus,
    Payment,
    Refund,
    ReviewState,
)
from ticketapp.models.payment_event import WebhookEvent
from ticketapp.models.promotion import DiscountKind, PromoCode, PromoRedemption
from ticketapp.models.question import Answer, Question, QuestionKind, QuestionScope
from ticketapp.models.risk import BlockEntry, BlockKind, PaymentAttempt, RiskAssessment, RiskDecision, SecurityAlert
from ticketapp.models.self_service import (
    RefundRequest,
    RefundRequestStatus,
    TicketTransfer,
    TransferStatus,
)
from ticketapp.models.staff_token import ApiIdempotencyKey, StaffApiToken
from ticketapp.models.support import (
    AgentPresence,
    CannedReply,
    FaqEntry,
    PhoneCall,
    SupportChat,
    SupportMessage,
    SupportTicket,
)
from ticketapp.models.system import DueJob, JobHeartbeat
from ticketapp.models.ticket import Ticket, TicketStatus
from ticketapp.models.types import utcnow
from ticketapp.models.user import Role, User
from ticketapp.models.waitlist import WaitlistEntry, WaitlistStatus
from ticketapp.models.webhook import WebhookDelivery, WebhookEndpoint, WidgetOrigin

__all__ = [
    "PAID_STATUSES",
    "PENDING_STATUSES",
    "VOID_STATUSES",
    "AdminAudit",
    "AgentPresence",
    "Answer",
    "ApiIdempotencyKey",
    "Audience",
    "BlockEntry",
    "BlockKind",
    "CannedReply",
    "Cart",
    "CheckinGate",
    "DiscountKind",
    "DueJob",
    "Event",
    "EventSeries",
    "EventStatus",
    "ExchangeRate",
    "FaqEntry",
    "Hold",
    "Invoice",
    "InvoiceBuyer",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceSequence",
    "InvoiceSettings",
    "JobHeartbeat",
    "LoginAttempt",
    "MailOptOut",
    "MailTemplate",
    "Message",
    "MessageRecipient",
    "MessageStatus",
    "OAuthIdentity",
    "OneTimeToken",
    "Order",
    "OrderItem",
    "OrderLog",
    "OrderStatus",
    "PageEvent",
    "PageEventKind",
    "Payment",
    "PaymentAttempt",
    "PhoneCall",
    "PromoCode",
    "PromoRedemption",
    "Question",
    "QuestionKind",
    "QuestionScope",
    "Refund",
    "RefundRequest",
    "RefundRequestStatus",
    "ReviewState",
    "RiskAssessment",
    "RiskDecision",
    "Role",
    "SecurityAlert",
    "SecurityEvent",
    "SecurityEventKind",
    "StaffApiToken",
    "SupportChat",
    "SupportMessage",
    "SupportTicket",
    "TemplateKind",
    "Ticket",
    "TicketStatus",
    "TicketTransfer",
    "TicketType",
    "TokenPurpose",
    "TransferStatus",
    "User",
    "UserSession",
    "Venue",
    "WaitlistEntry",
    "WaitlistStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WidgetOrigin",
    "utcnow",
]
