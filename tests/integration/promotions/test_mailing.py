"""Bulk e-mail of codes: each pasted address gets one unsent code of the batch, through real SMTP, in the chosen
language with a link to the event; bad lists and too few codes send nothing; a code is never given twice."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import Session, select

from tests.factories import make_event
from tests.support_smtp import MailSink
from ticketapp.models import AdminAudit, PromoCode, User
from ticketapp.services.promotions import admin as promo_admin
from ticketapp.services.promotions import mailing

pytestmark = pytest.mark.usefixtures("smtp")


def _batch(session: Session, admin: User, count: int, event_id: int | None = None) -> list[PromoCode]:
    form = {"code": "PARTNER", "kind": "percent_off", "value": "15"}
    if event_id is not None:
        form["event_id"] = str(event_id)
    return promo_admin.create_many(session, admin.id or 0, promo_admin.parse_spec(session, form), count)


def test_each_address_gets_its_own_code_by_mail(
    session: Session, app_db: str, admin: User, mail_sink: MailSink
) -> None:
    d = f"{secrets.token_hex(4)}.example.com"  # the SMTP sink outlives one test
    event, _ = make_event(session, title="Gala des partenaires")
    _batch(session, admin, 3, event.id)
    sent = mailing.send_codes(session, admin.id or 0, "partner", f"Ada@{d.upper()}, bo@{d}\nada@{d};  ", "fr")
    assert (sent.count, sent.prefix) == (2, "PARTNER")

    given = {c.sent_to: c.code for c in session.exec(select(PromoCode)).all() if c.sent_to}
    assert set(given) == {f"ada@{d}", f"bo@{d}"} and len(set(given.values())) == 2
    for address, code in given.items():
        mail = mail_sink.wait_for(address, "Votre code promo")
        assert f"Voici votre code promo pour Gala des partenaires : {code}" in mail.text
        assert mail.links()[0].endswith(f"/events/{event.slug}?code={code}")
    audit = session.exec(select(AdminAudit).where(AdminAudit.action == "promo.mail_codes")).one()
    assert audit.actor_user_id == admin.id and audit.details is not None and audit.details["count"] == 2

    # The third code is the only one left: a list of two is refused whole, and a second send never reuses one.
    with pytest.raises(promo_admin.PromoAdminError, match="Only 1 unsent codes start with PARTNER- for 2"):
        mailing.send_codes(session, admin.id or 0, "PARTNER", f"cy@{d} dee@{d}", "en")
    assert not mail_sink.mails_to(f"cy@{d}")
    mailing.send_codes(session, admin.id or 0, "PARTNER-", f"cy@{d}", "en")
    assert "Here is your promo code for Gala des partenaires" in mail_sink.wait_for(f"cy@{d}").text
    assert sorted(c.sent_to or "" for c in session.exec(select(PromoCode)).all()) == [
        f"ada@{d}",
        f"bo@{d}",
        f"cy@{d}",
    ]
    assert "sent_to" in promo_admin.codes_csv(promo_admin.list_codes(session)).splitlines()[0]


@pytest.mark.parametrize(
    ("prefix", "addresses", "message"),
    [
        ("PARTNER", "nope@example.com, not-an-address", "“not-an-address” is not an e-mail address."),
        ("PARTNER", " \n ", "Please paste at least one e-mail address."),
        ("", "nope@example.com", "Please enter the start of the codes to send (as used for the bulk creation)."),
        ("NOBATCH", "nope@example.com", "Only 0 unsent codes start with NOBATCH- for 1 addresses: create more first."),
    ],
)
def test_a_bad_list_sends_nothing(
    session: Session, admin: User, mail_sink: MailSink, prefix: str, addresses: str, message: str
) -> None:
    _batch(session, admin, 2)
    already = len(mail_sink.mails_to("nope@example.com"))  # the sink serves the whole test session
    with pytest.raises(promo_admin.PromoAdminError) as refused:
        mailing.send_codes(session, admin.id or 0, prefix, addresses, "en")
    assert str(refused.value) == message
    assert all(c.sent_to is None for c in session.exec(select(PromoCode)).all())
    assert len(mail_sink.mails_to("nope@example.com")) == already


def test_a_huge_list_is_refused(session: Session) -> None:
    addresses = ",".join(f"p{n}@example.com" for n in range(mailing.LIST_MAX + 1))
    with pytest.raises(promo_admin.PromoAdminError, match="at most 1000"):
        mailing.parse_addresses(addresses)
