"""/admin/backups (admins): the backup archives with their size and age, and the last verified backup."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.admin import shell
from ticketapp.i18n import msgid
from ticketapp.state.admin.backups import AdminBackupsState
from ticketapp.state.locale import t


def _last_backup() -> rx.Component:
    return rx.box(
        rx.cond(
            AdminBackupsState.stale,
            rx.callout(
                rx.cond(
                    AdminBackupsState.last_age != "",
                    t("The last verified backup is older than 26 hours: check the job worker and docs/operations.md."),
                    t("No verified backup yet: run python -m ticketapp backup, or check the job worker."),
                ),
                color_scheme="tomato",
                role="alert",
            ),
            rx.text(AdminBackupsState.last_age),
        ),
        width="100%",
    )


@shell.admin_route("/admin/backups", "Backups", AdminBackupsState)
def backups_page() -> rx.Component:
    return shell.admin_page(
        AdminBackupsState,
        rx.heading(t("Backups"), as_="h1", size="7"),
        rx.text(
            t("A backup runs every day at 03:15 UTC; the newest of each of the last 7 days and 4 weeks is kept."),
            color_scheme="gray",
        ),
        _last_backup(),
        shell.admin_table(
            [msgid("Archive"), msgid("Created"), msgid("Size"), msgid("Age")],
            AdminBackupsState.rows,
            shell.cells("name", "created", "size", "age"),
            empty=msgid("No backup archive in the backup folder."),
            label=t("Backups"),
        ),
    )
