"""The bot's memory in one SQLite file (aiosqlite): the connection, the schema upgrade at start,
short write transactions, and the answer counts that feed "most asked" and the curators.

One connection owns the file; every write is a short transaction under one lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import secrets
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

import aiosqlite

from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database cannot be used; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class EntryStats:
    entry_id: str
    asked: int
    thumbs_up: int
    thumbs_down: int


Vote = Literal["counted", "changed", "withdrawn"]


async def _count_vote(db: aiosqlite.Connection, entry_id: str, helpful: bool,
                      delta: int) -> None:
    """Add or take back one 👍/👎 in the totals and in the curators' dated events."""
    column = "thumbs_up" if helpful else "thumbs_down"
    kind = "thumbs_up" if helpful else "thumbs_down"
    if delta > 0:
        await db.execute(
            f"INSERT INTO entry_stats (entry_id, {column}) VALUES (?, 1) "
            f"ON CONFLICT(entry_id) DO UPDATE SET {column} = {column} + 1, "
            "updated = datetime('now')", (entry_id,))
        await db.execute("INSERT INTO curator_log (kind, text) VALUES (?, ?)", (kind, entry_id))
    else:
        await db.execute(f"UPDATE entry_stats SET {column} = max({column} - 1, 0), "
                         "updated = datetime('now') WHERE entry_id = ?", (entry_id,))
        await db.execute("DELETE FROM curator_log WHERE id = (SELECT id FROM curator_log WHERE "
                         "kind = ? AND text = ? ORDER BY id DESC LIMIT 1)", (kind, entry_id))


