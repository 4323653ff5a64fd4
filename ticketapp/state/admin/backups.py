"""/admin/backups: the archives in the backup folder (size, age) and the last verified backup."""

from __future__ import annotations

import asyncio

import reflex as rx

from ticketapp.db import run_db
from ticketapp.i18n import msgid, translate
from ticketapp.services.ops.backup import age_text, backup_rows, last_backup_age_s, list_backups
from ticketapp.settings import get_settings
from ticketapp.state.base import StaffPageState
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

LAST_BACKUP = msgid("Last verified backup: {age} ago.")


class AdminBackupsState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []
    last_age: str = ""
    stale: bool = False

    async def _allowed(self) -> bool:
        return await self._staff() is not None

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        backups = await asyncio.to_thread(list_backups)  # reads the folder
        self.rows = backup_rows(backups, lang)
        age = await run_db(last_backup_age_s)
        self.last_age = "" if age is None else translate(lang, LAST_BACKUP, age=age_text(age, lang))
        self.stale = age is None or age > get_settings().backup_max_age_h * 3600
        self.loaded = True
