"""Two editors on one route: each keeps the other's work, and a clash is refused, not lost."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from bot import texts
from bot.areas import load_areas
from bot.knowledge import KnowledgeBase
from bot.local_routes import LocalRoutes, NotAllowedError, Viewer
from bot.routes import RouteDraft
from bot.storage import Storage

ADA, BOB = Viewer(1, True), Viewer(2, True)
ROUTE = RouteDraft("voorbeeld-noord", "wijkteam", "Wijkteam Noord", "020 123 4567")


def _run(tmp_path: Path, kb: KnowledgeBase, body: object) -> RouteDraft:
    async def main() -> RouteDraft:
        async with await Storage.open(tmp_path / "bot.sqlite3") as storage:
            local = LocalRoutes(storage, load_areas(kb=kb), kb, frozenset({ADA.user_id,
                                                                           BOB.user_id}))
            route_id = await local.routes.add(ROUTE, "cli")
            await body(local, route_id)  # type: ignore[operator]
            route = await local.routes.get(route_id)
            assert route is not None
            return route.draft()

    return asyncio.run(main())


def test_two_editors_changing_different_fields_both_keep_their_change(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    async def body(local: LocalRoutes, route_id: int) -> None:
        shown = ROUTE  # both opened the form now
        await local.change(ADA, route_id, dataclasses.replace(shown, phone="020 999 9999"), shown)
        await local.change(BOB, route_id, dataclasses.replace(shown, email="noord@wijk.nl"), shown)

    stored = _run(tmp_path, kb, body)
    assert (stored.phone, stored.email) == ("020 999 9999", "noord@wijk.nl")


def test_two_editors_changing_the_same_field_the_second_is_told_and_nothing_is_lost(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    async def body(local: LocalRoutes, route_id: int) -> None:
        shown = ROUTE
        await local.change(ADA, route_id, dataclasses.replace(shown, phone="020 999 9999"), shown)
        with pytest.raises(NotAllowedError, match="Iemand anders") as refused:
            await local.change(BOB, route_id, dataclasses.replace(shown, phone="020 888 8888"),
                               shown)
        assert "020 999 9999" in str(refused.value)

    assert _run(tmp_path, kb, body).phone == "020 999 9999"


def test_undo_reverts_only_its_own_change(tmp_path: Path, kb: KnowledgeBase) -> None:
    async def body(local: LocalRoutes, route_id: int) -> None:
        shown = ROUTE
        ada = await local.change(ADA, route_id, dataclasses.replace(shown, phone="020 999 9999"),
                                 shown)
        await local.change(BOB, route_id, dataclasses.replace(shown, email="noord@wijk.nl"), shown)
        await local.undo(ADA, ada)

    stored = _run(tmp_path, kb, body)
    assert (stored.phone, stored.email) == ("020 123 4567", "noord@wijk.nl")


def test_an_undo_over_a_colleagues_later_edit_of_the_same_field_is_refused(
        tmp_path: Path, kb: KnowledgeBase) -> None:
    async def body(local: LocalRoutes, route_id: int) -> None:
        ada = await local.change(ADA, route_id, dataclasses.replace(ROUTE, phone="020 999 9999"),
                                 ROUTE)
        after_ada = dataclasses.replace(ROUTE, phone="020 999 9999")
        await local.change(BOB, route_id, dataclasses.replace(after_ada, phone="020 777 7777"),
                           after_ada)
        with pytest.raises(NotAllowedError, match=texts.ROUTE_CONFLICT[:20]):
            await local.undo(ADA, ada)

    assert _run(tmp_path, kb, body).phone == "020 777 7777"
