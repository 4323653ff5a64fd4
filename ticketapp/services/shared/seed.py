"""Demo data for `make run`: venues, ~30 events, ticket types and two demo users.

Idempotent: rows are matched by slug or e-mail and only missing ones are added,
so running the seed again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slugify import slugify
from sqlmodel import Session, select

from ticketapp.models import Event, EventSeries, EventStatus, Role, TicketType, User, Venue, utcnow
from ticketapp.services.accounts.passwords import hash_password
from ticketapp.services.shared.money import Money

DEMO_CUSTOMER = ("customer@example.com", "Demo Customer", "demo-customer-pass")
DEMO_ADMIN = ("admin@example.com", "Demo Admin", "demo-admin-pass")


@dataclass(frozen=True)
class VenueSeed:
    name: str
    address: str
    city: str
    country: str
    timezone: str
    currency: str


VENUES = [
    VenueSeed("Le Zénith", "211 avenue Jean Jaurès", "Paris", "FR", "Europe/Paris", "EUR"),
    VenueSeed("Théâtre du Châtelet", "1 place du Châtelet", "Paris", "FR", "Europe/Paris", "EUR"),
    VenueSeed(
        "Halle Tony Garnier", "20 place Docteurs Charles et Christophe Mérieux", "Lyon", "FR", "Europe/Paris", "EUR"
    ),
    VenueSeed("Tempodrom", "Möckernstraße 10", "Berlin", "DE", "Europe/Berlin", "EUR"),
    VenueSeed("Royal Festival Hall", "Belvedere Road", "London", "GB", "Europe/London", "GBP"),
    VenueSeed("Brixton Academy", "211 Stockwell Road", "London", "GB", "Europe/London", "GBP"),
    VenueSeed("Hudson Hall", "601 West 26th Street", "New York", "US", "America/New_York", "USD"),
    VenueSeed("Fillmore West", "1805 Geary Boulevard", "San Francisco", "US", "America/Los_Angeles", "USD"),
    VenueSeed("Nippon Budokan", "2-3 Kitanomaru-koen", "Tokyo", "JP", "Asia/Tokyo", "JPY"),
]

# (title, category, venue index, days from now, duration hours, description)
EVENTS: list[tuple[str, str, int, int, int, str]] = [
    (
        "Nuit Électro au Zénith",
        "concert",
        0,
        12,
        5,
        "Une nuit entière de musique électronique avec six DJ internationaux.",
    ),
    (
        "Orchestre de Paris : Symphonie fantastique",
        "concert",
        1,
        25,
        2,
        "Berlioz's masterpiece played by the Orchestre de Paris.",
    ),
    ("Le Misanthrope", "theatre", 1, 40, 3, "La comédie de Molière dans une mise en scène contemporaine."),
    ("Jazz à Lyon", "concert", 2, 18, 4, "Three stages, twelve bands, one night of jazz by the Rhône."),
    ("Lyon Tech Summit", "conference", 2, 60, 9, "Two tracks of talks on web platforms, data and AI."),
    ("Stand-up Gala", "comedy", 0, 33, 2, "Les meilleurs humoristes de la scène française réunis pour un soir."),
    ("Berlin Techno Marathon", "festival", 3, 45, 12, "Twelve hours of techno under the Tempodrom's tent roof."),
    ("Beethoven Cycle I", "concert", 3, 75, 2, "The first three symphonies, period instruments."),
    ("Comedy Night Berlin", "comedy", 3, 9, 2, "English-language stand-up in the heart of Kreuzberg."),
    (
        "London Philharmonic: Mahler 5",
        "concert",
        4,
        20,
        2,
        "Mahler's Fifth Symphony with the London Philharmonic Orchestra.",
    ),
    ("Poetry & Strings", "theatre", 4, 52, 2, "Spoken word meets a string quartet on the South Bank."),
    ("Indie Rock All-Nighter", "concert", 5, 15, 6, "Five rising indie bands on one legendary stage."),
    ("Brixton Boxing Night", "sport", 5, 38, 4, "Eight professional bouts, including a title fight."),
    ("Data Engineering Conference", "conference", 6, 28, 8, "Pipelines, warehouses and streaming in production."),
    ("Broadway Unplugged", "theatre", 6, 48, 2, "Broadway's best songs, sung acoustically."),
    ("Hudson Jazz Festival", "festival", 6, 90, 10, "A day of jazz on three floors overlooking the river."),
    ("Fillmore Revival", "concert", 7, 22, 4, "Psychedelic rock classics played by the bands that made them."),
    ("Bay Area Comedy Jam", "comedy", 7, 66, 2, "Ten comedians, ten minutes each."),
    ("Startup Pitch Night", "conference", 7, 11, 3, "Twenty founders, five minutes each, one jury."),
    ("Budokan Rock Festival", "festival", 8, 35, 8, "Japan's biggest rock bands on the legendary Budokan stage."),
    ("Kendo Championship", "sport", 8, 55, 6, "The national kendo championship finals."),
    ("Tokyo City Pop Night", "concert", 8, 14, 3, "A tribute to the sounds of 1980s Tokyo."),
    ("Exposition Impressionniste", "exhibition", 1, 5, 8, "Monet, Renoir et Morisot : une visite guidée en soirée."),
    ("Modern Art After Dark", "exhibition", 4, 30, 4, "Late opening with talks and live music."),
    ("Marathon de Lyon – Village", "sport", 2, 100, 6, "Le village du marathon : retrait des dossards et animations."),
    ("Opéra sous les étoiles", "concert", 0, 120, 3, "Les grands airs d'opéra en plein air."),
    ("Théâtre d'improvisation", "theatre", 0, 7, 2, "Deux équipes, un arbitre, et vos suggestions."),
    ("Winter Beats Festival", "festival", 3, -20, 10, "Last winter's sold-out electronic music festival."),
    ("Autumn Poetry Evening", "theatre", 4, -10, 2, "An evening of readings from new collections."),
    ("Summer Rooftop Session", "concert", 6, -40, 3, "Sunset sets on a Manhattan rooftop."),
]

# (name, price in major units per currency family, capacity, max per order)
TICKET_TIERS: list[tuple[str, int, int, int]] = [
    ("Standard", 35, 400, 10),
    ("VIP", 120, 40, 4),
    ("Early bird", 25, 100, 6),
    ("Student", 18, 80, 2),
]
JPY_FACTOR = 150  # rough yen per euro, so demo prices look realistic


def _price(tier_major: int, currency: str, jitter: int) -> Money:
    if currency == "JPY":
        return Money((tier_major + jitter) * JPY_FACTOR // 100 * 100, "JPY")
    return Money.from_major(tier_major + jitter, currency)


def _ensure_user(session: Session, email: str, name: str, password: str, role: Role) -> bool:
    if session.exec(select(User).where(User.email == email)).first():
        return False
    session.add(
        User(
            email=email,
            display_name=name,
            password_hash=hash_password(password),
            role=role,
            email_verified_at=utcnow(),
        )
    )
    return True


def _ensure_venue(session: Session, seed: VenueSeed) -> Venue:
    venue = session.exec(select(Venue).where(Venue.name == seed.name, Venue.city == seed.city)).first()
    if venue is None:
        venue = Venue(
            name=seed.name, address=seed.address, city=seed.city, country=seed.country, timezone=seed.timezone
        )
        session.add(venue)
        session.flush()
    return venue


def _event_start(now: datetime, days: int, timezone: str, rng: random.Random) -> datetime:
    """An evening start (18:00–20:30 at the venue) `days` from now, in UTC."""
    local_day = (now + timedelta(days=days)).astimezone(ZoneInfo(timezone))
    hour, minute = rng.choice([(18, 0), (19, 0), (19, 30), (20, 0), (20, 30)])
    local = local_day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(UTC)


def seed_demo_data(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Add whatever demo rows are missing; returns how many of each were created."""
    now = now or utcnow()
    rng = random.Random(2026)  # noqa: S311  (reproducible demo data, not security)
    created = {"users": 0, "events": 0, "ticket_types": 0}
    created["users"] += _ensure_user(session, *DEMO_CUSTOMER, Role.CUSTOMER)
    created["users"] += _ensure_user(session, *DEMO_ADMIN, Role.ADMIN)
    venues = [_ensure_venue(session, seed) for seed in VENUES]
    existing = set(session.exec(select(Event.slug)).all())
    for title, category, venue_index, days, hours, description in EVENTS:
        slug = slugify(title)
        tier_count = rng.randint(2, 4)
        jitter = rng.randint(0, 15)
        starts_at = _event_start(now, days, VENUES[venue_index].timezone, rng)
        if slug in existing:
            continue
        seed_venue = VENUES[venue_index]
        event = Event(
            title=title,
            slug=slug,
            description=description,
            category=category,
            venue_id=venues[venue_index].id or 0,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            currency=seed_venue.currency,
            status=EventStatus.PUBLISHED,
        )
        session.add(event)
        session.flush()
        created["events"] += 1
        for position, (name, major, capacity, max_per_order) in enumerate(TICKET_TIERS[:tier_count]):
            session.add(
                TicketType(
                    event_id=event.id or 0,
                    name=name,
                    price_minor=_price(major, seed_venue.currency, jitter).amount_minor,
                    capacity=capacity,
                    max_per_order=max_per_order,
                    position=position,
                )
            )
            created["ticket_types"] += 1
    _seed_series(session, venues, now, created)
    session.commit()
    return created