class Storage:
    """Async access to the SQLite file. Create with `await Storage.open(path)`.

    Answer counts are statistics nobody was promised: they are buffered and written in one
    transaction by `flush()` (the bot calls it every few seconds and at shutdown), because a
    thread round trip per answer would cost more than answering. Feedback is written at once.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        # Reads in the answering path use a connection of their own: in WAL mode they see
        # every committed write and never queue behind a write that waits for a lock.
        self.reader = connection
        self.path = path
        self._pending: Counter[str] = Counter()
        self._key: str | None = None
        # One connection serves every handler: a transaction's statements must not interleave
        # with another coroutine's, so each write transaction holds this lock.
        self.write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Storage:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the folder for {path}: {exc.strerror}") from exc
        try:
            db = await aiosqlite.connect(path, timeout=5.0)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from exc
        storage = cls(db, path)
        try:
            await storage._prepare()
        except sqlite3.DatabaseError as exc:
            await db.close()
            raise StorageError(f"{path} is not a usable Wijkwijzer database: {exc}") from exc
        except StorageError:
            await db.close()
            raise
        try:
            storage.reader = await aiosqlite.connect(path, timeout=5.0)
            await storage.reader.execute("PRAGMA query_only = 1")
        except sqlite3.Error as exc:
            await db.close()
            raise StorageError(f"cannot open {path} for reading: {exc}") from exc
        return storage

    async def _prepare(self) -> None:
        await self._db.execute("PRAGMA busy_timeout = 5000")
        mode = await (await self._db.execute("PRAGMA journal_mode = WAL")).fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            log.warning("SQLite WAL mode not available for %s", self.path.name)
        await self._db.execute("PRAGMA synchronous = NORMAL")
        version_row = await (await self._db.execute("PRAGMA user_version")).fetchone()
        version = int(version_row[0]) if version_row else 0
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer Wijkwijzer (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade Wijkwijzer or use another WIJKWIJZER_DB")
        for step in range(version, SCHEMA_VERSION):
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[step]:
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version = {step + 1}")
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise
            log.info("database schema upgraded to version %d", step + 1)

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            if self.reader is not self._db:
                await self.reader.close()
            await self._db.close()

    async def __aenter__(self) -> Storage:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    async def run_in_transaction(self, statements: Sequence[tuple[str, tuple[object, ...]]]
                                 ) -> list[int | None]:
        """Run statements in one short transaction; the last row ids, in order."""
        ids: list[int | None] = []
        async with self.transaction() as db:
            for sql, params in statements:
                cursor = await db.execute(sql, params)
                ids.append(cursor.lastrowid)
        return ids

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One short write transaction: the lock keeps other coroutines' statements out, the
        block's statements are committed together, and any failure rolls them all back (an
        SQLite error as StorageError)."""
        async with self.write_lock:
            try:
                yield self._db
                await self._db.commit()
            except sqlite3.Error as exc:
                await self._db.rollback()
                raise StorageError(f"could not save to {self.path.name}: {exc}") from exc
            except BaseException:
                await self._db.rollback()
                raise

    def count_answer(self, entry_id: str) -> None:
        """Count that an entry was given as an answer (no text, no user); see `flush`."""
        self._pending[entry_id] += 1

    async def flush(self) -> None:
        """Write the buffered answer counts in one short transaction."""
        if not self._pending:
            return
        batch, self._pending = self._pending, Counter()
        try:
            async with self.transaction() as db:
                await db.executemany(
                    "INSERT INTO entry_stats (entry_id, asked) VALUES (?, ?) "
                    "ON CONFLICT(entry_id) DO UPDATE SET asked = asked + excluded.asked, "
                    "updated = datetime('now')", sorted(batch.items()))
        except StorageError:
            self._pending.update(batch)  # try again with the next flush
            raise

    async def record_answer(self, entry_id: str) -> None:
        """Count an answer and write it now (for callers that do not flush)."""
        self.count_answer(entry_id)
        await self.flush()

    async def key(self) -> str:
        """The key behind the word and user hashes. It lives in a file of its own next to the
        database (mode 0600), never in it: a copy of the database alone cannot be used to
        test guesses against the hashes. An older database's key moves out on first use."""
        if self._key is not None:
            return self._key
        key_file = self.path.with_name(self.path.name + ".key")
        cursor = await self._db.execute("SELECT value FROM meta WHERE key = 'salt'")
        row = await cursor.fetchone()
        try:
            key = key_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            key = str(row[0]) if row else secrets.token_hex(16)
            try:
                descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it just now
                key = key_file.read_text(encoding="ascii").strip()
            else:
                with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                    handle.write(key + "\n")
        except OSError as exc:
            raise StorageError(f"cannot read the log key {key_file.name}: {exc.strerror}") \
                from exc
        if row:
            await self._db.execute("DELETE FROM meta WHERE key = 'salt'")
        self._key = key
        return key

    def pseudonym(self, key: str, user_id: int) -> str:
        """A user id as a keyed hash: the same user gives the same value, the id is not in it."""
        return hashlib.sha256(f"{key}:user:{user_id}".encode()).hexdigest()

    async def vote(self, entry_id: str, user_id: int, helpful: bool) -> Vote:
        """A 👍 or 👎 counts once per user and entry: the same press again withdraws it, the
        other one changes it. The voter is kept as a keyed hash for 90 days, never the id."""
        async with self.transaction() as db:
            voter = self.pseudonym(await self.key(), user_id)
            cursor = await db.execute(
                "SELECT helpful FROM votes WHERE entry_id = ? AND voter = ?", (entry_id, voter))
            row = await cursor.fetchone()
            if row is None:
                await db.execute("INSERT INTO votes (entry_id, voter, helpful) VALUES (?, ?, ?)",
                                 (entry_id, voter, int(helpful)))
                await _count_vote(db, entry_id, helpful, +1)
                return "counted"
            if bool(row[0]) == helpful:
                await db.execute("DELETE FROM votes WHERE entry_id = ? AND voter = ?",
                                 (entry_id, voter))
                await _count_vote(db, entry_id, helpful, -1)
                return "withdrawn"
            await db.execute("UPDATE votes SET helpful = ?, at = datetime('now') WHERE "
                             "entry_id = ? AND voter = ?", (int(helpful), entry_id, voter))
            await _count_vote(db, entry_id, not helpful, -1)
            await _count_vote(db, entry_id, helpful, +1)
            return "changed"

    async def votes_of(self, user_id: int) -> int:
        async with self.transaction() as db:
            voter = self.pseudonym(await self.key(), user_id)
            row = await (await db.execute("SELECT count(*) FROM votes WHERE voter = ?",
                                          (voter,))).fetchone()
        return int(row[0]) if row else 0

    async def forget_votes(self, user_id: int) -> None:
        """The user's votes no longer count as theirs (the totals stay)."""
        async with self.transaction() as db:
            voter = self.pseudonym(await self.key(), user_id)
            await db.execute("DELETE FROM votes WHERE voter = ?", (voter,))

    async def record_feedback(self, entry_id: str, helpful: bool) -> None:
        """A 👍 or 👎: counted per entry, and kept as a dated event for the curators' report
        (deleted with the rest of the curators' log after 90 days). No user, no text."""
        column = "thumbs_up" if helpful else "thumbs_down"
        async with self.transaction() as db:
            await db.execute(
                f"INSERT INTO entry_stats (entry_id, {column}) VALUES (?, 1) "
                f"ON CONFLICT(entry_id) DO UPDATE SET {column} = {column} + 1, "
                "updated = datetime('now')", (entry_id,))
            await db.execute("INSERT INTO curator_log (kind, text) VALUES (?, ?)",
                             ("thumbs_up" if helpful else "thumbs_down", entry_id))

    async def last_run(self, job: str) -> dt.datetime | None:
        """When a periodic job last ran (aware UTC), or None."""
        cursor = await self.reader.execute("SELECT last_run FROM job_runs WHERE name = ?",
                                           (job,))
        row = await cursor.fetchone()
        return dt.datetime.fromisoformat(row[0]) if row else None

    async def set_last_run(self, job: str, at: dt.datetime) -> None:
        await self.run_in_transaction([(
            "INSERT INTO job_runs (name, last_run) VALUES (?, ?) ON CONFLICT(name) "
            "DO UPDATE SET last_run = excluded.last_run", (job, at.isoformat()))])

    async def most_asked(self, limit: int = 10) -> list[str]:
        await self.flush()
        cursor = await self._db.execute(
            "SELECT entry_id FROM entry_stats WHERE asked > 0 "
            "ORDER BY asked DESC, entry_id LIMIT ?", (limit,))
        return [row[0] for row in await cursor.fetchall()]

    async def stats(self, entry_id: str) -> EntryStats:
        await self.flush()
        cursor = await self._db.execute(
            "SELECT asked, thumbs_up, thumbs_down FROM entry_stats WHERE entry_id = ?",
            (entry_id,))
        row = await cursor.fetchone()
        return EntryStats(entry_id, *(int(v) for v in row)) if row else EntryStats(
            entry_id, 0, 0, 0)

    async def all_stats(self) -> list[EntryStats]:
        await self.flush()
        cursor = await self._db.execute(
            "SELECT entry_id, asked, thumbs_up, thumbs_down FROM entry_stats ORDER BY entry_id")
        return [EntryStats(str(r[0]), int(r[1]), int(r[2]), int(r[3]))
                for r in await cursor.fetchall()]
