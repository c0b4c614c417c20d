"""End-to-end: what the adversarial round broke stays fixed — groups never get internal routes,
codes or anyone's data; confirmations belong to their requester; forged buttons change nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot import texts
from bot.routes import RouteDraft
from bot.service import Service
from bot.storage import PeopleStore, RouteStore
from handlers import callbackdata as cb
from tests.test_bot_e2e import Harness, buttons, run

GROUP = -100777
ADMIN, MEMBER, OTHER = 9101, 9102, 9103
INTERNAL = "CJG intern nummer"


async def _member_with_internal_route(h: Harness) -> None:
    h.local.admins = frozenset({ADMIN})
    await RouteStore(h.storage).add(RouteDraft("voorbeeld-noord", "cjg", INTERNAL,
                                               phone="020 123 4567", internal=True), "test")
    await RouteStore(h.storage).add(RouteDraft("voorbeeld-noord", "cjg", "CJG Noord publiek",
                                               phone="020 765 4321"), "test")
    await h.say("/uitnodigen voorbeeld-noord lid", chat_id=ADMIN)
    (made,) = await h.replies(1, chat_id=ADMIN)
    code = made.split("<code>")[1].split("</code>")[0]
    await h.say(f"/code {code}", chat_id=MEMBER)
    await h.replies(1, chat_id=MEMBER)


def _private_only() -> str:
    return texts.PRIVATE_ONLY.replace("{bot}", "wijkwijzer_test_bot")


def test_a_member_asking_in_a_group_gets_only_public_routes(tmp_path: Path,
                                                             service: Service) -> None:
    async def body(h: Harness) -> None:
        await _member_with_internal_route(h)
        await h.say("/zoek wat doet het cjg", chat_id=GROUP, kind="group", user_id=MEMBER)
        sent = await h.replies(1, chat_id=GROUP)
        await asyncio.sleep(0.2)
        group_text = "\n".join(c.params["text"] for c in h.fake.sent(GROUP))
        assert "CJG Noord publiek" in group_text
        assert INTERNAL not in group_text and sent

    run(tmp_path, service, body)


def test_inline_cards_are_personal_and_never_carry_internal_routes(tmp_path: Path,
                                                                    service: Service) -> None:
    async def body(h: Harness) -> None:
        await _member_with_internal_route(h)
        await h.fake.push(h.fake.inline(MEMBER, "cjg"))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerInlineQuery")))
        params = h.fake.of("answerInlineQuery")[0].params
        assert params["is_personal"] in (True, "true")
        cards = str(params["results"])
        assert "CJG Noord publiek" in cards and INTERNAL not in cards

    run(tmp_path, service, body)


def test_invitations_and_the_editor_list_are_never_posted_in_a_group(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await h.say("/uitnodigen voorbeeld-noord", chat_id=GROUP, kind="group", user_id=ADMIN)
        await h.say("/redacteuren", chat_id=GROUP, kind="group", user_id=ADMIN)
        await h.say("/code ABCD-EFGH", chat_id=GROUP, kind="group", user_id=OTHER)
        await h.say("/route", chat_id=GROUP, kind="group", user_id=ADMIN)
        await h.say("/markeren", chat_id=GROUP, kind="group", user_id=ADMIN)
        sent = await h.replies(5, chat_id=GROUP)
        assert sent == [_private_only()] * 5
        assert "<code>" not in "".join(sent)

    run(tmp_path, service, body)


def test_my_data_and_forget_me_work_in_private_only(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("/start wijk_voorbeeld-noord", chat_id=MEMBER)
        await h.replies(1, chat_id=MEMBER)
        await h.say("/mijngegevens", chat_id=GROUP, kind="group", user_id=MEMBER)
        await h.say("/vergeetmij", chat_id=GROUP, kind="group", user_id=MEMBER)
        sent = await h.replies(2, chat_id=GROUP)
        assert sent == [_private_only()] * 2
        assert not any(buttons(c.params) for c in h.fake.sent(GROUP))

    run(tmp_path, service, body)


def test_only_the_requester_can_confirm_forget_me(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        for user in (MEMBER, OTHER):
            await h.say("/start wijk_voorbeeld-noord", chat_id=user)
            await h.replies(1, chat_id=user)
        await h.say("/vergeetmij", chat_id=MEMBER)
        await h.replies(2, chat_id=MEMBER)
        question = max(h.fake.messages)  # the message with the Ja/Nee buttons
        yes = cb.encode(cb.ForgetMe(True, MEMBER))
        await h.fake.push(h.fake.callback(MEMBER, yes, user_id=OTHER, message_id=question))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))
        assert h.fake.of("answerCallbackQuery")[0].params["text"] == texts.FORGET_NOT_YOURS
        people = PeopleStore(h.storage)
        assert await people.wijk_of(MEMBER) == "voorbeeld-noord"
        assert await people.wijk_of(OTHER) == "voorbeeld-noord"
        assert not h.fake.of("editMessageText")

    run(tmp_path, service, body)


def test_forget_me_removes_every_trace_of_the_user_id(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await _member_with_internal_route(h)
        await h.say("/vergeetmij", chat_id=ADMIN)
        await h.replies(2, chat_id=ADMIN)
        await h.fake.push(h.fake.callback(ADMIN, cb.encode(cb.ForgetMe(True, ADMIN))))
        await h.fake.wait_for(lambda: bool(h.fake.of("editMessageText")))
        await h.storage.flush()
        dump = "\n".join(await _all_text(h))
        assert f"user:{ADMIN}" not in dump and str(ADMIN) not in dump

    run(tmp_path, service, body)


async def _all_text(h: Harness) -> list[str]:
    """Every value in every table, as text."""
    db = h.storage._db
    tables = [r[0] for r in await (await db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()]
    values: list[str] = []
    for table in tables:
        for row in await (await db.execute(f"SELECT * FROM {table}")).fetchall():
            values += [str(v) for v in row]
    return values


def test_a_forged_menu_press_does_not_replace_the_safety_notice(tmp_path: Path,
                                                                 service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("een leerling praat over zelfmoord", chat_id=GROUP, kind="group",
                    user_id=MEMBER)
        await h.replies(1, chat_id=GROUP)
        notice = min(h.fake.messages)
        forged = cb.encode(cb.BrowsePartners("all", "all", 0))
        await h.fake.push(h.fake.callback(GROUP, forged, user_id=OTHER, message_id=notice))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))
        assert not h.fake.of("editMessageText")
        assert h.fake.of("answerCallbackQuery")[0].params.get("text") == texts.STALE_BUTTON

    run(tmp_path, service, body)


def test_a_revoked_editor_cannot_undo_through_an_old_button(tmp_path: Path,
                                                             service: Service) -> None:
    from tests.test_bot_e2e import ADMIN as E2E_ADMIN
    from tests.test_bot_e2e import _invite_and_join, _press

    editor = MEMBER

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({E2E_ADMIN})
        await _invite_and_join(h, "voorbeeld-noord", "", editor)
        await h.say("/route", chat_id=editor)
        await h.replies(2, chat_id=editor)
        await _press(h, editor, cb.RouteStep("act", "add"), 3)
        await _press(h, editor, cb.RouteStep("wijk", "voorbeeld-noord"), 4)
        await h.say("wijkteam", chat_id=editor)
        await h.replies(5, chat_id=editor)
        await _press(h, editor, cb.RouteStep("entry", "wijkteam"), 6)
        for i, value in enumerate(["Wijkteam Noord", "020-1234567", "-", "-", "-", "-"]):
            await h.say(value, chat_id=editor)
            await h.replies(7 + i, chat_id=editor)
        await _press(h, editor, cb.RouteStep("internal", "n"), 13)
        sent = await _press(h, editor, cb.RouteStep("save", ""), 14)
        assert sent[-1] == "De route is opgeslagen."
        (route,) = await RouteStore(h.storage).all_routes()
        await PeopleStore(h.storage).revoke(editor, "voorbeeld-noord", "test")
        await h.fake.push(h.fake.callback(editor, cb.encode(cb.RouteStep("undo", str(route.id)))))
        await h.fake.wait_for(lambda: any(c.params.get("text") == texts.NOT_ALLOWED
                                          for c in h.fake.of("answerCallbackQuery")))
        assert await RouteStore(h.storage).all_routes() == [route]

    run(tmp_path, service, body)


def test_my_data_lists_everything_that_names_the_user(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await _member_with_internal_route(h)
        await h.fake.push(h.fake.callback(MEMBER, cb.encode(cb.Feedback("cjg", True))))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))
        await h.say("/mijngegevens", chat_id=MEMBER)
        await h.say("/mijngegevens", chat_id=ADMIN)
        member = (await h.replies(2, chat_id=MEMBER))[-1]
        admin = (await h.replies(2, chat_id=ADMIN))[-1]
        assert "Lid van voorbeeld-noord" in member and "die jij gebruikte: 1" in member
        assert "👍/👎 die je gaf" in member and "Wijzigingen die jouw id noemen" in member
        assert "Uitnodigingscodes die jij maakte: 1" in admin

    run(tmp_path, service, body)
