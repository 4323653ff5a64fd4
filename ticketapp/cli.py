"""Command line: `python -m ticketapp migrate|seed|setup|create-admin|worker|backend|build|serve|reconcile|…`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

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

    from ticketapp.services.ops.process import setup_process
    from ticketapp.tasks import huey  # importing the jobs also subscribes them to the services' hooks

    setup_process("jobs")
    # Only one process may schedule the periodic jobs (the production mode's `scheduler`); the others consume.
    consumer = Consumer(huey, workers=args.workers, worker_type="thread", periodic=not args.no_periodic)
    consumer.run()
    return 0


def cmd_backend(args: argparse.Namespace) -> int:
    """One backend (`reflex run --env prod --backend-only`) whose granian respawns a worker that dies.

    The app is imported once in granian's main process and each worker is forked from it, so a
    replacement serves within a second; if the main process itself dies, the supervisor restarts it.
    """
    import granian.server
    from reflex.reflex import cli

    original = granian.server.Server.__init__

    def with_respawn(self: Any, *a: Any, **kw: Any) -> None:
        kw.setdefault("respawn_failed_workers", True)
        kw.setdefault("respawn_interval", 0.2)
        original(self, *a, **kw)

    granian.server.Server.__init__ = with_respawn  # type: ignore[method-assign]
    os.environ["GRANIAN_WORKERS"] = str(args.workers)
    command = ["run", "--env", "prod", "--backend-only", "--backend-host", args.host, "--backend-port", str(args.port)]
    cli.main(command, prog_name="reflex", standalone_mode=False)
    return 0


def cmd_build(_: argparse.Namespace) -> int:
    """Compile the frontend to static files for the production mode (its URLs are BASE_URL's)."""
    from ticketapp import prod

    prod.build_frontend(dict(os.environ))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The production mode: nginx, N backends, job workers and the scheduler under supervisord (ticketapp/prod.py)."""
    from pathlib import Path

    from ticketapp import prod
    from ticketapp.settings import get_settings

    settings = get_settings()
    layout = prod.Layout(
        run_dir=Path(args.run_dir or settings.data_dir / "prod").resolve(),
        static_dir=prod.web_dir() / "build" / "client",
        listen=args.listen or prod.listen_from_base_url(),
        server_name=args.server_name,
        backends=args.backends,
        job_workers=args.job_workers,
        backend_base_port=args.backend_port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
    )
    if args.print_nginx:
        print(prod.nginx_site(layout), end="")
        return 0
    if args.print_deploy_nginx:
        print(prod.nginx_site(prod.deploy_layout()), end="")
        return 0
    if not args.prod:
        print("`serve` runs the production mode: add --prod (`make run` is the development server).", file=sys.stderr)
        return 2
    if args.build:
        cmd_build(args)
    problems = prod.check_ready(layout)
    if problems:
        print("\n".join(["The production mode cannot start:", *problems]), file=sys.stderr)
        return 1
    cmd_migrate(args)
    return prod.serve(layout)


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
    worker.add_argument("--no-periodic", action="store_true", help="consume only; another process schedules")
    worker.set_defaults(func=cmd_worker)
    backend = sub.add_parser("backend", help="one production backend (granian) on a loopback port")
    backend.add_argument("--port", type=int, required=True)
    backend.add_argument("--host", default="127.0.0.1")
    backend.add_argument("--workers", type=int, default=1)
    backend.set_defaults(func=cmd_backend)
    sub.add_parser("build", help="compile the frontend for serve --prod (reflex export)").set_defaults(func=cmd_build)
    serve = sub.add_parser("serve", help="--prod: nginx, backends, job workers and scheduler under supervisord")
    serve.add_argument("--prod", action="store_true", help="run the production mode")
    serve.add_argument("--build", action="store_true", help="compile the frontend first (reflex export)")
    serve.add_argument("--backends", type=int, default=int(os.environ.get("BACKEND_WORKERS", "2")))
    serve.add_argument("--job-workers", type=int, default=int(os.environ.get("JOB_WORKERS", "1")))
    serve.add_argument("--backend-port", type=int, default=8101, help="first backend's loopback port")
    serve.add_argument("--listen", default="", help="nginx's address (default: BASE_URL's host:port)")
    serve.add_argument("--server-name", default="localhost")
    serve.add_argument("--tls-cert", default="", help="certificate (PEM) for HTTPS")
    serve.add_argument("--tls-key", default="", help="its private key")
    serve.add_argument("--run-dir", default="", help="generated configs and logs (default DATA_DIR/prod)")
    serve.add_argument("--print-nginx", action="store_true", help="print the nginx site configuration and exit")
    serve.add_argument("--print-deploy-nginx", action="store_true", help="print deploy/nginx/ticketapp.conf")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("reconcile", help="re-enqueue due work a lost job left undone").set_defaults(func=cmd_reconcile)
    staff_token = sub.add_parser("staff-token", help="create a check-in API token for an admin or agent")
    staff_token.add_argument("email")
    staff_token.add_argument("--label", default="scanner")
    staff_token.set_defaults(func=cmd_staff_token)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
