"""Never oversell: many simultaneous writers, each on its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_event, token
from ticketapp.db import begin_write_locked, make_engine
from ticketapp.models import Cart, Hold, utcnow
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking import inventory as inv
from ticketapp.services.booking import seats
from ticketapp.settings import get_settings

ATTEMPTS = 200
CAPACITY = 50


@contextmanager
def _engine_factory(db_url: str) -> Iterator[Callable[[], Engine]]:
    """SQLite: one engine per thread. PostgreSQL: a shared pool with a connection per
    thread in flight (200 separate servers connections would exceed max_connections)."""
    engines: list[Engine] = []
    shared = None
    if not db_url.startswith("sqlite"):
        shared = create_engine(db_url, pool_size=30, max_overflow=0, pool_timeout=120)
        engines.append(shared)
    lock = threading.Lock()

    def factory() -> Engine:
        if shared is not None:
            return shared
        engine = make_engine(db_url)
        with lock:
            engines.append(engine)
        return engine

    try:
        yield factory
    finally:
        for engine in engines:
            engine.dispose()


def _run_all(jobs: list[Callable[[], str]]) -> Counter[str]:
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], str]) -> str:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return Counter(pool.map(run, jobs))


def test_200_simultaneous_holds_on_capacity_50_hold_exactly_50(session: Session, db_url: str) -> None:
    _, tt = make_event(session, capacity=CAPACITY, cap=None)
    type_id = tt.id

    with _engine_factory(db_url) as engine_for_thread:

        def attempt() -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    hold_service.add_to_cart(own, token(), type_id, 1)
                except inv.NotEnoughAvailableError:
                    return "refused"
            return "held"

        outcomes = _run_all([attempt] * ATTEMPTS)

    assert outcomes == Counter(held=CAPACITY, refused=ATTEMPTS - CAPACITY)
    session.expire_all()
    assert inv.availability(session, [type_id])[type_id] == inv.Availability(capacity=CAPACITY, sold=0, held=CAPACITY)


def test_conversion_racing_hold_expiry_never_oversells(session: Session, db_url: str) -> None:
    """A cart holding every seat converts exactly as its hold lapses while others grab seats."""
    hold_duration = get_settings().hold_duration
    results = []
    with _engine_factory(db_url) as engine_for_thread:
        # Before, at and just after the lapse. "Before" leaves 2 s of slack: on a loaded CI
        # machine a conversion of 50 seats can take longer than a few hundred milliseconds.
        for convert_offset in (-2.0, 0.0, 0.05):
            _, tt = make_event(session, capacity=CAPACITY, max_per_order=CAPACITY)
            type_id, slow_cart = tt.id, token()
            # Back-date the hold so it lapses 2.5 s from now.
            expires_at = utcnow() + timedelta(seconds=2.5)
            hold_service.set_hold_quantity(session, slow_cart, type_id, CAPACITY, now=expires_at - hold_duration)

            def wait_for_expiry(offset_s: float, expires_at=expires_at) -> None:
                delay = (expires_at - utcnow()).total_seconds() + offset_s
                if delay > 0:
                    time.sleep(delay)

            def convert(slow_cart=slow_cart, offset=convert_offset) -> str:
                wait_for_expiry(offset)
                with Session(engine_for_thread(), expire_on_commit=False) as own:
                    try:
                        order_service.convert_cart_to_pending_order(
                            own, slow_cart, buyer_name="S", buyer_email="s@example.com"
                        )
                    except inv.HoldExpiredError:
                        return "conversion-refused"
                return "converted"

            def grab(type_id=type_id) -> str:
                wait_for_expiry(random.uniform(-0.02, 0.03))
                with Session(engine_for_thread(), expire_on_commit=False) as own:
                    try:
                        hold_service.add_to_cart(own, token(), type_id, 2)
                    except inv.NotEnoughAvailableError:
                        return "refused"
                return "held"

            outcome = _run_all([convert, *[grab] * 60])
            session.expire_all()
            seats = inv.availability(session, [type_id])[type_id]
            results.append(outcome)
            assert seats.sold + seats.held <= CAPACITY
            if outcome["converted"]:
                assert (seats.sold, seats.held, outcome["held"]) == (CAPACITY, 0, 0)
            else:
                assert seats.sold == 0
                assert seats.held == 2 * outcome["held"]
    assert all(sum(r.values()) == 61 for r in results)
    assert results[0]["converted"] == 1  # converting well before the lapse always wins


def test_double_clicked_place_order_creates_one_order(session: Session, db_url: str) -> None:
    """Several simultaneous "Place order" requests for one cart: one order, the others find it empty."""
    _, tt = make_event(session, capacity=CAPACITY)
    cart = token()
    hold_service.set_hold_quantity(session, cart, tt.id, 4)

    with _engine_factory(db_url) as engine_for_thread:

        def place() -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    order_service.convert_cart_to_pending_order(own, cart, buyer_name="D", buyer_email="d@example.com")
                except inv.EmptyCartError:
                    return "empty"
            return "ordered"

        outcomes = _run_all([place] * 8)

    assert outcomes == Counter(ordered=1, empty=7)
    session.expire_all()
    assert inv.availability(session, [tt.id])[tt.id] == inv.Availability(capacity=CAPACITY, sold=4, held=0)


def test_conversion_that_waited_for_the_lock_sees_the_hold_lapse(session: Session, db_url: str) -> None:
    """Deterministic version of the race: conversion queues behind another writer past its hold's expiry,
    and that writer hands the lapsed seats to someone else. Conversion must then refuse."""
    _, tt = make_event(session, capacity=10, max_per_order=10)
    slow = token()
    expires_at = utcnow() + timedelta(seconds=0.6)
    hold_service.set_hold_quantity(session, slow, tt.id, 10, now=expires_at - get_settings().hold_duration)
    outcome: dict[str, str] = {}

    def convert() -> None:
        engine = make_engine(db_url)
        with Session(engine, expire_on_commit=False) as own:
            try:
                order_service.convert_cart_to_pending_order(own, slow, buyer_name="S", buyer_email="s@example.com")
                outcome["result"] = "converted"
            except inv.HoldExpiredError:
                outcome["result"] = "refused"
        engine.dispose()

    blocker_engine = make_engine(db_url)
    with Session(blocker_engine, expire_on_commit=False) as blocker:
        begin_write_locked(blocker)
        _, types = inv.lock_inventory(blocker, [tt.id])  # row locks (PostgreSQL) / the write lock (SQLite)
        waiting = threading.Thread(target=convert)
        waiting.start()
        time.sleep(max((expires_at - utcnow()).total_seconds(), 0) + 0.1)  # the slow hold lapses meanwhile
        other = Cart(token=token())
        blocker.add(other)
        blocker.flush()
        # The lapsed seats go to another cart through the counters' one writer, as a hold would.
        assert seats.release_lapsed(blocker, types, utcnow()) == 10
        held = Hold(cart_id=other.id, ticket_type_id=tt.id, quantity=10, expires_at=utcnow())
        seats.hold(blocker, held, types[tt.id], 10, utcnow() + timedelta(minutes=5))
        blocker.commit()
        waiting.join(timeout=60)
    blocker_engine.dispose()
    assert outcome == {"result": "refused"}
    session.expire_all()
    assert inv.availability(session, [tt.id])[tt.id] == inv.Availability(capacity=10, sold=0, held=10)
