"""The wijk rules in one place: which local routes a user sees in a chat, who may change what,
invitations, marks, forget-me and the export of a user's data.

Handlers and the CLI ask here and only translate the outcome; nothing else filters routes or
checks roles. The rules themselves are small pure functions, so that the authorisation matrix in
the tests reads them directly.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Literal

from bot import texts
from bot.areas import Areas, Wijk
from bot.knowledge import KnowledgeBase
from bot.routes import ImportPlan, Route, RouteDraft, RouteError, check_route
from bot.storage import PeopleStore, RouteStore, Storage, UserRecord

Role = Literal["admin", "editor", "member"]
INVITE_VALID = dt.timedelta(days=7)
NEXT_MARK: dict[str | None, str | None] = {None: "now", "now": "wanted", "wanted": None}
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks, and where the answer will be read."""

    user_id: int
    private: bool  # a private chat with the bot; a group or a shared inline card is not


# The command line, run by whoever holds the database file: an admin in a private place.
# Telegram user ids start at 1, so no chat user can be it.
OPERATOR = Viewer(0, True)
# Anyone at all, e.g. a printed kaart: public routes only.
PUBLIC = Viewer(-1, False)


class NotAllowedError(Exception):
    """The user may not do this here; the message (Dutch) says why."""


def sees_internal(viewer: Viewer, role: Role | None) -> bool:
    """Internal routes are for the wijk's members, and only where no one else reads along."""
    return viewer.private and role is not None


def may_edit(role: Role | None) -> bool:
    return role in ("admin", "editor")


def may_invite(role: Role | None, invited: str) -> bool:
    """Admins invite admins, editors and members; an editor invites members of their own
    wijk."""
    return role == "admin" or (role == "editor" and invited == "member")


