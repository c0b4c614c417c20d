"""JobQueue callbacks: write buffered counts, and keep the curators' log within its 90 days.
A storage problem never stops the bot."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

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
