"""Replies that could not be sent during an outage, kept on disk and sent when Telegram is back.

`handlers.sending.send` retries a failed message for a few seconds. When Telegram stays away
longer (a 5xx storm, a closed port, the network down), the reply is written here instead of
being lost, and a drain task sends it once Telegram answers again: oldest first, in order per
chat. While a chat has replies waiting, or while the outage lasts, new replies join the queue
straight away, so that nothing overtakes and no handler waits minutes for a dead network.

Only a failure that proves the message did not arrive (Telegram answered 5xx, or no
connection could be made) sends it later; a reply that may have arrived (the connection broke
after it was sent) is not repeated, because a duplicate would be worse.

The messages live in the same small file as the update journal (`<db>.updates`) and only
until they are sent; a reply older than a day is dropped (and counted in the log).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
import httpx
from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 24 * 3600
RETRY_FIRST, RETRY_MAX = 1.0, 5.0  # seconds between tries while Telegram is away

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    markup TEXT,              -- the inline keyboard as JSON
    reply_to INTEGER,
    thread_id INTEGER,
    queued REAL NOT NULL
)
"""


def surely_not_delivered(exc: NetworkError) -> bool:
    """Telegram answered with an error (no cause: a 5xx), or no connection was made."""
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)
    return cause is None or isinstance(cause, httpx.ConnectError)


@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    reply_to: int | None
    thread_id: int | None


class Outbox:
    """Create with `await Outbox.open(path)`; `start(bot)` begins draining."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._chats: set[int] = set()  # chats with replies waiting
        self.outage = False  # the last send failed for good: new replies queue at once
        self._wake = asyncio.Event()
        self._drainer: asyncio.Task[None] | None = None
        self.sent_later = 0

    @classmethod
    async def open(cls, path: Path) -> Outbox:
        db = await aiosqlite.connect(path, timeout=2.0, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA secure_delete = ON")
            await db.execute(SCHEMA)
            rows = await (await db.execute("SELECT DISTINCT chat_id FROM outbox")).fetchall()
        except sqlite3.Error:
            await db.close()
            raise
        outbox = cls(db)
        outbox._chats = {int(r[0]) for r in rows}
        return outbox

    def holds(self, chat_id: int) -> bool:
        """A new reply to this chat must queue: Telegram is away or earlier ones wait."""
        return self.outage or chat_id in self._chats

    async def keep(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                   reply_to: int | None = None, thread_id: int | None = None) -> None:
        await self._db.execute(
            "INSERT INTO outbox (chat_id, text, markup, reply_to, thread_id, queued) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, text, markup.to_json() if markup is not None else None, reply_to,
             thread_id, time.time()))
        if not self._chats:
            log.warning("Telegram unreachable: replies are kept and sent when it is back")
        self._chats.add(chat_id)
        self.outage = True
        self._wake.set()

    async def waiting(self) -> int:
        row = await (await self._db.execute("SELECT COUNT(*) FROM outbox")).fetchone()
        return int(row[0]) if row else 0

    async def _oldest(self) -> Pending | None:
        row = await (await self._db.execute(
            "SELECT id, chat_id, text, markup, reply_to, thread_id, queued FROM outbox "
            "ORDER BY id LIMIT 1")).fetchone()
        if row is None:
            return None
        if time.time() - row[6] > MAX_AGE_SECONDS:
            await self._remove(int(row[0]), int(row[1]))
            log.warning("a reply waited more than a day for Telegram and was dropped")
            return await self._oldest()
        markup = InlineKeyboardMarkup.de_json(json.loads(row[3]), None) if row[3] else None
        return Pending(int(row[0]), int(row[1]), str(row[2]), markup, row[4], row[5])

    async def _remove(self, row_id: int, chat_id: int) -> None:
        await self._db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
        left = await (await self._db.execute(
            "SELECT 1 FROM outbox WHERE chat_id = ? LIMIT 1", (chat_id,))).fetchone()
        if left is None:
            self._chats.discard(chat_id)

    def start(self, bot: Bot) -> None:
        self._drainer = asyncio.create_task(self._drain(bot), name="outbox-drain")
        if self._chats:
            self._wake.set()

    async def _drain(self, bot: Bot) -> None:
        delay = RETRY_FIRST
        while True:
            await self._wake.wait()
            try:
                pending = await self._oldest()
            except sqlite3.Error as exc:
                log.warning("outbox not readable: %s", exc)
                pending = None
            if pending is None:
                self._wake.clear()
                self.outage = False
                continue
            try:
                await bot.send_message(
                    pending.chat_id, pending.text, reply_markup=pending.markup,
                    reply_parameters=ReplyParameters(pending.reply_to,
                                                     allow_sending_without_reply=True)
                    if pending.reply_to else None,
                    message_thread_id=pending.thread_id)
            except RetryAfter as exc:
                wait = exc.retry_after
                await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds")
                                    else float(wait))
                continue
            except (BadRequest, Forbidden) as exc:  # the chat is gone or blocked the bot
                log.warning("a kept reply could not be delivered: %s", exc.__class__.__name__)
            except NetworkError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            else:
                self.sent_later += 1
            delay = RETRY_FIRST
            self.outage = False  # Telegram answers again; the queue empties in order
            try:
                await self._remove(pending.id, pending.chat_id)
            except sqlite3.Error as exc:
                log.warning("outbox not writable: %s", exc)
                await asyncio.sleep(RETRY_FIRST)

    async def close(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer
        await self._db.close()
