"""Who may do what with wijk and user data: one table, every action, every role, both chats.

Each cell runs one action of LocalRoutes (the only owner of these rules) as one kind of user in a
private chat or a group, on a fresh SQLite file, and checks whether it was allowed. For reading
actions "allowed" means: the wijk's internal route is in what the user gets. A public method
added to LocalRoutes without a row here fails `test_every_action_has_a_row`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.areas import Areas, load_areas
from bot.knowledge import KnowledgeBase
from bot.local_routes import OPERATOR, PUBLIC, LocalRoutes, NotAllowedError, Undo, Viewer
from bot.routes import RouteDraft, plan_import
from bot.storage import Storage

WIJK, OTHER = "voorbeeld-noord", "voorbeeld-zuid"
USERS = {"stranger": 1, "teacher": 2, "member": 3, "other_editor": 4, "revoked": 5,
         "editor": 6, "admin": 7, "chat_admin": 8, "revoked_admin": 9}
ROLES = tuple(USERS)
EVERYONE = frozenset(ROLES)
# "admin" comes from the settings; "chat_admin" was made admin in chat by an admin's code
WIJK_MEMBERS = frozenset({"member", "editor", "admin", "chat_admin"})
EDITORS = frozenset({"editor", "admin", "chat_admin"})
ADMINS = frozenset({"admin", "chat_admin"})
WEEK = dt.timedelta(days=7)


@dataclass
class World:
    local: LocalRoutes
    public_id: int
    internal_id: int
    removed_id: int


async def _world(storage: Storage, kb: KnowledgeBase, areas: Areas) -> World:
    local = LocalRoutes(storage, areas, kb, frozenset({USERS["admin"]}))
    store, people = local.routes, local.people
    public = await store.add(RouteDraft(WIJK, "wijkteam", "Wijkteam Noord", "0201234567"), "cli")
    internal = await store.add(RouteDraft(WIJK, "wijkteam", "Direct lijntje", "0207654321",
                                          internal=True), "cli")
    removed = await store.add(RouteDraft(WIJK, "cjg", "CJG Noord", "0201112223"), "cli")
    await store.remove(removed, "cli")
    for name, uid in USERS.items():
        if name != "stranger":
            await people.set_wijk(uid, WIJK)
    grants = {"member": (WIJK, "member"), "other_editor": (OTHER, "editor"),
              "revoked": (WIJK, "editor"), "editor": (WIJK, "editor")}
    for name, (wijk, role) in grants.items():
        code = f"CODE-{name.upper()}"
        await people.invite(code, wijk, role, "cli", WEEK)
        assert await people.redeem(code, USERS[name]) == (wijk, role)
    await people.revoke(USERS["revoked"], WIJK, "cli")
    for name in ("chat_admin", "revoked_admin"):
        await people.invite(f"CODE-{name.upper()}", "", "admin", "cli", WEEK)
        assert await people.redeem(f"CODE-{name.upper()}", USERS[name]) == ("", "admin")
    await people.revoke_admin(USERS["revoked_admin"], "cli")
    return World(local, public, internal, removed)


Action = Callable[[World, Viewer], Awaitable[bool]]


async def _sees_internal_answer(w: World, v: Viewer) -> bool:
    found = await w.local.answer_routes(v, ["wijkteam"])
    assert found is None or all(r.wijk_id == WIJK for r in found[1])
    return found is not None and any(r.internal for r in found[1])


async def _sees_internal_routes(w: World, v: Viewer) -> bool:
    return any(r.internal for r in await w.local.routes_for(v, WIJK, ["wijkteam"]))


async def _sees_internal_on_kaart(w: World, v: Viewer) -> bool:
    return any(r.internal for r in (await w.local.wijk_view(v, WIJK)).routes)


async def _sees_internal_own_wijk(w: World, v: Viewer) -> bool:
    return any(r.internal for r in (await w.local.wijk_view(v, None)).routes)


async def _choose_wijk(w: World, v: Viewer) -> bool:
    return (await w.local.choose_wijk(v.user_id, OTHER)) is not None


async def _choose_school(w: World, v: Viewer) -> bool:
    await w.local.choose_wijk(v.user_id, WIJK)
    await w.local.choose_school(v.user_id, WIJK, 0)
    return True


async def _add(w: World, v: Viewer) -> bool:
    await w.local.add(v, RouteDraft(WIJK, "cjg", "CJG", "0201231234"))
    return True


async def _change(w: World, v: Viewer) -> bool:
    await w.local.change(v, w.public_id, RouteDraft(WIJK, "wijkteam", "Nieuw", "0201234567"))
    return True


async def _remove(w: World, v: Viewer) -> bool:
    await w.local.remove(v, w.public_id)
    return True


async def _undo(w: World, v: Viewer) -> bool:
    await w.local.undo(v, Undo(w.removed_id, "remove", None))
    return True


async def _confirm(w: World, v: Viewer) -> bool:
    await w.local.confirm(v, w.public_id)
    return True


async def _routes_to_edit(w: World, v: Viewer) -> bool:
    return any(r.internal for r in await w.local.routes_to_edit(v, WIJK))


async def _route_to_edit(w: World, v: Viewer) -> bool:
    return (await w.local.route_to_edit(v, w.internal_id)).internal


async def _cycle_mark(w: World, v: Viewer) -> bool:
    await w.local.cycle_mark(v, WIJK, "bibliotheek")
    return True


async def _require_edit(w: World, v: Viewer) -> bool:
    await w.local.require_edit(v, WIJK)
    return True


async def _invite_member(w: World, v: Viewer) -> bool:
    await w.local.invite(v, WIJK, "member")
    return True


async def _invite_editor(w: World, v: Viewer) -> bool:
    await w.local.invite(v, WIJK, "editor")
    return True


async def _invite_admin(w: World, v: Viewer) -> bool:
    return bool((await w.local.invite(v, "", "admin")).code)


async def _redeem(w: World, v: Viewer) -> bool:
    await w.local.people.invite("GOOD-CODE", WIJK, "member", "cli", WEEK)
    return await w.local.redeem(v, "GOOD-CODE") is not None


async def _import(w: World, v: Viewer) -> bool:
    plan = plan_import([{"wijk": WIJK, "entry": "cjg", "organisation": "CJG",
                         "phone": "0201231234"}], {}, w.local.kb, w.local.areas)
    await w.local.apply_import(v, plan)
    return True


async def _members(w: World, v: Viewer) -> bool:
    return bool(await w.local.members(v))


async def _revoke(w: World, v: Viewer) -> bool:
    return await w.local.revoke(v, USERS["member"], WIJK)


async def _my_data(w: World, v: Viewer) -> bool:
    await w.local.my_data(v)
    return True


async def _forget(w: World, v: Viewer) -> bool:
    await w.local.forget(v)
    return True


def _private(roles: frozenset[str]) -> frozenset[tuple[str, str]]:
    return frozenset((r, "private") for r in roles)


def _anywhere(roles: frozenset[str]) -> frozenset[tuple[str, str]]:
    return _private(roles) | frozenset((r, "group") for r in roles)


# action -> (the method it exercises, who may: (role, chat) pairs)
MATRIX: dict[str, tuple[str, Action, frozenset[tuple[str, str]]]] = {
    "internal routes under an answer": ("answer_routes", _sees_internal_answer,
                                        _private(WIJK_MEMBERS)),
    "internal routes of a wijk": ("routes_for", _sees_internal_routes, _private(WIJK_MEMBERS)),
    "internal routes on the kaart of a named wijk": ("wijk_view", _sees_internal_on_kaart,
                                                     _private(WIJK_MEMBERS)),
    "internal routes on the praatplaat of the own wijk": ("wijk_view", _sees_internal_own_wijk,
                                                          _private(WIJK_MEMBERS)),
    "choose a wijk": ("choose_wijk", _choose_wijk, _anywhere(EVERYONE)),
    "choose a school": ("choose_school", _choose_school, _anywhere(EVERYONE)),
    "add a route": ("add", _add, _private(EDITORS)),
    "change a route": ("change", _change, _private(EDITORS)),
    "remove a route": ("remove", _remove, _private(EDITORS)),
    "undo a change": ("undo", _undo, _private(EDITORS)),
    "confirm a route": ("confirm", _confirm, _private(EDITORS)),
    "list routes to edit": ("routes_to_edit", _routes_to_edit, _private(EDITORS)),
    "open a route to edit": ("route_to_edit", _route_to_edit, _private(EDITORS)),
    "mark a partner on the praatplaat": ("cycle_mark", _cycle_mark, _private(EDITORS)),
    "edit rights": ("require_edit", _require_edit, _private(EDITORS)),
    "invite a member": ("invite", _invite_member, _private(EDITORS)),
    "invite an editor": ("invite", _invite_editor, _private(ADMINS)),
    "invite an admin": ("invite", _invite_admin, _private(ADMINS)),
    "redeem a code": ("redeem", _redeem, _private(EVERYONE)),
    "import routes": ("apply_import", _import, _private(EDITORS)),
    "list editors and members": ("members", _members, _private(ADMINS)),
    "revoke a member": ("revoke", _revoke, _private(ADMINS)),
    "see my data": ("my_data", _my_data, _private(EVERYONE)),
    "forget me": ("forget", _forget, _private(EVERYONE)),
}
# Public methods that decide nothing about other people's data: lookups of the user's own
# wijk and role, route checking, the weekly job's list and the public praatplaat marks.
NOT_GATED = {"role", "is_admin", "menu_role", "wijk_of", "editable_wijken", "check",
             "stale_reminders", "marks"}

CELLS = [(action, role, chat) for action in MATRIX for role in ROLES
         for chat in ("private", "group")]


def test_every_action_has_a_row() -> None:
    public = {name for name, _ in inspect.getmembers(LocalRoutes, inspect.isfunction)
              if not name.startswith("_")}
    covered = {method for method, _, _ in MATRIX.values()}
    assert public - covered - NOT_GATED == set()


def test_the_command_line_is_an_admin_and_a_printed_kaart_is_public(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    async def main() -> tuple[bool, bool]:
        async with await Storage.open(tmp_path / "bot.sqlite3") as storage:
            world = await _world(storage, kb, load_areas(kb=kb))
            return (await _sees_internal_on_kaart(world, OPERATOR),
                    await _sees_internal_on_kaart(world, PUBLIC))

    assert asyncio.run(main()) == (True, False)


@pytest.mark.parametrize(("action", "role", "chat"), CELLS)
def test_who_may_do_what(tmp_path: Path, kb: KnowledgeBase, action: str, role: str,
                         chat: str) -> None:
    _, run, allowed = MATRIX[action]
    expected = (role, chat) in allowed

    async def main() -> bool:
        async with await Storage.open(tmp_path / "bot.sqlite3") as storage:
            world = await _world(storage, kb, load_areas(kb=kb))
            viewer = Viewer(USERS[role], chat == "private")
            try:
                return await run(world, viewer)
            except NotAllowedError:
                return False

    assert asyncio.run(main()) is expected, f"{role} in a {chat} chat: {action}"
