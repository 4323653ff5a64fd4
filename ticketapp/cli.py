"""Command line: `python -m ticketapp setup|worker|backend|build|serve|reconcile|backup|restore|…` (see --help)."""

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


def cmd_check_base_url(args: argparse.Namespace) -> int:
    """Warn (stderr, exit 0) when BASE_URL does not name the address the app is about to be served on."""
    from ticketapp.services.shared.origin import base_url_mismatch
    from ticketapp.settings import get_settings

    warning = base_url_mismatch(get_settings().base_url, args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    return 0


def _listen_mismatch(base_url: str, listen: str) -> str | None:
    from ticketapp.services.shared.origin import base_url_mismatch

    host, _, port = listen.rpartition(":")
    return base_url_mismatch(base_url, host.strip("[]"), int(port)) if port.isdigit() else None


def cmd_setup(args: argparse.Namespace) -> int:
    """Migrate, then load demo data only when the database has no events yet."""
    from ticketapp.models import Event
    from ticketapp.services.currency.rates import load_snapshot_if_empty

    cmd_migrate(args)
    with session_scope() as session:
        if loaded := load_snapshot_if_empty(session):
            print(f"Exchange rates: the bundled snapshot's {loaded} rates loaded (python -m ticketapp rates import …).")
        has_events = session.exec(select(Event.id).limit(1)).first() is not None
    if has_events:
        print("Database already has events; demo data left as it is.")
        return 0
    return cmd_seed(args)


def cmd_rates_import(args: argparse.Namespace) -> int:
    """Replace the rates of the currencies a rate file lists (CSV: currency,per_eur,as_of)."""
    from pathlib import Path

    from ticketapp.services.currency.rates import RatesError, import_rates

    path = Path(args.file)
    try:
        with session_scope() as session:
            count = import_rates(session, path.read_text(encoding="utf-8"), f"file {path.name}")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Cannot read {path}: {error}", file=sys.stderr)
        return 1
    except RatesError as error:
        print(f"{path}: {error} Nothing was changed.", file=sys.stderr)
        return 1
    print(f"Exchange rates: {count} imported from {path}.")
    return 0


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
    if args.listen and (warning := _listen_mismatch(settings.base_url, args.listen)):
        print(warning, file=sys.stderr)
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


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    """BACKUP_PASSPHRASE, else a prompt when asked for (`--with-files`, or an archive with encrypted files)."""
    import getpass
    import os

    passphrase = os.environ.get("BACKUP_PASSPHRASE", "")
    if passphrase or not sys.stdin.isatty():
        return passphrase
    passphrase = getpass.getpass("Backup passphrase: ")
    if confirm and passphrase != getpass.getpass("Repeat the passphrase: "):
        print("The passphrases do not match.", file=sys.stderr)
        return ""
    return passphrase


def cmd_backup(args: argparse.Namespace) -> int:
    """Write one verified archive; with a passphrase it also carries media, attachments and secrets (encrypted)."""
    from pathlib import Path

    from ticketapp.services.ops.archive import ArchiveError
    from ticketapp.services.ops.backup import create_backup, prune_backups, record_good_backup

    passphrase = _passphrase(args, confirm=True) if args.with_files else ""
    if args.with_files and not passphrase:
        print("--with-files needs a passphrase (BACKUP_PASSPHRASE or the prompt).", file=sys.stderr)
        return 1
    from sqlite3 import Error as SqliteError

    from sqlalchemy.exc import SQLAlchemyError

    try:
        result = create_backup(passphrase=passphrase, folder=Path(args.output) if args.output else None)
    except (ArchiveError, OSError, SQLAlchemyError, SqliteError) as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    with session_scope() as session:
        record_good_backup(session, result)
    removed = prune_backups(result.path.parent) if args.prune else []
    print(
        f"Backup written: {result.path} ({result.size / 1024:.0f} KiB, {result.rows} rows, "
        f"{result.files} files, {result.seconds:.1f} s)" + (f"; {len(removed)} old archives removed" if removed else "")
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore an archive into the configured (empty) database; refuses a corrupt or foreign archive."""
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from ticketapp.services.ops.archive import ArchiveError, read_archive
    from ticketapp.services.ops.backup import restore_backup

    path = Path(args.archive)
    try:
        found = read_archive(path)
        passphrase = "" if args.database_only or not found.has_private else _passphrase(args, confirm=False)
        result = restore_backup(path, passphrase=passphrase, database_only=args.database_only, force=args.force)
    except ArchiveError as exc:
        print(f"Restore refused: {exc}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError) as exc:
        print(f"Restore failed (the database transaction was rolled back): {exc}", file=sys.stderr)
        return 1
    print(f"Restored {result.rows} rows and {result.files} files from {path.name} (schema {result.revision}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ticketapp")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("seed", help="load demo data (idempotent)").set_defaults(func=cmd_seed)
    sub.add_parser("setup", help="migrate, and seed an empty database").set_defaults(func=cmd_setup)
    check = sub.add_parser("check-base-url", help="warn when BASE_URL is not the address the app is served on")
    check.add_argument("port", type=int)
    check.add_argument("--host", default="localhost")
    check.set_defaults(func=cmd_check_base_url)
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
    backup = sub.add_parser("backup", help="write a verified backup archive (see docs/operations.md)")
    backup.add_argument("--with-files", action="store_true", help="include media, attachments and secrets, encrypted")
    backup.add_argument("--output", help="folder for the archive (default BACKUP_DIR)")
    backup.add_argument("--prune", action="store_true", help="then apply the retention rule (7 daily, 4 weekly)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup archive into an empty database")
    restore.add_argument("archive")
    restore.add_argument("--force", action="store_true", help="replace the content of a non-empty database")
    restore.add_argument("--database-only", action="store_true", help="leave the archive's files and secrets out")
    restore.set_defaults(func=cmd_restore)
    rates = sub.add_parser("rates", help="exchange rates for approximate prices").add_subparsers(required=True)
    rates_import = rates.add_parser("import", help="import a rate file (CSV: currency,per_eur,as_of)")
    rates_import.add_argument("file")
    rates_import.set_defaults(func=cmd_rates_import)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
