"""The bot's memory in one SQLite file (aiosqlite): counts that feed "most asked" and curators.

Stored: per knowledge entry the number of times it was given as an answer and its 👍/👎 counts.
Not stored: message texts, user ids, chat ids. One connection owns the file; every write is a
short transaction; the schema is versioned and upgraded at start.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import secrets
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.normalize import fold
from bot.privacy import redact
from bot.routes import Route, RouteDraft

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5
RETENTION_DAYS = 90  # the curators' log and the word counts behind it
RELEASE_USERS = 3  # a word not in the vocabulary is kept once this many users typed it

# Each step brings the schema from version i to i + 1. Never edit a released step: add one.
MIGRATIONS: tuple[Sequence[str], ...] = (
    (
        """CREATE TABLE entry_stats (
               entry_id   TEXT PRIMARY KEY,
               asked      INTEGER NOT NULL DEFAULT 0,
               thumbs_up  INTEGER NOT NULL DEFAULT 0,
               thumbs_down INTEGER NOT NULL DEFAULT 0,
               updated    TEXT NOT NULL DEFAULT (datetime('now'))
           )""",
    ),
    (
        # Version 2: the user's wijk, local contact routes (work contact data only) and the
        # audit trail of every change to them.
        """CREATE TABLE user_prefs (
               user_id INTEGER PRIMARY KEY,
               wijk_id TEXT,
               school  TEXT,
               updated TEXT NOT NULL DEFAULT (datetime('now'))
           )""",
        """CREATE TABLE routes (
               id           INTEGER PRIMARY KEY,
               wijk_id      TEXT NOT NULL,
               entry_id     TEXT NOT NULL,
               organisation TEXT NOT NULL,
               phone        TEXT NOT NULL DEFAULT '',
               email        TEXT NOT NULL DEFAULT '',
               website      TEXT NOT NULL DEFAULT '',
               hours        TEXT NOT NULL DEFAULT '',
               note         TEXT NOT NULL DEFAULT '',
               internal     INTEGER NOT NULL DEFAULT 0,
               added_by     TEXT NOT NULL,
               created      TEXT NOT NULL DEFAULT (datetime('now')),
               checked      TEXT NOT NULL DEFAULT (datetime('now')),
               deleted      TEXT
           )""",
        "CREATE INDEX routes_lookup ON routes (wijk_id, entry_id) WHERE deleted IS NULL",
        """CREATE TABLE audit (
               id       INTEGER PRIMARY KEY,
               at       TEXT NOT NULL DEFAULT (datetime('now')),
               actor    TEXT NOT NULL,
               action   TEXT NOT NULL,
               route_id INTEGER,
               before   TEXT,
               after    TEXT
           )""",
    ),
    (
        # Version 3: who may edit a wijk's routes (editor) or see its internal ones (member),
        # and the one-time invitation codes that grant it (only a hash of the code is kept).
        """CREATE TABLE members (
               user_id  INTEGER NOT NULL,
               wijk_id  TEXT NOT NULL,
               role     TEXT NOT NULL CHECK (role IN ('editor', 'member')),
               added_by TEXT NOT NULL,
               added    TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (user_id, wijk_id)
           )""",
        """CREATE TABLE invites (
               code_hash  TEXT PRIMARY KEY,
               wijk_id    TEXT NOT NULL,
               role       TEXT NOT NULL CHECK (role IN ('editor', 'member')),
               created_by TEXT NOT NULL,
               expires    TEXT NOT NULL,
               used_by    INTEGER,
               used       TEXT
           )""",
    ),
    (
        # Version 4: the curators' log (redacted unanswered questions) and, per salted word
        # hash, which salted user hashes typed it (a word is kept once three users did).
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE curator_log (
               id   INTEGER PRIMARY KEY,
               at   TEXT NOT NULL DEFAULT (datetime('now')),
               kind TEXT NOT NULL,
               text TEXT NOT NULL
           )""",
        """CREATE TABLE word_users (
               word_hash TEXT NOT NULL,
               user_hash TEXT NOT NULL,
               seen      TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (word_hash, user_hash)
           )""",
    ),
    (
        # Version 5: editors mark partners of their wijk as there now or wanted (praatplaat).
        """CREATE TABLE plate_marks (
               wijk_id  TEXT NOT NULL,
               entry_id TEXT NOT NULL,
               status   TEXT NOT NULL CHECK (status IN ('now', 'wanted')),
               by_actor TEXT NOT NULL,
               at       TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (wijk_id, entry_id)
           )""",
    ),
)


