"""JobQueue callbacks: write buffered counts, keep the curators' log within its 90 days, and run
the periodic jobs at their fixed Dutch times (bot/schedule.py). A storage problem never stops
the bot."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Awaitable, Callable

from telegram.ext import ContextTypes

from bot.schedule import SLOTS, due
from bot.storage import StorageError
from handlers.deps import deps

log = logging.getLogger(__name__)


async def purge_log(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: the curators' log keeps nothing older than 90 days."""
    curator = deps(context).curator
    if curator is None:
        return
    try:
        deleted = await curator.purge_old()
    except StorageError as exc:
        log.warning("old log rows not deleted yet: %s", exc)
        return
    if deleted:
        log.info("deleted %d curator log rows older than the retention period", deleted)


async def flush_counts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: write buffered counts and the curators' queue; a storage problem
    never stops the bot."""
    d = deps(context)
    try:
        if d.storage is not None:
            await d.storage.flush()
        if d.curator is not None:
            await d.curator.flush()
    except StorageError as exc:
        log.warning("buffered data not saved yet: %s", exc)


async def purge_journal(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The update journal forgets the ids of updates handled more than two days ago."""
    journal = deps(context).journal
    if journal is None:
        return
    try:
        await journal.purge()
    except sqlite3.Error as exc:
        log.warning("update journal not purged: %s", exc)


async def stale_routes(context: ContextTypes.DEFAULT_TYPE) -> None:
    from handlers.route_edit import send_stale_reminders

    await send_stale_reminders(context)


JOBS: dict[str, Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]] = {
    "purge-log": purge_log, "purge-journal": purge_journal, "stale-routes": stale_routes}


async def run_due(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback, every few minutes: each periodic job whose slot came since its last
    run runs once, and its run is stored (a restart neither resends nor skips it)."""
    storage = deps(context).storage
    if storage is None:
        return
    now = dt.datetime.now(dt.UTC)
    for slot in SLOTS:
        try:
            last = await storage.last_run(slot.name)
            if last is None:  # first start with this job: count from now
                await storage.set_last_run(slot.name, now)
            elif due(slot, now, last):
                await JOBS[slot.name](context)
                await storage.set_last_run(slot.name, now)
                log.info("ran %s", slot.name)
        except StorageError as exc:
            log.warning("job %s not run now: %s", slot.name, exc)
