"""Local contact routes of the wijken, their audit trail and the praatplaat marks."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.routes import Route, RouteDraft
from bot.storage.database import Storage, StorageError

_ROUTE_COLUMNS = ("wijk_id, entry_id, organisation, phone, email, website, hours, note, "
                  "internal, id, added_by, created, checked")


def _route(row: Sequence[object]) -> Route:
    return Route(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
                 str(row[6]), str(row[7]), bool(row[8]), int(str(row[9])), str(row[10]),
                 str(row[11]), str(row[12]))


class RouteStore:
    """Routes, audit trail and marks, on the connection of Storage."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage._db
        self._read = storage.reader  # for reads outside a write: never behind a stuck write
        self._in_transaction = storage.run_in_transaction

    async def routes_for(self, wijk_id: str, entry_ids: Sequence[str],
                         internal: bool = False) -> list[Route]:
        """Routes of a wijk for these entries, in the order of `entry_ids`."""
        if not entry_ids:
            return []
        marks = ",".join("?" * len(entry_ids))
        cursor = await self._read.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE deleted IS NULL AND wijk_id = ? "
            f"AND entry_id IN ({marks}) AND (internal = 0 OR ?) ORDER BY id",
            (wijk_id, *entry_ids, int(internal)))
        found = [_route(r) for r in await cursor.fetchall()]
        order = {eid: i for i, eid in enumerate(entry_ids)}
        return sorted(found, key=lambda r: (order[r.entry_id], r.id))

    async def all_routes(self, wijk_id: str | None = None) -> list[Route]:
        """Every route, or those of one wijk."""
        cursor = await self._read.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE deleted IS NULL AND "
            "(? IS NULL OR wijk_id = ?) ORDER BY wijk_id, entry_id, id", (wijk_id, wijk_id))
        return [_route(r) for r in await cursor.fetchall()]

    async def get(self, route_id: int, include_deleted: bool = False) -> Route | None:
        cursor = await self._db.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE id = ? AND (deleted IS NULL OR ?)",
            (route_id, int(include_deleted)))
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
