"""More of the shop's rough edges (issue 15): event images, map, calendar and share; the way back to the
search; the compact header; feedback next to the button on a phone; the chat button out of the way."""

from __future__ import annotations

import io
import re
import secrets

from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.test_shop_polish import DEMO_CARD, PHONE, SHOTS, _add, _check_out, _shoot, sign_in
from ticketapp.db import make_engine
from ticketapp.models import Event

DESKTOP = {"width": 1280, "height": 800}


def _give_image(live_app, slug: str) -> None:
    """What the admin's upload leaves behind: a stored file under media/ and the event's image URL."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), (40, 90, 160)).save(buffer, format="PNG")
    name = f"{secrets.token_urlsafe(18)}.png"
    folder = live_app.data_dir / "media"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(buffer.getvalue())
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.slug == slug)).one()
        event.image_url = f"/media/{name}"
        session.add(event)
        session.commit()
    engine.dispose()


def test_event_image_map_calendar_share_and_the_way_back_to_the_search(page: Page, live_app) -> None:
    _give_image(live_app, "jazz-a-lyon")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(DESKTOP)
    page.goto("/events?q=jazz&sort=price")
    card_image = page.get_by_role("img", name="Jazz à Lyon")
    expect(card_image).to_have_attribute("loading", "lazy")
    expect(card_image).to_have_js_property("complete", True)
    assert card_image.evaluate("img => img.naturalWidth") == 320  # the stored file, served by /media
    # An event without an image keeps its card's shape with a placeholder, not a broken picture.
    hudson = page.get_by_role("article").filter(has_text="Hudson Jazz Festival")
    expect(hudson.get_by_role("img")).to_have_count(0)
    expect(hudson.locator(".event-image-none")).to_be_visible()
    _shoot(page, "search-images")

    page.get_by_role("link", name="Jazz à Lyon").click()
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Jazz à Lyon")).to_be_visible()
    map_link = page.get_by_role("link", name=re.compile(r"^Map \(OpenStreetMap\)\s*\(opens in a new tab\)$"))
    expect(map_link).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/search\?query=.+Lyon"))
    calendar = page.get_by_role("link", name="Add to calendar")
    answer = page.request.get(calendar.get_attribute("href") or "")
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Jazz à Lyon" in answer.text()
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.url.split("?")[0]
    _shoot(page, "event-image")

    page.get_by_role("link", name="← All events").click()
    expect(page).to_have_url(re.compile(r"/events\?q=jazz&sort=price$"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("jazz")

    page.goto("/")
    expect(page.get_by_role("img", name="Jazz à Lyon")).to_be_visible()
    page.get_by_role("link", name="Jazz à Lyon").first.click()
    page.get_by_role("link", name="← All events").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _banner_height(page: Page) -> float:
    box = page.get_by_role("banner").bounding_box()
    assert box is not None
    return box["height"]


def test_header_is_one_row_signed_in_on_desktop_and_a_menu_on_a_phone(browser: Browser, live_app) -> None:
    context = browser.new_context(base_url=live_app.url, viewport=DESKTOP)
    page = context.new_page()
    try:
        email = unique_email("header")
        create_user(live_app.database_url, email)
        sign_in(page, email)
        page.goto("/events")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        language = page.get_by_label("Language")
        sign_out = page.get_by_role("button", name="Sign out")
        assert _banner_height(page) < 70, "the signed-in header wraps at 1280 px"
        assert abs(language.bounding_box()["y"] - sign_out.bounding_box()["y"]) < 10  # same row
        _shoot(page, "header-signed-in")

        page.set_viewport_size(PHONE)
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("link", name="My orders")).to_be_hidden()
        assert _banner_height(page) < 70, "the phone header takes more than one row"
        expect(page.get_by_role("link", name=re.compile("^Cart"))).to_be_visible()  # the cart stays in the row
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        for link in ("Events", "Support", "My account", "My orders", "My tickets"):
            expect(page.get_by_role("banner").get_by_role("link", name=link, exact=True)).to_be_visible()
        expect(page.get_by_label("Language")).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/header-menu-open-phone.png")
        page.get_by_role("banner").get_by_role("link", name="My orders").click()
        expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()


def test_on_a_phone_feedback_is_beside_the_button_and_the_chat_button_hides_nothing(browser: Browser, live_app) -> None:
    context = browser.new_context(base_url=live_app.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/events/stand-up-gala")
        row = page.get_by_role("listitem").filter(has=page.get_by_role("button", name="Add to cart: Standard"))
        row.get_by_role("button", name="Add to cart: Standard").click()
        feedback = row.get_by_role("status").filter(has_text="1 ticket added to your cart.")
        expect(feedback).to_be_in_viewport()
        launcher = page.get_by_role("button", name="Chat with us")
        message, bubble = feedback.bounding_box(), launcher.bounding_box()
        assert message is not None and bubble is not None
        assert message["y"] + message["height"] <= bubble["y"], "the chat button covers the confirmation"
        page.screenshot(path=f"{SHOTS}/add-feedback-phone.png")

        size = launcher.bounding_box()
        assert size is not None and size["width"] <= 56, "the chat button is wider than its icon on a phone"
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        footer_text = page.get_by_role("contentinfo").get_by_label("Show approximate prices in")
        bottom = footer_text.bounding_box()
        button = launcher.bounding_box()
        assert bottom is not None and button is not None
        assert bottom["y"] + bottom["height"] <= button["y"], "the chat button covers the footer"
        page.screenshot(path=f"{SHOTS}/footer-chat-phone.png")
    finally:
        context.close()


def test_bank_transfer_details_by_mail_and_copy_buttons_on_the_order_page(page: Page, live_app, mail_sink) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    email = unique_email("transfer")
    _add(page, "stand-up-gala", "1")
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    _check_out(page, "Bank transfer", email=email)
    expect(page.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()
    code = page.get_by_role("heading", level=1).inner_text().removeprefix("Order ").strip()
    iban = page.locator("#bank-iban").inner_text()
    page.get_by_role("button", name="Copy the IBAN").click()
    expect(page.locator("#bank-iban-copied")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == iban
    page.get_by_role("button", name="Copy the reference").click()
    assert page.evaluate("navigator.clipboard.readText()") == code
    expect(page.get_by_text("Your tickets stay reserved until")).to_contain_text("Central European")  # its zone
    _shoot(page, "bank-transfer")

    mail = mail_sink.wait_for(email, f"Bank transfer details for order {code}")
    for detail in (iban, code, "€37.00", "Pay by", "Central European"):
        assert detail in mail.text, detail


def test_the_order_link_from_the_mail_shows_a_guest_the_tickets_qr_and_pdf(
    browser: Browser, live_app, mail_sink
) -> None:
    buyer = browser.new_context(base_url=live_app.url)
    page = buyer.new_page()
    email = unique_email("guest-tickets")
    try:
        _add(page, "stand-up-gala", "2")
        expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
        _check_out(page, DEMO_CARD, email=email)
        page.get_by_role("button", name=re.compile(r"^Pay €")).click()
        expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    finally:
        buyer.close()
    mail = mail_sink.wait_for(email, "Your tickets for order", timeout=60)
    [order_link] = [link for link in mail.links() if "/orders/" in link]

    guest = browser.new_context(base_url=live_app.url)  # the mail opened later, on another device
    page = guest.new_page()
    try:
        page.goto(order_link)
        tickets = page.get_by_role("region", name="Your tickets")
        expect(tickets.get_by_role("listitem")).to_have_count(2, timeout=30_000)
        expect(tickets.get_by_role("img", name=re.compile("^QR code of ticket"))).to_have_count(2)
        pdf = tickets.get_by_role("link", name="Download PDF").first
        assert "sig=" in (pdf.get_attribute("href") or "")
        answer = page.request.get(pdf.get_attribute("href") or "")
        assert answer.ok and answer.headers["content-type"] == "application/pdf"
        _shoot(page, "guest-order-tickets")
    finally:
        guest.close()


def test_payment_returns_and_mail_links_keep_the_loopback_host_the_buyer_is_on(
    browser: Browser, live_app, mail_sink
) -> None:
    twin = live_app.url.replace("localhost", "127.0.0.1")  # BASE_URL says localhost
    context = browser.new_context(base_url=twin)
    page = context.new_page()
    email = unique_email("twin-host")
    try:
        _add(page, "stand-up-gala", "1")
        expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
        _check_out(page, DEMO_CARD, email=email)
        expect(page).to_have_url(re.compile("^" + re.escape(f"{twin}/pay/demo/")))
        page.get_by_role("button", name=re.compile(r"^Pay €")).click()
        expect(page.get_by_text("Paid", exact=True)).to_be_visible()
        assert page.url.startswith(f"{twin}/orders/")

        _add(page, "stand-up-gala", "1")
        _check_out(page, "Bank transfer", email=email)
        expect(page.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()
        assert page.url.startswith(f"{twin}/orders/")
        mail = mail_sink.wait_for(email, "Bank transfer details")
        assert any(link.startswith(f"{twin}/orders/") for link in mail.links())
    finally:
        context.close()


def test_mails_sent_later_for_an_order_link_to_the_host_it_was_bought_on(browser: Browser, live_app, mail_sink) -> None:
    """The job worker sends a mail for the buyer while serving someone else (here an admin on BASE_URL's host):
    the order keeps the origin it was placed on, and its mails link there."""
    twin = live_app.url.replace("localhost", "127.0.0.1")  # BASE_URL says localhost
    context = browser.new_context(base_url=twin)
    page = context.new_page()
    email = unique_email("later-mail")
    try:
        _add(page, "stand-up-gala", "1")
        expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
        _check_out(page, DEMO_CARD, email=email)
        page.get_by_role("button", name=re.compile(r"^Pay €")).click()
        expect(page.get_by_text("Paid", exact=True)).to_be_visible()
        code = page.url.split("/orders/")[1].split("/")[0].split("?")[0]
        mail_sink.wait_for(email, f"Your tickets for order {code}")
    finally:
        context.close()

    admin_email = unique_email("later-mail-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()  # on localhost, BASE_URL's host
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)
    admin.goto(f"/admin/orders/{code}")
    admin.get_by_role("button", name="Resend e-mail").click()
    expect(admin.get_by_text("The e-mail will be sent again.")).to_be_visible()
    again = mail_sink.wait_for(email, f"Your tickets for order {code}", count=2)
    links = [link for link in again.links() if "/orders/" in link or "/tickets/" in link]
    assert links and all(link.startswith(twin + "/") for link in links), links
    admin.context.close()


def test_search_filters_apply_as_they_change_and_categories_speak_the_language(page: Page) -> None:
    page.goto("/events")
    expect(page.get_by_text(re.compile(r"^\d+ events found$"))).to_be_visible()
    page.get_by_label("Category").select_option("concert")  # no button pressed from here on
    expect(page).to_have_url(re.compile(r"/events\?category=concert$"))
    page.get_by_label("Search", exact=True).fill("jazz")
    expect(page).to_have_url(re.compile(r"/events\?q=jazz&category=concert$"))
    expect(page.get_by_role("link", name="Jazz à Lyon")).to_be_visible()
    expect(page.get_by_role("link", name="Hudson Jazz Festival")).to_have_count(0)  # a festival
    page.get_by_label("Lowest price").fill("-5")
    expect(page.get_by_role("alert")).to_contain_text("Prices must be whole numbers")
    page.get_by_label("Lowest price").fill("")
    expect(page.get_by_role("alert")).to_have_count(0)

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_label("Catégorie").locator("option", has_text="Théâtre")).to_have_count(1)
    page.get_by_role("button", name="Effacer les filtres").first.click()
    expect(page).to_have_url(re.compile(r"/events$"))
    page.get_by_label("Rechercher", exact=True).fill("humour")  # French for the Comedy category
    expect(page).to_have_url(re.compile(r"/events\?q=humour$"))
    expect(page.get_by_role("link", name="Stand-up Gala")).to_be_visible()
    expect(page.get_by_role("link", name="Comedy Night Berlin")).to_be_visible()
    _shoot(page, "search-live-fr")
    page.get_by_label("Langue").select_option("en")


def test_a_guest_signs_in_at_checkout_and_keeps_the_cart(page: Page, live_app) -> None:
    email = unique_email("jean-christophe.de-la-fontaine-martin")  # 58 characters
    create_user(live_app.database_url, email)
    _add(page, "stand-up-gala", "1")
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    page.goto("/checkout")
    field = page.get_by_label("E-mail")
    field.fill(email)
    assert field.evaluate("el => el.scrollWidth <= el.clientWidth"), "the e-mail field cuts the address"
    _shoot(page, "checkout-sign-in-offer")

    offer = page.get_by_role("main").get_by_role("link", name="Sign in")
    expect(offer).to_have_attribute("href", "/signin?next=%2Fcheckout")
    page.goto(offer.get_attribute("href") or "")  # a fresh page: the sign-in form is not reset under the typing
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/checkout/?$"), timeout=30_000)
    expect(page.get_by_role("row").filter(has_text="Stand-up Gala")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_have_count(0)
    expect(page.get_by_label("E-mail")).to_have_value(email)
