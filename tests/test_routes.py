"""Local contact routes: checked like in the chat, stored with an audit trail, found fast."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import contacts
from bot.areas import Areas, load_areas
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.routes import RouteDraft, RouteError, check_route, contact_line
from bot.storage import MIGRATIONS, SCHEMA_VERSION, PeopleStore, RouteStore, Storage
from tests.conftest import db_dump, db_rows

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def areas(kb: KnowledgeBase) -> Areas:
    return load_areas(kb=kb)


@pytest.mark.parametrize(("raw", "expected"), [
    ("020-1234567", "020 123 4567"), ("06 12 34 56 78", "06 1234 5678"),
    ("+31 6 1234 5678", "06 1234 5678"), ("0251-123456", "0251 123456"),
    ("0800-2000", "0800 2000"), ("0900 111 3111", "0900 111 3111"),
])
def test_phone_numbers_are_normalised(raw: str, expected: str) -> None:
    assert contacts.phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "061234567", "+12"])
def test_bad_phone_numbers_get_a_dutch_message(raw: str) -> None:
    with pytest.raises(contacts.ContactError, match="telefoonnummer"):
        contacts.phone(raw)


def test_phone_numbers_in_other_digit_scripts_are_stored_as_ascii() -> None:
    assert contacts.phone("٠٢٠-١٢٣٤٥٦٧") == "020 123 4567"
    assert contacts.phone("０２０ １２３ ４５６７") == "020 123 4567"


def test_a_website_too_long_for_a_message_is_refused() -> None:
    with pytest.raises(contacts.ContactError, match="hoogstens"):
        contacts.website("www.gemeente.nl/" + "a" * 4200)


def test_email_and_website_are_normalised() -> None:
    assert contacts.email(" Team@Gemeente.NL ") == "Team@gemeente.nl"
    assert contacts.website("www.gemeente.nl/wijkteam") == "https://www.gemeente.nl/wijkteam"
    with pytest.raises(contacts.ContactError):
        contacts.email("geen-adres")
    with pytest.raises(contacts.ContactError):
        contacts.website("javascript:alert(1)")


@given(st.text(max_size=60))
def test_contact_checks_never_fail_other_than_with_a_message(raw: str) -> None:
    for check in (contacts.phone, contacts.email, contacts.website):
        with contextlib.suppress(contacts.ContactError):
            assert check(raw)


def test_the_shipped_area_list_is_a_labelled_example(areas: Areas) -> None:
    assert areas.example
    assert all("voorbeeld" in w.name.lower() for w in areas.wijken)


def test_a_broken_area_file_names_the_field(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "wijken.yaml"
    path.write_text("gemeente: X\nlocal_names: {bestaat-niet: Y}\nwijken: [{id: A B, name: Q}]\n",
                    encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_areas(path, kb)
    assert any("wijken.yaml" in p and "id" in p for p in caught.value.problems)


def test_a_route_is_checked_like_in_the_chat(kb: KnowledgeBase, areas: Areas) -> None:
    draft = check_route({"wijk": "voorbeeld-noord", "entry": "wijkteam",
                         "organisation": "Wijkteam Noord", "phone": "020-1234567"}, kb, areas)
    assert draft.phone == "020 123 4567"
    with pytest.raises(RouteError, match="Onbekende wijk"):
        check_route({"wijk": "maan", "entry": "wijkteam", "organisation": "X",
                     "phone": "0201234567"}, kb, areas)
    with pytest.raises(RouteError, match="geen partner of situatie"):
        check_route({"wijk": "voorbeeld-noord", "entry": "boundary-crossing",
                     "organisation": "X", "phone": "0201234567"}, kb, areas)
    with pytest.raises(RouteError, match="minstens"):
        check_route({"wijk": "voorbeeld-noord", "entry": "wijkteam", "organisation": "X"},
                    kb, areas)


@pytest.mark.parametrize("note", ["Vraag naar mw. de Groot, moeder van leerling Daan",
                                  "BSN 1112 22 333 van de leerling", "bel ook 06-12345678",
                                  "geboren 12-03-2015, woont op 1234 AB"])
def test_a_note_with_personal_data_is_refused_with_the_reason(kb: KnowledgeBase, areas: Areas,
                                                              note: str) -> None:
    with pytest.raises(RouteError, match="persoonsgegevens"):
        check_route({"wijk": "voorbeeld-noord", "entry": "wijkteam", "organisation": "X",
                     "phone": "0201234567", "note": note}, kb, areas)


def test_a_plain_note_is_kept(kb: KnowledgeBase, areas: Areas) -> None:
    draft = check_route({"wijk": "voorbeeld-noord", "entry": "wijkteam", "organisation": "X",
                         "phone": "0201234567", "note": "Inloop op dinsdag in de school"},
                        kb, areas)
    assert draft.note == "Inloop op dinsdag in de school"


def _draft(**changes: Any) -> RouteDraft:
    base: dict[str, Any] = {"wijk_id": "voorbeeld-noord", "entry_id": "wijkteam",
                            "organisation": "Wijkteam Noord", "phone": "020 123 4567"}
    base.update(changes)
    return RouteDraft(**base)


def test_routes_are_stored_changed_removed_restored_and_audited(tmp_path: Path) -> None:
    async def main() -> None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            routes = RouteStore(storage)
            rid = await routes.add(_draft(), "user:1")
            assert [r.id for r in await routes.routes_for("voorbeeld-noord", ["wijkteam"])] \
                == [rid]
            await routes.update(rid, _draft(hours="ma 9-12"), "user:1")
            assert (await routes.get(rid)).hours == "ma 9-12"  # type: ignore[union-attr]
            await routes.remove(rid, "user:2")
            assert await routes.routes_for("voorbeeld-noord", ["wijkteam"]) == []
            await routes.restore(rid, "user:2")
            assert len(await routes.routes_for("voorbeeld-noord", ["wijkteam"])) == 1
            actions = [a for _, a, _ in await routes.audit_trail(rid)]
            assert actions == ["add", "change", "remove", "restore"]

    run(main())


def test_internal_routes_are_only_for_members(tmp_path: Path) -> None:
    async def main() -> None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            routes = RouteStore(storage)
            await routes.add(_draft(internal=True, organisation="Intern nummer"), "user:1")
            assert await routes.routes_for("voorbeeld-noord", ["wijkteam"]) == []
            found = await routes.routes_for("voorbeeld-noord", ["wijkteam"], internal=True)
            assert [r.organisation for r in found] == ["Intern nummer"]

    run(main())


def test_routes_come_in_the_order_of_the_entries_asked(tmp_path: Path) -> None:
    async def main() -> None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            routes = RouteStore(storage)
            await routes.add(_draft(entry_id="cjg", organisation="CJG"), "cli")
            await routes.add(_draft(), "cli")
            found = await routes.routes_for("voorbeeld-noord", ["wijkteam", "cjg"])
            assert [r.entry_id for r in found] == ["wijkteam", "cjg"]
            assert contact_line(found[0]) == "Wijkteam Noord · 020 123 4567"

    run(main())


def test_the_user_wijk_is_remembered(tmp_path: Path) -> None:
    async def main() -> None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            people = PeopleStore(storage)
            assert await people.wijk_of(5) is None
            await people.set_wijk(5, "voorbeeld-zuid")
            assert await people.wijk_of(5) == "voorbeeld-zuid"

    run(main())


def test_an_old_database_file_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO entry_stats (entry_id, asked) VALUES ('cjg', 3)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    async def main() -> int:
        async with await Storage.open(path) as storage:
            await PeopleStore(storage).set_wijk(1, "voorbeeld-noord")
            return (await storage.stats("cjg")).asked

    assert run(main()) == 3
    assert db_rows(path, "PRAGMA user_version")[0][0] == SCHEMA_VERSION


def test_forgetting_a_user_keeps_their_routes_but_not_their_id(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"

    async def main() -> None:
        async with await Storage.open(path) as storage:
            routes, people = RouteStore(storage), PeopleStore(storage)
            await people.set_wijk(42, "voorbeeld-noord")
            rid = await routes.add(_draft(), "user:42")
            await people.forget_user(42)
            assert await people.wijk_of(42) is None
            assert await routes.get(rid) is not None
            assert await routes.routes_added_by("user:42") == 0

    run(main())
    dump = db_dump(path)
    assert "user:42" not in dump and "(42," not in dump


def test_concurrent_edits_through_one_connection_lose_nothing(tmp_path: Path) -> None:
    async def main() -> tuple[int, int, int]:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            routes = RouteStore(storage)

            async def editor(n: int) -> None:
                for i in range(25):
                    await routes.add(_draft(organisation=f"R{n}-{i}"), f"user:{n}")
                    await storage.record_feedback("cjg", True)

            await asyncio.gather(*(editor(n) for n in range(8)))
            audit = len(await routes.audit_trail())
            return len(await routes.all_routes()), audit, (await storage.stats("cjg")).thumbs_up

    assert run(main()) == (200, 200, 200)
