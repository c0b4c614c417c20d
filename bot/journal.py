"""At-least-once handling: every fetched update is written down before it is confirmed to
Telegram, and forgotten only once it has been handled.

PTB confirms updates to Telegram with the next getUpdates call, long before they are answered;
a process killed in between loses whatever it had fetched. Here the update queue writes each
update to a small SQLite file of its own before PTB may confirm it (polling fetches the next
batch only after the queue took this one; a webhook answers 200 only after the queue took it).
At start, whatever was written but not handled is put in the queue again, oldest first, so
each chat keeps its order. An update id seen before is not handled twice (Telegram sends the
unconfirmed ones again after a restart). An update that was replayed three times without
being handled is given up, logged by id and kind only.

The file is separate from the main database so that a backup or a stuck write there never
holds up receiving. The message itself stays only until it is handled, normally well under a
second; after that only its number is kept, for two days (Telegram keeps updates for one).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiosqlite
from telegram import Bot, Update

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # replays of one update before it is given up
KEEP_IDS_SECONDS = 2 * 24 * 3600
DONE_FLUSH_SECONDS = 0.0  # the next turn of the loop: the writes of one tick in one batch

SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    body TEXT,                -- the update as JSON; NULL once handled
    attempts INTEGER NOT NULL DEFAULT 0,
    received REAL NOT NULL
)
"""


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".updates")


def kind_of(body: dict[str, Any]) -> str:
    return next((k for k in body if k != "update_id"), "empty")


class UpdateJournal:
    """The fetched updates not yet handled. Create with `await UpdateJournal.open(path)`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._done: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        self.failing = False  # the file could not be written: updates go on unjournaled

    @classmethod
    async def open(cls, path: Path) -> UpdateJournal:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, timeout=2.0, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")  # survives a killed process
            await db.execute("PRAGMA secure_delete = ON")  # a handled message is overwritten
            await db.execute(SCHEMA)
        except sqlite3.Error:
            await db.close()
            raise
        path.chmod(0o600)
        return cls(db, path)

    async def admit(self, bodies: list[dict[str, Any]]) -> set[int]:
        """Write a batch of updates down in one transaction; the ids that are new (the others
        were seen before: do not handle them again). When the file cannot be written every
        update counts as new and is handled anyway (at most once, as without a journal); the
        failure is logged once."""
        ids = [int(b["update_id"]) for b in bodies if isinstance(b.get("update_id"), int)]
        if not ids:
            return set()
        try:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                marks = ",".join("?" * len(ids))
                seen = {row[0] for row in await (await self._db.execute(
                    f"SELECT update_id FROM updates WHERE update_id IN ({marks})",
                    ids)).fetchall()}
                now = time.time()
                await self._db.executemany(
                    "INSERT OR IGNORE INTO updates (update_id, body, received) VALUES (?, ?, ?)",
                    [(b["update_id"], json.dumps(b, separators=(",", ":"), ensure_ascii=False),
                      now) for b in bodies if b.get("update_id") not in seen])
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if not self.failing:
                log.error("update journal %s not writable, updates are handled without it: "
                          "%s", self.path.name, exc)
            self.failing = True
            return set(ids)
        if self.failing:
            log.warning("update journal %s writable again", self.path.name)
            self.failing = False
        return set(ids) - seen

    def done(self, update_id: int) -> None:
        """The update was handled: its message is deleted shortly (in one write per batch)."""
        self._done.append(update_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(DONE_FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        done, self._done = self._done, []
        if not done:
            return
        try:
            await self._db.executemany("UPDATE updates SET body = NULL WHERE update_id = ?",
                                       [(i,) for i in done])
        except sqlite3.Error as exc:
            self._done[:0] = done  # tried again with the next batch
            log.warning("update journal: could not mark %d updates handled: %s", len(done), exc)

    async def unfinished(self, bot: Bot) -> list[Update]:
        """What was written down but not handled, oldest first, counting this attempt; an
        update tried MAX_ATTEMPTS times is given up."""
        rows = await (await self._db.execute(
            "SELECT update_id, body, attempts FROM updates WHERE body IS NOT NULL "
            "ORDER BY update_id")).fetchall()
        updates: list[Update] = []
        for update_id, body, attempts in rows:
            data = json.loads(body)
            if attempts + 1 >= MAX_ATTEMPTS:
                log.error("gave up on update %s (%s) after %d attempts", update_id,
                          kind_of(data), attempts + 1)
                await self._db.execute("UPDATE updates SET body = NULL WHERE update_id = ?",
                                       (update_id,))
                continue
            await self._db.execute("UPDATE updates SET attempts = attempts + 1 "
                                   "WHERE update_id = ?", (update_id,))
            try:
                updates.append(Update.de_json(data, bot))
            except Exception:
                log.error("skipped journaled update %s (%s): the library cannot read it",
                          update_id, kind_of(data))
                self.done(update_id)
        return updates

    async def purge(self, keep_seconds: float = KEEP_IDS_SECONDS) -> int:
        """Forget the ids of handled updates older than Telegram's memory of them."""
        cursor = await self._db.execute(
            "DELETE FROM updates WHERE body IS NULL AND received < ?",
            (time.time() - keep_seconds,))
        return cursor.rowcount

    async def close(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
        await self.flush()
        await self._db.close()


class JournaledQueue(asyncio.Queue[object]):
    """PTB's update queue, with the journal.

    Polling: `bot.retry.QuarantineRequest` writes each fetched batch down (`admit_fetched`)
    before PTB sees it, so PTB's cancellable loop of `put`s stays as quick as a plain queue's.
    A webhook puts single updates here and answers Telegram only after `put` returned, so
    `put` writes those down itself. Before a journal is attached (tests, the console) it is a
    plain queue.
    """

    def __init__(self) -> None:
        super().__init__()
        self.journal: UpdateJournal | None = None
        self._admitted: set[int] = set()  # written down by the fetch, not yet queued

    async def admit_fetched(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A getUpdates batch, written down; an update seen before becomes an empty one with
        the same id, so that PTB still confirms it but nothing handles it again."""
        if self.journal is None:
            return bodies
        new = await self.journal.admit(bodies)
        self._admitted |= new
        return [b if b.get("update_id") in new else {"update_id": b.get("update_id", 0)}
                for b in bodies]

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.journal is not None:
            if item.update_id in self._admitted:
                self._admitted.discard(item.update_id)
            elif (body := item.to_dict()).keys() != {"update_id"} and \
                    not await self.journal.admit([body]):
                log.info("update %d seen before, not handled again", item.update_id)
                return
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Put what the journal holds unhandled back in the queue (at start, before polling)."""
        if self.journal is None:
            return 0
        updates = await self.journal.unfinished(bot)
        for update in updates:
            await super().put(update)
        if updates:
            log.info("replaying %d updates fetched before a stop but not handled", len(updates))
        return len(updates)

    def handled(self, update: object) -> None:
        if isinstance(update, Update) and self.journal is not None:
            self.journal.done(update.update_id)