class StorageError(Exception):
    """The database cannot be used; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class EntryStats:
    entry_id: str
    asked: int
    thumbs_up: int
    thumbs_down: int


class Storage:
    """Async access to the SQLite file. Create with `await Storage.open(path)`.

    Answer counts are statistics nobody was promised: they are buffered and written in one
    transaction by `flush()` (the bot calls it every few seconds and at shutdown), because a
    thread round trip per answer would cost more than answering. Feedback is written at once.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._pending: Counter[str] = Counter()
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
            await self._db.close()

    async def __aenter__(self) -> Storage:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

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


# --- wijk preference and local contact routes (schema 2) -------------------------------------

_ROUTE_COLUMNS = ("wijk_id, entry_id, organisation, phone, email, website, hours, note, "
                  "internal, id, added_by, created, checked")


def _route(row: Sequence[object]) -> Route:
    return Route(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
                 str(row[6]), str(row[7]), bool(row[8]), int(str(row[9])), str(row[10]),
                 str(row[11]), str(row[12]))


class RouteStore:
    """Routes, the user's wijk and the audit trail, on the same connection as Storage."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage._db

    async def _in_transaction(self, statements: Sequence[tuple[str, tuple[object, ...]]]
                              ) -> list[int | None]:
        """Run statements in one short transaction; the last row ids, in order."""
        ids: list[int | None] = []
        async with self._storage.transaction() as db:
            for sql, params in statements:
                cursor = await db.execute(sql, params)
                ids.append(cursor.lastrowid)
        return ids

    async def set_wijk(self, user_id: int, wijk_id: str | None) -> None:
        await self._in_transaction([(
            "INSERT INTO user_prefs (user_id, wijk_id) VALUES (?, ?) ON CONFLICT(user_id) "
            "DO UPDATE SET wijk_id = excluded.wijk_id, updated = datetime('now')",
            (user_id, wijk_id))])

    async def wijk_of(self, user_id: int) -> str | None:
        cursor = await self._db.execute("SELECT wijk_id FROM user_prefs WHERE user_id = ?",
                                        (user_id,))
        row = await cursor.fetchone()
        return str(row[0]) if row and row[0] else None

    async def set_school(self, user_id: int, school: str | None) -> None:
        await self._in_transaction([(
            "UPDATE user_prefs SET school = ?, updated = datetime('now') WHERE user_id = ?",
            (school, user_id))])

    async def school_of(self, user_id: int) -> str | None:
        cursor = await self._db.execute("SELECT school FROM user_prefs WHERE user_id = ?",
                                        (user_id,))
        row = await cursor.fetchone()
        return str(row[0]) if row and row[0] else None

    async def memberships(self, user_id: int) -> list[tuple[str, str]]:
        """(wijk id, role) of one user."""
        cursor = await self._db.execute(
            "SELECT wijk_id, role FROM members WHERE user_id = ? ORDER BY wijk_id", (user_id,))
        return [(str(a), str(b)) for a, b in await cursor.fetchall()]

    async def routes_for(self, wijk_id: str, entry_ids: Sequence[str],
                         internal: bool = False) -> list[Route]:
        """Routes of a wijk for these entries, in the order of `entry_ids`."""
        if not entry_ids:
            return []
        marks = ",".join("?" * len(entry_ids))
        cursor = await self._db.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE deleted IS NULL AND wijk_id = ? "
            f"AND entry_id IN ({marks}) AND (internal = 0 OR ?) ORDER BY id",
            (wijk_id, *entry_ids, int(internal)))
        found = [_route(r) for r in await cursor.fetchall()]
        order = {eid: i for i, eid in enumerate(entry_ids)}
        return sorted(found, key=lambda r: (order[r.entry_id], r.id))

    async def all_routes(self, wijk_id: str | None = None) -> list[Route]:
        """Every route, or those of one wijk."""
        cursor = await self._db.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE deleted IS NULL AND "
            "(? IS NULL OR wijk_id = ?) ORDER BY wijk_id, entry_id, id", (wijk_id, wijk_id))
        return [_route(r) for r in await cursor.fetchall()]

    async def get(self, route_id: int) -> Route | None:
        cursor = await self._db.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE id = ? AND deleted IS NULL",
            (route_id,))
        row = await cursor.fetchone()
        return _route(row) if row else None

    async def add(self, draft: RouteDraft, actor: str) -> int:
        values = (draft.wijk_id, draft.entry_id, draft.organisation, draft.phone, draft.email,
                  draft.website, draft.hours, draft.note, int(draft.internal), actor)
        after = json.dumps(draft.fields(), ensure_ascii=False)
        route_id, _ = await self._in_transaction([
            ("INSERT INTO routes (wijk_id, entry_id, organisation, phone, email, website, "
             "hours, note, internal, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values),
            ("INSERT INTO audit (actor, action, route_id, after) VALUES (?, 'add', "
             "last_insert_rowid(), ?)", (actor, after)),
        ])
        assert route_id is not None
        return route_id

    async def update(self, route_id: int, draft: RouteDraft, actor: str) -> None:
        before = await self.get(route_id)
        if before is None:
            raise StorageError(f"route {route_id} does not exist")
        await self._in_transaction([
            ("UPDATE routes SET wijk_id = ?, entry_id = ?, organisation = ?, phone = ?, "
             "email = ?, website = ?, hours = ?, note = ?, internal = ?, "
             "checked = datetime('now') WHERE id = ?",
             (draft.wijk_id, draft.entry_id, draft.organisation, draft.phone, draft.email,
              draft.website, draft.hours, draft.note, int(draft.internal), route_id)),
            ("INSERT INTO audit (actor, action, route_id, before, after) VALUES "
             "(?, 'change', ?, ?, ?)",
             (actor, route_id, json.dumps(before.draft().fields(), ensure_ascii=False),
              json.dumps(draft.fields(), ensure_ascii=False))),
        ])

    async def remove(self, route_id: int, actor: str) -> None:
        """Soft delete: `restore` undoes it."""
        before = await self.get(route_id)
        if before is None:
            raise StorageError(f"route {route_id} does not exist")
        await self._in_transaction([
            ("UPDATE routes SET deleted = datetime('now') WHERE id = ?", (route_id,)),
            ("INSERT INTO audit (actor, action, route_id, before) VALUES (?, 'remove', ?, ?)",
             (actor, route_id, json.dumps(before.draft().fields(), ensure_ascii=False))),
        ])

    async def restore(self, route_id: int, actor: str) -> None:
        await self._in_transaction([
            ("UPDATE routes SET deleted = NULL WHERE id = ?", (route_id,)),
            ("INSERT INTO audit (actor, action, route_id) VALUES (?, 'restore', ?)",
             (actor, route_id)),
        ])

    async def audit_trail(self, route_id: int | None = None) -> list[tuple[str, str, str]]:
        """(actor, action, when) rows, oldest first."""
        if route_id is None:
            cursor = await self._db.execute("SELECT actor, action, at FROM audit ORDER BY id")
        else:
            cursor = await self._db.execute(
                "SELECT actor, action, at FROM audit WHERE route_id = ? ORDER BY id",
                (route_id,))
        return [(str(a), str(b), str(c)) for a, b, c in await cursor.fetchall()]

    async def routes_added_by(self, actor: str) -> int:
        cursor = await self._db.execute(
            "SELECT count(*) FROM routes WHERE added_by = ? AND deleted IS NULL", (actor,))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def forget_user(self, user_id: int) -> None:
        """Delete the user's preferences; their routes stay with the wijk, pseudonymised, and
        the audit trail keeps the changes but not who made them."""
        actor = f"user:{user_id}"
        alias = f"vergeten:{hashlib.sha256(actor.encode()).hexdigest()[:10]}"
        await self._in_transaction([
            ("DELETE FROM user_prefs WHERE user_id = ?", (user_id,)),
            ("DELETE FROM members WHERE user_id = ?", (user_id,)),
            ("UPDATE invites SET used_by = 0 WHERE used_by = ?", (user_id,)),  # stays used
            ("UPDATE routes SET added_by = ? WHERE added_by = ?", (alias, actor)),
            ("UPDATE audit SET actor = ? WHERE actor = ?", (alias, actor)),
            ("UPDATE plate_marks SET by_actor = ? WHERE by_actor = ?", (alias, actor)),
        ])

    async def stale_routes(self, days: int = 183) -> list[Route]:
        cursor = await self._db.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE deleted IS NULL AND "
            "checked < datetime('now', ?) ORDER BY wijk_id, id", (f"-{int(days)} days",))
        return [_route(r) for r in await cursor.fetchall()]

    async def confirm(self, route_id: int, actor: str) -> None:
        """The route is still right: it counts as checked today."""
        await self._in_transaction([
            ("UPDATE routes SET checked = datetime('now') WHERE id = ? AND deleted IS NULL",
             (route_id,)),
            ("INSERT INTO audit (actor, action, route_id) VALUES (?, 'confirm', ?)",
             (actor, route_id)),
        ])

    async def editors_of(self, wijk_id: str) -> list[int]:
        cursor = await self._db.execute(
            "SELECT user_id FROM members WHERE wijk_id = ? AND role = 'editor' ORDER BY user_id",
            (wijk_id,))
        return [int(r[0]) for r in await cursor.fetchall()]

    async def marks(self, wijk_id: str) -> dict[str, tuple[str, str]]:
        """entry id -> (status, when) of the praatplaat marks of a wijk."""
        cursor = await self._db.execute(
            "SELECT entry_id, status, at FROM plate_marks WHERE wijk_id = ?", (wijk_id,))
        return {str(e): (str(s), str(a)) for e, s, a in await cursor.fetchall()}

    async def set_mark(self, wijk_id: str, entry_id: str, status: str | None,
                       actor: str) -> None:
        """Mark a partner as there now or wanted; None removes the mark. Audited."""
        change: tuple[str, tuple[object, ...]]
        if status is None:
            change = ("DELETE FROM plate_marks WHERE wijk_id = ? AND entry_id = ?",
                      (wijk_id, entry_id))
        else:
            change = ("INSERT INTO plate_marks (wijk_id, entry_id, status, by_actor) VALUES "
                      "(?, ?, ?, ?) ON CONFLICT(wijk_id, entry_id) DO UPDATE SET "
                      "status = excluded.status, by_actor = excluded.by_actor, "
                      "at = datetime('now')", (wijk_id, entry_id, status, actor))
        await self._in_transaction([change, (
            "INSERT INTO audit (actor, action, after) VALUES (?, 'mark', ?)",
            (actor, json.dumps({"wijk": wijk_id, "entry": entry_id, "status": status})))])

    # --- editors, members and invitations (schema 3) -------------------------------------

    async def role_in(self, user_id: int, wijk_id: str) -> str | None:
        cursor = await self._db.execute(
            "SELECT role FROM members WHERE user_id = ? AND wijk_id = ?", (user_id, wijk_id))
        row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def editor_wijken(self, user_id: int) -> list[str]:
        cursor = await self._db.execute(
            "SELECT wijk_id FROM members WHERE user_id = ? AND role = 'editor' ORDER BY wijk_id",
            (user_id,))
        return [str(r[0]) for r in await cursor.fetchall()]

    async def members(self, role: str | None = None) -> list[tuple[int, str, str]]:
        """(user id, wijk id, role) rows."""
        cursor = await self._db.execute(
            "SELECT user_id, wijk_id, role FROM members WHERE ? IS NULL OR role = ? "
            "ORDER BY wijk_id, user_id", (role, role))
        return [(int(a), str(b), str(c)) for a, b, c in await cursor.fetchall()]

    async def invite(self, code: str, wijk_id: str, role: str, actor: str,
                     valid: dt.timedelta) -> None:
        expires = (dt.datetime.now(dt.UTC) + valid).strftime("%Y-%m-%d %H:%M:%S")
        await self._in_transaction([
            ("INSERT INTO invites (code_hash, wijk_id, role, created_by, expires) VALUES "
             "(?, ?, ?, ?, ?)", (_code_hash(code), wijk_id, role, actor, expires)),
            ("INSERT INTO audit (actor, action, after) VALUES (?, 'invite', ?)",
             (actor, json.dumps({"wijk": wijk_id, "role": role}))),
        ])

    async def redeem(self, code: str, user_id: int) -> tuple[str, str] | None:
        """(wijk id, role) for a valid, unused, unexpired code, which is then used up."""
        digest = _code_hash(code)
        async with self._storage.transaction() as db:
            await db.execute("BEGIN IMMEDIATE")
            cursor = await db.execute(
                "SELECT wijk_id, role, created_by FROM invites WHERE code_hash = ? AND "
                "used_by IS NULL AND expires > datetime('now')", (digest,))
            row = await cursor.fetchone()
            if row is None:
                return None
            wijk_id, role, creator = str(row[0]), str(row[1]), str(row[2])
            await db.execute(
                "UPDATE invites SET used_by = ?, used = datetime('now') WHERE code_hash = ?",
                (user_id, digest))
            await db.execute(
                "INSERT INTO members (user_id, wijk_id, role, added_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(user_id, wijk_id) DO UPDATE SET role = CASE WHEN role = 'editor' "
                "THEN 'editor' ELSE excluded.role END", (user_id, wijk_id, role, creator))
            await db.execute(
                "INSERT INTO audit (actor, action, after) VALUES (?, 'join', ?)",
                (f"user:{user_id}", json.dumps({"wijk": wijk_id, "role": role})))
        return wijk_id, role

    async def revoke(self, user_id: int, wijk_id: str, actor: str) -> bool:
        role = await self.role_in(user_id, wijk_id)
        if role is None:
            return False
        await self._in_transaction([
            ("DELETE FROM members WHERE user_id = ? AND wijk_id = ?", (user_id, wijk_id)),
            ("INSERT INTO audit (actor, action, before) VALUES (?, 'revoke', ?)",
             (actor, json.dumps({"user": f"user:{user_id}", "wijk": wijk_id, "role": role}))),
        ])
        return True


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


# --- the curators' log (schema 4) ------------------------------------------------------------


class CuratorLog:
    """Unanswered questions for the knowledge-base curators, redacted, kept 90 days.

    The bot queues a question (already stripped of pattern-shaped personal data) and the flush
    job writes the queue in one transaction, so that answering never waits for the database.
    """

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage._db
        self._queue: list[tuple[str, int, Callable[[str], bool]]] = []

    def enqueue(self, text: str, user_id: int, known: Callable[[str], bool]) -> None:
        self._queue.append((redact(text[:500]), user_id, known))

    async def flush(self) -> int:
        """Write the queued questions; how many were written."""
        batch, self._queue = self._queue, []
        for text, user_id, known in batch:
            await self.log_unanswered(text, user_id, known)
        return len(batch)

    async def _salt(self) -> str:
        cursor = await self._db.execute("SELECT value FROM meta WHERE key = 'salt'")
        row = await cursor.fetchone()
        if row:
            return str(row[0])
        salt = secrets.token_hex(16)
        await self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)",
                               (salt,))
        cursor = await self._db.execute("SELECT value FROM meta WHERE key = 'salt'")
        row = await cursor.fetchone()
        return str(row[0]) if row else salt

    async def log_unanswered(self, text: str, user_id: int,
                             known: Callable[[str], bool]) -> str:
        """Keep a question nobody could answer, for the curators, with personal data removed:
        pattern rules first, then every word the knowledge base does not know is replaced
        until at least three different users have typed it. Returns what was stored."""
        redacted = redact(text[:500])
        async with self._storage.transaction() as db:
            salt = await self._salt()
            user_hash = hashlib.sha256(f"{salt}:user:{user_id}".encode()).hexdigest()
            tokens = redacted.split()
            hashes: dict[int, str] = {}  # token position -> word hash, unknown words only
            for i, token in enumerate(tokens):
                word = fold(token)
                if word and not token.startswith("[") and not known(word) \
                        and not word.isdigit():
                    hashes[i] = hashlib.sha256(f"{salt}:word:{word}".encode()).hexdigest()
            users: dict[str, int] = {}
            if hashes:
                unique = sorted(set(hashes.values()))
                await db.executemany(
                    "INSERT OR IGNORE INTO word_users (word_hash, user_hash) VALUES (?, ?)",
                    [(h, user_hash) for h in unique])
                marks = ",".join("?" * len(unique))
                cursor = await db.execute(
                    "SELECT word_hash, count(*) FROM word_users WHERE word_hash IN "
                    f"({marks}) GROUP BY word_hash", unique)
                users = {str(h): int(n) for h, n in await cursor.fetchall()}
            stored = " ".join(token if i not in hashes or users.get(hashes[i], 0) >= RELEASE_USERS
                              else "[…]" for i, token in enumerate(tokens))
            await db.execute(
                "INSERT INTO curator_log (kind, text) VALUES ('unanswered', ?)", (stored,))
        return stored

    async def purge_old(self, days: int = RETENTION_DAYS) -> int:
        """Delete log rows and word counts older than `days`; the number of log rows deleted."""
        cutoff = f"-{int(days)} days"
        async with self._storage.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM curator_log WHERE at < datetime('now', ?)", (cutoff,))
            deleted = cursor.rowcount
            await db.execute("DELETE FROM word_users WHERE seen < datetime('now', ?)", (cutoff,))
        return max(deleted, 0)

    async def unanswered(self, limit: int = 20) -> list[tuple[str, int]]:
        cursor = await self._db.execute(
            "SELECT text, count(*) AS n FROM curator_log WHERE kind = 'unanswered' "
            "GROUP BY text ORDER BY n DESC, text LIMIT ?", (limit,))
        return [(str(t), int(n)) for t, n in await cursor.fetchall()]

    async def feedback(self, limit: int = 20) -> list[tuple[str, int, int]]:
        """(entry id, 👎, 👍) over the retention period, most 👎 first."""
        cursor = await self._db.execute(
            "SELECT text, sum(kind = 'thumbs_down') AS down, sum(kind = 'thumbs_up') AS up "
            "FROM curator_log WHERE kind IN ('thumbs_up', 'thumbs_down') GROUP BY text "
            "HAVING down > 0 ORDER BY down DESC, text LIMIT ?", (limit,))
        return [(str(e), int(d), int(u)) for e, d, u in await cursor.fetchall()]

    async def forget_words_of(self, user_id: int) -> None:
        async with self._storage.transaction() as db:
            salt = await self._salt()
            user_hash = hashlib.sha256(f"{salt}:user:{user_id}".encode()).hexdigest()
            await db.execute("DELETE FROM word_users WHERE user_hash = ?", (user_hash,))