# One event series (services/catalog/series.py): a theatre run, Tuesdays and Thursdays at 20:00, 12 dates.
SERIES_TITLE = "Le Petit Prince — la pièce"
SERIES_SLUG = "le-petit-prince-la-piece"
SERIES_DESCRIPTION = (
    "Saint-Exupéry's tale on stage, twice a week for six weeks. Pick your evening: every date has its own seats."
)
SERIES_TIERS = [("Stalls", 3200, 80, 6), ("Balcony", 1900, 40, 6)]


def _seed_series(session: Session, venues: list[Venue], now: datetime, created: dict[str, int]) -> None:
    if session.exec(select(EventSeries.id).where(EventSeries.slug == SERIES_SLUG)).first() is not None:
        return
    venue = venues[1]  # Théâtre du Châtelet
    zone = ZoneInfo(venue.timezone)
    series = EventSeries(title=SERIES_TITLE, slug=SERIES_SLUG, description=SERIES_DESCRIPTION)
    session.add(series)
    session.flush()
    day = (now + timedelta(days=5)).astimezone(zone).date()
    dates = 0
    while dates < 12:
        if day.weekday() in (1, 3):  # Tuesday, Thursday
            starts_at = datetime(day.year, day.month, day.day, 20, 0, tzinfo=zone).astimezone(UTC)
            event = Event(
                title=SERIES_TITLE,
                slug=f"{SERIES_SLUG}-{day.isoformat()}",
                description=SERIES_DESCRIPTION,
                category="theatre",
                venue_id=venue.id or 0,
                series_id=series.id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=100),
                currency="EUR",
                status=EventStatus.PUBLISHED,
            )
            session.add(event)
            session.flush()
            created["events"] += 1
            for position, (name, price, capacity, max_per_order) in enumerate(SERIES_TIERS):
                session.add(
                    TicketType(
                        event_id=event.id or 0,
                        name=name,
                        price_minor=price,
                        capacity=capacity,
                        max_per_order=max_per_order,
                        position=position,
                    )
                )
                created["ticket_types"] += 1
            dates += 1
        day += timedelta(days=1)