ADMIN_SCOPE = "beheer"  # the "wijk" of an admin's row in the members list: all of them
ALL_WIJKEN = Wijk("", "alle wijken", ())


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@dataclass(frozen=True, slots=True)
class WijkView:
    """What the praatplaat and the sociale kaart may show this viewer about one wijk."""

    wijk: Wijk | None
    routes: tuple[Route, ...]
    marks: dict[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Invitation:
    code: str
    wijk: Wijk
    role: str
    expires: dt.datetime


@dataclass(frozen=True, slots=True)
class Undo:
    """What the undo button of one saved change puts back."""

    route_id: int
    action: str  # add | change | remove
    before: RouteDraft | None
    after: RouteDraft | None = None  # what a change wrote: undo reverts only those fields


class LocalRoutes:
    """The one owner of the wijk rules; see the module docstring."""

    def __init__(self, storage: Storage, areas: Areas, kb: KnowledgeBase,
                 admins: frozenset[int] = frozenset()) -> None:
        self.routes = RouteStore(storage)
        self.people = PeopleStore(storage)
        self.areas = areas
        self.kb = kb
        self.admins = admins

    # --- who is who ---------------------------------------------------------------------

    async def is_admin(self, user_id: int) -> bool:
        """From the settings (the first admins), or added in chat by an admin."""
        return user_id in self.admins or user_id == OPERATOR.user_id or \
            (user_id > 0 and await self.people.is_admin(user_id))

    async def role(self, user_id: int, wijk_id: str) -> Role | None:
        if await self.is_admin(user_id):
            return "admin"
        if user_id < 0:
            return None
        found = await self.people.role_in(user_id, wijk_id)
        return "editor" if found == "editor" else "member" if found == "member" else None

    async def wijk_of(self, user_id: int) -> Wijk | None:
        wijk_id = await self.people.wijk_of(user_id)
        return self.areas.get(wijk_id) if wijk_id else None

    async def menu_role(self, user_id: int) -> Role | None:
        """The role whose commands this user's menu shows: admin anywhere, editor of any
        wijk, or none (the common menu)."""
        if await self.is_admin(user_id):
            return "admin"
        return "editor" if await self.people.editor_wijken(user_id) else None

    async def editable_wijken(self, user_id: int) -> list[str]:
        if await self.is_admin(user_id):
            return [w.id for w in self.areas.wijken]
        return [w for w in await self.people.editor_wijken(user_id) if self.areas.get(w)]

    async def require_edit(self, viewer: Viewer, wijk_id: str) -> None:
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        if not may_edit(await self.role(viewer.user_id, wijk_id)):
            raise NotAllowedError(texts.NOT_ALLOWED)

    # --- what a user sees ---------------------------------------------------------------

    async def routes_for(self, viewer: Viewer, wijk_id: str,
                         entry_ids: list[str]) -> list[Route]:
        """The routes of one wijk for these entries that this viewer may read here."""
        internal = sees_internal(viewer, await self.role(viewer.user_id, wijk_id))
        return await self.routes.routes_for(wijk_id, list(dict.fromkeys(entry_ids)), internal)

    async def answer_routes(self, viewer: Viewer,
                            entry_ids: list[str]) -> tuple[Wijk, list[Route]] | None:
        """The viewer's own wijk and its routes for an answer, or None without a wijk."""
        wijk = await self.wijk_of(viewer.user_id)
        if wijk is None:
            return None
        return wijk, await self.routes_for(viewer, wijk.id, entry_ids)

    async def wijk_view(self, viewer: Viewer, wijk_id: str | None) -> WijkView:
        """The wijk asked for (or the viewer's own) with the routes and marks they may see."""
        wijk = self.areas.get(wijk_id) if wijk_id else await self.wijk_of(viewer.user_id)
        if wijk is None:
            return WijkView(None, (), {})
        internal = sees_internal(viewer, await self.role(viewer.user_id, wijk.id))
        routes = [r for r in await self.routes.all_routes(wijk.id) if internal or not r.internal]
        return WijkView(wijk, tuple(routes), await self.routes.marks(wijk.id))

    # --- the user's own choices -----------------------------------------------------------

    async def choose_wijk(self, user_id: int, wijk_id: str) -> Wijk | None:
        """Remember the wijk ("" forgets it); raises NotAllowedError for an unknown wijk."""
        wijk = self.areas.get(wijk_id) if wijk_id else None
        if wijk_id and wijk is None:
            raise NotAllowedError(texts.STALE_BUTTON)
        await self.people.set_wijk(user_id, wijk.id if wijk else None)
        return wijk

    async def choose_school(self, user_id: int, wijk_id: str, index: int) -> str | None:
        wijk = self.areas.get(wijk_id)
        if wijk is None or await self.people.wijk_of(user_id) != wijk.id or \
                index >= len(wijk.schools):
            raise NotAllowedError(texts.STALE_BUTTON)
        school = wijk.schools[index] if index >= 0 else None
        await self.people.set_school(user_id, school)
        return school

    # --- editing ------------------------------------------------------------------------

    async def add(self, viewer: Viewer, draft: RouteDraft) -> Undo:
        await self.require_edit(viewer, draft.wijk_id)
        route_id = await self.routes.add(draft, _actor(viewer.user_id))
        return Undo(route_id, "add", None)

    async def change(self, viewer: Viewer, route_id: int, draft: RouteDraft,
                     expected: RouteDraft | None = None) -> Undo:
        """Save an edit; with `expected` (the route as the editor's form showed it), only the
        fields this editor changed are written, so that a colleague's save in between stays."""
        before = await self._editable_route(viewer, route_id)
        await self.require_edit(viewer, draft.wijk_id)
        merged = _merge(before.draft(), expected, draft) if expected is not None else draft
        await self.routes.update(route_id, merged, _actor(viewer.user_id))
        return Undo(route_id, "change", before.draft(), merged)

    async def remove(self, viewer: Viewer, route_id: int) -> Undo:
        before = await self._editable_route(viewer, route_id)
        await self.routes.remove(route_id, _actor(viewer.user_id))
        return Undo(route_id, "remove", before.draft())

    async def undo(self, viewer: Viewer, last: Undo) -> None:
        """Put back one saved change; the rights are checked again now, not when it was saved."""
        actor = _actor(viewer.user_id)
        if last.action == "remove":
            route = await self.routes.get(last.route_id, include_deleted=True)
            if route is None:
                raise NotAllowedError(texts.STALE_BUTTON)
            await self.require_edit(viewer, route.wijk_id)
            await self.routes.restore(last.route_id, actor)
            return
        current = await self._editable_route(viewer, last.route_id)
        if last.action == "add":
            await self.routes.remove(last.route_id, actor)
        elif last.before is not None:
            # Revert only what this change wrote; a colleague's later edit of another field
            # stays, and one of the same field wins (the undo is refused with the reason).
            after = last.after or current.draft()
            reverted = _merge(current.draft(), after, last.before)
            await self.routes.update(last.route_id, reverted, actor)

    async def confirm(self, viewer: Viewer, route_id: int) -> None:
        await self._editable_route(viewer, route_id)
        await self.routes.confirm(route_id, _actor(viewer.user_id))

    async def routes_to_edit(self, viewer: Viewer, wijk_id: str) -> list[Route]:
        """Every route of a wijk, internal ones included, for an editor's choice."""
        await self.require_edit(viewer, wijk_id)
        return await self.routes.all_routes(wijk_id)

    async def route_to_edit(self, viewer: Viewer, route_id: int) -> Route:
        return await self._editable_route(viewer, route_id)

    async def stale_reminders(self) -> list[tuple[Wijk, list[int], list[Route]]]:
        """Per wijk: its editors and its routes nobody checked for six months."""
        by_wijk: dict[str, list[Route]] = {}
        for route in await self.routes.stale_routes():
            by_wijk.setdefault(route.wijk_id, []).append(route)
        return [(self.areas.get(w) or Wijk(w, w, ()), await self.people.editors_of(w), routes)
                for w, routes in by_wijk.items()]

    async def marks(self, wijk_id: str) -> dict[str, tuple[str, str]]:
        """The praatplaat marks of a wijk (public: they say which partners are there)."""
        return await self.routes.marks(wijk_id)

    async def _editable_route(self, viewer: Viewer, route_id: int) -> Route:
        route = await self.routes.get(route_id)
        if route is None:
            raise NotAllowedError(texts.STALE_BUTTON)
        await self.require_edit(viewer, route.wijk_id)
        return route

    def check(self, raw: dict[str, object]) -> RouteDraft:
        """The same validation for the chat and for import (raises RouteError)."""
        return check_route(raw, self.kb, self.areas)

    async def cycle_mark(self, viewer: Viewer, wijk_id: str, entry_id: str) -> str | None:
        """Turn a partner's praatplaat mark to the next state; the new state."""
        await self.require_edit(viewer, wijk_id)
        entry = self.kb.get(entry_id)
        if entry is None or entry.kind != "partner":
            raise NotAllowedError(texts.STALE_BUTTON)
        current = (await self.routes.marks(wijk_id)).get(entry.id, (None, ""))[0]
        status = NEXT_MARK[current]
        await self.routes.set_mark(wijk_id, entry.id, status, _actor(viewer.user_id))
        return status

    # --- editors and members --------------------------------------------------------------

    async def invite(self, viewer: Viewer, wijk_id: str, role: str) -> Invitation:
        """A one-time code; only in a private chat, so that nobody else can read and use it.
        An admin's code (role "admin") holds for every wijk (`wijk_id` "")."""
        wijk = ALL_WIJKEN if role == "admin" else self.areas.get(wijk_id)
        if wijk is None:
            raise NotAllowedError(texts.STALE_BUTTON)
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        if not may_invite(await self.role(viewer.user_id, wijk.id), role):
            raise NotAllowedError(texts.NOT_ALLOWED)
        code = new_code()
        await self.people.invite(code, wijk.id, role, _actor(viewer.user_id), INVITE_VALID)
        return Invitation(code, wijk, role, dt.datetime.now(dt.UTC) + INVITE_VALID)

    async def redeem(self, viewer: Viewer, code: str) -> tuple[Wijk, str] | None:
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        granted = await self.people.redeem(code, viewer.user_id)
        if granted is None:
            return None
        wijk_id, role = granted
        if role == "admin":
            return ALL_WIJKEN, role
        wijk = self.areas.get(wijk_id) or Wijk(wijk_id, wijk_id, ())
        await self.people.set_wijk(viewer.user_id, wijk_id)
        return wijk, role

    async def apply_import(self, viewer: Viewer, plan: ImportPlan) -> None:
        """Write a checked import plan, every route under the importer's own name and rights."""
        if plan.problems:
            raise RouteError(plan.problems[0])
        for draft in plan.adds:
            await self.require_edit(viewer, draft.wijk_id)
        for route_id, draft in plan.changes:
            await self._editable_route(viewer, route_id)
            await self.require_edit(viewer, draft.wijk_id)
        actor = "cli" if viewer == OPERATOR else _actor(viewer.user_id)
        for draft in plan.adds:
            await self.routes.add(draft, actor)
        for route_id, draft in plan.changes:
            await self.routes.update(route_id, draft, actor)

    async def members(self, viewer: Viewer) -> list[tuple[int, str, str]]:
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        if await self.role(viewer.user_id, "") != "admin":
            raise NotAllowedError(texts.NOT_ALLOWED)
        admins = [(uid, ADMIN_SCOPE, "admin") for uid in await self.people.admins()]
        return admins + await self.people.members()

    async def revoke(self, viewer: Viewer, user_id: int, wijk_id: str) -> bool:
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        if await self.role(viewer.user_id, wijk_id) != "admin":
            raise NotAllowedError(texts.NOT_ALLOWED)
        if wijk_id == ADMIN_SCOPE:
            return await self.people.revoke_admin(user_id, _actor(viewer.user_id))
        return await self.people.revoke(user_id, wijk_id, _actor(viewer.user_id))

    # --- the user's data ----------------------------------------------------------------

    async def my_data(self, viewer: Viewer) -> UserRecord:
        """Everything kept about the user, for /mijngegevens (private chat only)."""
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        return await self.people.user_record(viewer.user_id)

    async def forget(self, viewer: Viewer) -> None:
        if not viewer.private:
            raise NotAllowedError(texts.PRIVATE_ONLY)
        await self.people.forget_user(viewer.user_id)


def _actor(user_id: int) -> str:
    return f"user:{user_id}"


def _merge(current: RouteDraft, expected: RouteDraft, mine: RouteDraft) -> RouteDraft:
    """Three-way merge per field: a field this editor left as the form showed it keeps the
    stored value, which a colleague may have changed in the meantime; a field both changed to
    different values is a conflict, refused with the current value (nothing is written)."""
    fields = {}
    for name, value in mine.fields().items():
        shown, stored = getattr(expected, name), getattr(current, name)
        if value == shown:
            fields[name] = stored
        elif stored not in (shown, value):
            raise NotAllowedError(texts.ROUTE_CONFLICT.format(
                field=texts.ROUTE_FIELD_NAMES.get(name, name), value=stored or "(leeg)"))
        else:
            fields[name] = value
    return RouteDraft(**fields)


__all__ = ["INVITE_VALID", "OPERATOR", "PUBLIC", "Invitation", "LocalRoutes", "NotAllowedError",
           "RouteError", "Undo", "Viewer", "WijkView", "may_edit", "may_invite", "sees_internal"]
