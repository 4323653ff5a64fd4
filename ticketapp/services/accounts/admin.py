"""Admin work on people: customers (search, detail, block/unblock) and staff (roles, deactivate, invite).

Sign-in sessions, password resets and invitation e-mails belong to the accounts
service; the functions here change the user rows, call the accounts rules
(blocking ends sessions, a reset goes through the normal reset e-mail) and
leave audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from ticketapp.i18n import gettext, msgid
from ticketapp.models import Order, Role, SecurityEvent, SecurityEventKind, SupportTicket, User
from ticketapp.models.types import utcnow
from ticketapp.services.accounts import accounts
from ticketapp.services.accounts.audit import audit
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.catalog.events import AdminError

STAFF_ROLES = (Role.ADMIN, Role.AGENT)
STAFF_ROLE_LABELS = {Role.ADMIN: msgid("an administrator"), Role.AGENT: msgid("a support agent")}
# What the customer page lists as "sign-in history" (profile edits etc. are left out).
SIGN_IN_HISTORY_KINDS = (
    SecurityEventKind.SIGN_IN_OK,
    SecurityEventKind.SIGN_IN_FAILED,
    SecurityEventKind.SIGN_IN_BLOCKED,
    SecurityEventKind.LOCKOUT,
    SecurityEventKind.SIGN_OUT,
    SecurityEventKind.TWO_FACTOR_FAILED,
    SecurityEventKind.RESET_REQUESTED,
    SecurityEventKind.RESET_USED,
    SecurityEventKind.ACCOUNT_BLOCKED,
)


@dataclass
class CustomerRow:
    user: User
    orders: int


def search_customers(
    session: Session, text: str = "", *, offset: int = 0, limit: int = 25
) -> tuple[list[CustomerRow], int]:
    conditions = [col(User.role) == Role.CUSTOMER]
    if text.strip():
        like = f"%{text.strip().lower()}%"
        conditions.append(or_(func.lower(User.email).like(like), func.lower(User.display_name).like(like)))
    total = int(session.exec(select(func.count()).select_from(User).where(*conditions)).one())
    order_count = select(func.count(col(Order.id))).where(Order.user_id == User.id).correlate(User).scalar_subquery()
    rows = session.exec(
        select(User, order_count)
        .where(*conditions)
        .order_by(col(User.created_at).desc(), col(User.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return [CustomerRow(u, int(n)) for u, n in rows], total


def customer_orders(session: Session, user_id: int, limit: int = 100) -> list[Order]:
    """Orders placed by the account, or with its e-mail before it signed in."""
    user = session.get(User, user_id)
    if user is None:
        return []
    return list(
        session.exec(
            select(Order)
            .where(or_(Order.user_id == user_id, Order.buyer_email == user.email.lower()))
            .order_by(col(Order.created_at).desc())
            .limit(limit)
        ).all()
    )


@dataclass
class CustomerDetail:
    user: User
    orders: list[Order] = field(default_factory=list)
    sign_ins: list[SecurityEvent] = field(default_factory=list)
    support_requests: list[SupportTicket] = field(default_factory=list)


def customer_detail(session: Session, user_id: int, limit: int = 50) -> CustomerDetail:
    """Orders, recent sign-in history and support requests (by account or by its e-mail as a guest)."""
    user = _must_user(session, user_id)
    sign_ins = session.exec(
        select(SecurityEvent)
        .where(SecurityEvent.user_id == user_id, col(SecurityEvent.kind).in_(SIGN_IN_HISTORY_KINDS))
        .order_by(col(SecurityEvent.occurred_at).desc(), col(SecurityEvent.id).desc())
        .limit(limit)
    ).all()
    requests = session.exec(
        select(SupportTicket)
        .where(or_(SupportTicket.customer_id == user_id, func.lower(SupportTicket.guest_email) == user.email.lower()))
        .order_by(col(SupportTicket.created_at).desc())
        .limit(limit)
    ).all()
    return CustomerDetail(user, customer_orders(session, user_id, limit), list(sign_ins), list(requests))


def send_password_reset(session: Session, actor_id: int, user_id: int) -> User:
    """An admin sends the customer the usual reset link (the password itself is never seen by staff)."""
    user = _must_user(session, user_id)
    if user.is_blocked:
        raise AdminError(msgid("This account is blocked; unblock it before sending a password reset."))
    if user.deleted_at is not None:
        raise AdminError(msgid("User not found."))
    audit(session, actor_id, "user.password_reset", "user", user_id)
    # Commits the audit row together with the reset token, then sends the e-mail.
    accounts.request_password_reset(session, user.email, ClientInfo(user_agent="admin"))
    return user


def _end_sessions(session: Session, user: User) -> None:
    """Blocking takes effect at once: every open session of the account ends (not committed)."""
    accounts.revoke_user_sessions(session, user.id or 0)
    record_event(session, SecurityEventKind.ACCOUNT_BLOCKED, ClientInfo(), user_id=user.id, email=user.email)


def _must_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AdminError(msgid("User not found."))
    return user


def set_blocked(session: Session, actor_id: int, user_id: int, *, blocked: bool, reason: str) -> User:
    """Block (with a reason, ending every session of the account) or unblock it."""
    user = _must_user(session, user_id)
    if user_id == actor_id:
        raise AdminError(msgid("You cannot block your own account."))
    reason = " ".join(reason.split())
    if blocked and not reason:
        raise AdminError(msgid("Please give a reason for blocking."))
    if len(reason) > 300:
        raise AdminError(msgid("The reason is too long (at most 300 characters)."))
    if user.role == Role.ADMIN and blocked:
        _keep_one_admin(session, user_id)
    user.is_blocked, user.updated_at = blocked, utcnow()
    if blocked:
        _end_sessions(session, user)
    audit(session, actor_id, "user.block" if blocked else "user.unblock", "user", user_id, reason=reason)
    session.commit()
    return user


def list_staff(session: Session) -> list[User]:
    return list(session.exec(select(User).where(col(User.role).in_(STAFF_ROLES)).order_by(User.role, User.email)).all())


def _keep_one_admin(session: Session, leaving_id: int) -> None:
    others = session.exec(
        select(func.count(col(User.id))).where(
            User.role == Role.ADMIN, User.id != leaving_id, col(User.is_blocked).is_(False)
        )
    ).one()
    if not others:
        raise AdminError(msgid("The shop needs at least one active admin."))


def change_role(session: Session, actor_id: int, user_id: int, role: str) -> User:
    if role not in {r.value for r in Role}:
        raise AdminError(msgid("Unknown role."))
    user = _must_user(session, user_id)
    if user_id == actor_id:
        raise AdminError(msgid("You cannot change your own role."))
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_one_admin(session, user_id)
    previous = user.role
    user.role, user.updated_at = role, utcnow()
    audit(session, actor_id, "user.role", "user", user_id, previous=previous, role=role)
    record_event(
        session,
        SecurityEventKind.ROLE_CHANGED,
        ClientInfo(),
        user_id=user.id,
        email=user.email,
        detail=f"{previous} → {role} by admin #{actor_id}",
    )
    session.commit()
    return user


def deactivate_staff(session: Session, actor_id: int, user_id: int) -> User:
    """A staff member leaves: the account is blocked and falls back to the customer role."""
    user = _must_user(session, user_id)
    if user.role not in STAFF_ROLES:
        raise AdminError(msgid("This account is not a staff account."))
    if user_id == actor_id:
        raise AdminError(msgid("You cannot deactivate your own account."))
    if user.role == Role.ADMIN:
        _keep_one_admin(session, user_id)
    previous = user.role
    user.role, user.is_blocked, user.updated_at = Role.CUSTOMER, True, utcnow()
    _end_sessions(session, user)
    audit(session, actor_id, "staff.deactivate", "user", user_id, previous=previous)
    session.commit()
    return user


def invite_staff(session: Session, actor_id: int, email: str, display_name: str, role: str) -> User:
    """Create (or promote) the staff account and e-mail the invitation to set a password (2FA follows at sign-in)."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or " " in email:
        raise AdminError(msgid("Please enter a valid e-mail address."))
    if role not in {r.value for r in STAFF_ROLES}:
        raise AdminError(msgid("Staff are admins or support agents."))
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None and user.role in STAFF_ROLES:
        raise AdminError(msgid("This person is already on the staff."))
    if user is None:
        user = User(email=email, display_name=display_name.strip()[:120] or local, role=role)
        session.add(user)
    else:
        user.role, user.updated_at = role, utcnow()
    session.flush()
    audit(session, actor_id, "staff.invite", "user", user.id, email=email, role=role)
    session.commit()
    role_label = gettext(user.locale, STAFF_ROLE_LABELS[Role(role)])
    accounts.send_staff_invitation(session, user, role_label)
    return user
