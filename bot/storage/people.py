"""The people in the database: a user's chosen wijk and school, members and editors of a wijk,
the one-time invitation codes that make them, and forgetting a user everywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from bot.storage.database import Storage
from bot.storage.routes import RouteStore


@dataclass(frozen=True, slots=True)
class UserRecord:
    """What the database keeps that is linked to one user id (for /mijngegevens)."""

    wijk_id: str | None
    school: str | None
    memberships: tuple[tuple[str, str], ...]
    routes_added: int
    audit_rows: int
    invites_made: int
    invites_used: int
    marks_set: int
    word_records: int = 0  # filled in from the curators' log
    votes: int = 0  # filled in from the 👍/👎 of the last 90 days

    def is_empty(self) -> bool:
        return not (self.wijk_id or self.school or self.memberships or self.routes_added
                    or self.audit_rows or self.invites_made or self.invites_used
                    or self.marks_set or self.word_records or self.votes)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


class PeopleStore:
    """User choices, roles and invitations, on the connection of Storage."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage._db
        self._read = storage.reader  # the answering path's reads: never behind a stuck write
        self._in_transaction = storage.run_in_transaction

    async def set_wijk(self, user_id: int, wijk_id: str | None) -> None:
        await self._in_transaction([(
            "INSERT INTO user_prefs (user_id, wijk_id) VALUES (?, ?) ON CONFLICT(user_id) "
            "DO UPDATE SET wijk_id = excluded.wijk_id, updated = datetime('now')",
            (user_id, wijk_id))])

    async def wijk_of(self, user_id: int) -> str | None:
        cursor = await self._read.execute("SELECT wijk_id FROM user_prefs WHERE user_id = ?",
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
        """(wijk id, role) of one user; an admin added in chat as ("", "admin")."""
        cursor = await self._db.execute(
            "SELECT wijk_id, role FROM members WHERE user_id = ? ORDER BY wijk_id", (user_id,))
        found = [(str(a), str(b)) for a, b in await cursor.fetchall()]
        return ([("", "admin")] if await self.is_admin(user_id) else []) + found

    async def role_in(self, user_id: int, wijk_id: str) -> str | None:
        cursor = await self._read.execute(
            "SELECT role FROM members WHERE user_id = ? AND wijk_id = ?", (user_id, wijk_id))
        row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def editor_wijken(self, user_id: int) -> list[str]:
        cursor = await self._db.execute(
            "SELECT wijk_id FROM members WHERE user_id = ? AND role = 'editor' ORDER BY wijk_id",
            (user_id,))
        return [str(r[0]) for r in await cursor.fetchall()]

    async def editors_of(self, wijk_id: str) -> list[int]:
        cursor = await self._db.execute(
            "SELECT user_id FROM members WHERE wijk_id = ? AND role = 'editor' ORDER BY user_id",
            (wijk_id,))
        return [int(r[0]) for r in await cursor.fetchall()]

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
            if role == "admin":
                await db.execute("INSERT INTO admins (user_id, added_by) VALUES (?, ?) "
                                 "ON CONFLICT(user_id) DO NOTHING", (user_id, creator))
            else:
                await db.execute(
                    "INSERT INTO members (user_id, wijk_id, role, added_by) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(user_id, wijk_id) DO UPDATE SET role = CASE WHEN role = "
                    "'editor' THEN 'editor' ELSE excluded.role END",
                    (user_id, wijk_id, role, creator))
            await db.execute(
                "INSERT INTO audit (actor, action, after) VALUES (?, 'join', ?)",
                (f"user:{user_id}", json.dumps({"wijk": wijk_id, "role": role})))
        return wijk_id, role

    async def is_admin(self, user_id: int) -> bool:
        """An admin added in chat (the settings' admins are LocalRoutes' business)."""
        cursor = await self._read.execute("SELECT 1 FROM admins WHERE user_id = ?", (user_id,))
        return await cursor.fetchone() is not None

    async def admins(self) -> list[int]:
        cursor = await self._db.execute("SELECT user_id FROM admins ORDER BY user_id")
        return [int(r[0]) for r in await cursor.fetchall()]

    async def revoke_admin(self, user_id: int, actor: str) -> bool:
        if not await self.is_admin(user_id):
            return False
        await self._in_transaction([
            ("DELETE FROM admins WHERE user_id = ?", (user_id,)),
            ("INSERT INTO audit (actor, action, before) VALUES (?, 'revoke', ?)",
             (actor, json.dumps({"user": f"user:{user_id}", "role": "admin"}))),
        ])
        return True

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

    async def forget_user(self, user_id: int) -> None:
        """Delete the user's preferences and roles; their routes stay with the wijk and the
        audit trail keeps the changes, but every mention of the user id (as actor, creator of
        an invitation or a membership, user of a code, inside audit details) becomes a random
        alias that cannot be traced back."""
        actor = f"user:{user_id}"
        alias = f"vergeten:{secrets.token_hex(5)}"
        quoted, quoted_alias = json.dumps(actor), json.dumps(alias)
        await self._in_transaction([
            ("DELETE FROM user_prefs WHERE user_id = ?", (user_id,)),
            ("DELETE FROM members WHERE user_id = ?", (user_id,)),
            ("DELETE FROM admins WHERE user_id = ?", (user_id,)),
            ("UPDATE admins SET added_by = ? WHERE added_by = ?", (alias, actor)),
            ("UPDATE invites SET used_by = 0 WHERE used_by = ?", (user_id,)),  # stays used
            ("UPDATE invites SET created_by = ? WHERE created_by = ?", (alias, actor)),
            ("UPDATE members SET added_by = ? WHERE added_by = ?", (alias, actor)),
            ("UPDATE routes SET added_by = ? WHERE added_by = ?", (alias, actor)),
            ("UPDATE audit SET actor = ? WHERE actor = ?", (alias, actor)),
            ("UPDATE audit SET before = replace(before, ?, ?) WHERE instr(before, ?)",
             (quoted, quoted_alias, quoted)),
            ("UPDATE audit SET after = replace(after, ?, ?) WHERE instr(after, ?)",
             (quoted, quoted_alias, quoted)),
            ("UPDATE plate_marks SET by_actor = ? WHERE by_actor = ?", (alias, actor)),
        ])

    async def user_record(self, user_id: int) -> UserRecord:
        """Everything the database holds that names this user id."""
        actor = f"user:{user_id}"
        quoted = json.dumps(actor)

        async def count(sql: str, *params: object) -> int:
            row = await (await self._db.execute(sql, params)).fetchone()
            return int(row[0]) if row else 0

        return UserRecord(
            wijk_id=await self.wijk_of(user_id),
            school=await self.school_of(user_id),
            memberships=tuple(await self.memberships(user_id)),
            routes_added=await RouteStore(self._storage).routes_added_by(actor),
            audit_rows=await count(
                "SELECT count(*) FROM audit WHERE actor = ? OR instr(coalesce(before, ''), ?) "
                "OR instr(coalesce(after, ''), ?)", actor, quoted, quoted),
            invites_made=await count("SELECT count(*) FROM invites WHERE created_by = ?", actor),
            invites_used=await count("SELECT count(*) FROM invites WHERE used_by = ?", user_id),
            marks_set=await count("SELECT count(*) FROM plate_marks WHERE by_actor = ?", actor),
        )
