"""Command line: `python -m ticketapp migrate|seed|setup|create-admin|worker|reconcile|staff-token`."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import select

from ticketapp.db import session_scope, upgrade_database


def cmd_migrate(_: argparse.Namespace) -> int:
    upgrade_database()
    print("Database migrated to the latest schema.")
    return 0


def cmd_seed(_: argparse.Namespace) -> int:
    from ticketapp.services.shared.seed import seed_demo_data

    with session_scope() as session:
        created = seed_demo_data(session)
    print("Demo data: " + ", ".join(f"{n} {what} added" for what, n in created.items()))
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    """Migrate, then load demo data only when the database has no events yet."""
    from ticketapp.models import Event

    cmd_migrate(args)
    with session_scope() as session:
        has_events = session.exec(select(Event.id).limit(1)).first() is not None
    if has_events:
        print("Database already has events; demo data left as it is.")
        return 0
    return cmd_seed(args)


def cmd_worker(args: argparse.Namespace) -> int:
    from huey.consumer import Consumer

    from ticketapp.tasks import huey  # importing the jobs also subscribes them to the services' hooks

    consumer = Consumer(huey, workers=args.workers, worker_type="thread", periodic=True)
    consumer.run()
    return 0


def cmd_reconcile(_: argparse.Namespace) -> int:
    """One pass of the periodic reconciler now (e.g. after an incident, without waiting a minute)."""
    from ticketapp.tasks import reconcile_due

    reconcile_due.call_local()
    return 0


def cmd_staff_token(args: argparse.Namespace) -> int:
    """Create a check-in API token for an admin or agent; it is printed once and stored hashed."""
    from ticketapp.models import User
    from ticketapp.services.tickets.staff_tokens import NotStaffError, create_staff_token

    with session_scope() as session:
        user = session.exec(select(User).where(User.email == args.email.strip().lower())).first()
        if user is None or user.id is None:
            print(f"No user with e-mail {args.email}.", file=sys.stderr)
            return 1
        try:
            row, token = create_staff_token(session, user.id, args.label)
        except (NotStaffError, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
    print(f"Check-in token #{row.id} for {user.email} ({args.label}); shown only now:")
    print(token)
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    """Create the first admin; the password comes from TICKETAPP_ADMIN_PASSWORD or a prompt."""
    import getpass
    import os

    from ticketapp.services.accounts.accounts import AccountError, create_admin

    password = os.environ.get("TICKETAPP_ADMIN_PASSWORD", "")
    if not password:
        password = getpass.getpass("Password for the new admin: ")
        if password != getpass.getpass("Repeat the password: "):
            print("The passwords do not match.", file=sys.stderr)
            return 1
    try:
        with session_scope() as session:
            user = create_admin(session, args.email, password, args.name)
    except AccountError as error:
        print(error.message, file=sys.stderr)
        return 1
    print(f"Admin {user.email} is ready. Two-factor set-up is asked at the first sign-in.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ticketapp")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("seed", help="load demo data (idempotent)").set_defaults(func=cmd_seed)
    sub.add_parser("setup", help="migrate, and seed an empty database").set_defaults(func=cmd_setup)
    admin = sub.add_parser("create-admin", help="create an admin (password prompted or TICKETAPP_ADMIN_PASSWORD)")
    admin.add_argument("email")
    admin.add_argument("--name", default="Administrator")
    admin.set_defaults(func=cmd_create_admin)
    worker = sub.add_parser("worker", help="run the background job consumer")
    worker.add_argument("--workers", type=int, default=2)
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("reconcile", help="re-enqueue due work a lost job left undone").set_defaults(func=cmd_reconcile)
    staff_token = sub.add_parser("staff-token", help="create a check-in API token for an admin or agent")
    staff_token.add_argument("email")
    staff_token.add_argument("--label", default="scanner")
    staff_token.set_defaults(func=cmd_staff_token)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
