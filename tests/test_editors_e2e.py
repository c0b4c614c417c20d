"""End-to-end: the editors' side — one-tap invitations and a form that notices a question."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.service import Service
from bot.storage import PeopleStore, RouteStore
from handlers import callbackdata as cb
from tests.test_bot_e2e import ADMIN, EDITOR, Harness, _invite_and_join, _press, buttons, run


def test_an_invitation_is_a_one_tap_link(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await h.say("/uitnodigen voorbeeld-noord lid", chat_id=ADMIN)
        (made,) = await h.replies(1, chat_id=ADMIN)
        link = made.split("Stuur de ontvanger deze link (één tik): ")[1].split("\n")[0]
        assert link.startswith("https://t.me/wijkwijzer_test_bot?start=code_")
        await h.say(f"/start {link.split('start=')[1]}", chat_id=EDITOR)
        (welcome,) = await h.replies(1, chat_id=EDITOR)
        assert welcome.startswith("Welkom!")
        assert await PeopleStore(h.storage).role_in(EDITOR, "voorbeeld-noord") == "member"

    run(tmp_path, service, body)


def test_a_question_typed_into_the_route_form_is_not_saved_as_a_name(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        await h.say("/route", chat_id=EDITOR)
        await h.replies(2, chat_id=EDITOR)
        await _press(h, EDITOR, cb.RouteStep("act", "add"), 3)
        await _press(h, EDITOR, cb.RouteStep("wijk", "voorbeeld-noord"), 4)
        await h.say("wijkteam", chat_id=EDITOR)
        await h.replies(5, chat_id=EDITOR)
        await _press(h, EDITOR, cb.RouteStep("entry", "wijkteam"), 6)
        await h.say("wie bel ik als een leerling vaak verzuimt?", chat_id=EDITOR)
        sent = await h.replies(7, chat_id=EDITOR)
        assert sent[-1] == texts.ROUTE_QUESTION
        choices = [cb.decode(b["callback_data"]) for b in buttons(h.fake.sent(EDITOR)[-1].params)]
        assert choices == [cb.RouteStep("cancel", ""), cb.RouteStep("resume", "")]
        sent = await _press(h, EDITOR, cb.RouteStep("resume", ""), 8)
        assert "Naam van de organisatie" in sent[-1]
        assert await RouteStore(h.storage).all_routes() == []

    run(tmp_path, service, body)


def test_changing_one_field_of_a_route_is_one_choice(tmp_path: Path, service: Service) -> None:
    from bot.routes import RouteDraft

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        store = RouteStore(h.storage)
        rid = await store.add(RouteDraft("voorbeeld-noord", "cjg", "CJG Noord",
                                         phone="020 123 4567", hours="ma 9-12"), "test")
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        await h.say("/route", chat_id=EDITOR)
        await h.replies(2, chat_id=EDITOR)
        await _press(h, EDITOR, cb.RouteStep("act", "change"), 3)
        await _press(h, EDITOR, cb.RouteStep("wijk", "voorbeeld-noord"), 4)
        sent = await _press(h, EDITOR, cb.RouteStep("route", str(rid)), 5)
        assert "Wat wil je wijzigen?" in sent[-1]
        menu = buttons(h.fake.sent(EDITOR)[-1].params)
        assert "📞 Telefoonnummer: 020 123 4567" in [b["text"] for b in menu]
        sent = await _press(h, EDITOR, cb.RouteStep("field", "hours"), 6)
        assert "Inlooptijden" in sent[-1]
        await h.say("di en do 9-12", chat_id=EDITOR)
        sent = await h.replies(7, chat_id=EDITOR)
        assert "Wat wil je wijzigen?" in sent[-1]  # straight back to the list
        sent = await _press(h, EDITOR, cb.RouteStep("done", ""), 8)
        assert "di en do 9-12" in sent[-1] and "020 123 4567" in sent[-1]  # the preview
        await _press(h, EDITOR, cb.RouteStep("save", ""), 9)
        route = await store.get(rid)
        assert route is not None and route.hours == "di en do 9-12"
        assert route.phone == "020 123 4567" and route.organisation == "CJG Noord"

    run(tmp_path, service, body)


def test_an_editor_sees_the_editors_commands_in_the_menu_until_revoked(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await _invite_and_join(h, "voorbeeld-zuid", "", EDITOR)
        menu = h.fake.menus[f"chat:{EDITOR}:nl"]
        assert "route" in menu and "markeren" in menu and "start" in menu
        assert "route" not in h.fake.menus["default::"]  # the common menu stays as it was
        await h.say("/redacteuren", chat_id=ADMIN)
        await h.replies(2, chat_id=ADMIN)
        (listed,) = buttons(h.fake.sent(ADMIN)[-1].params)
        await h.fake.push(h.fake.callback(ADMIN, listed["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 1)
        yes, = [b for b in buttons(h.fake.of("editMessageText")[-1].params)
                if b["text"] == texts.REVOKE_YES]
        await h.fake.push(h.fake.callback(ADMIN, yes["callback_data"]))
        await h.fake.wait_for(lambda: f"chat:{EDITOR}:nl" not in h.fake.menus)

    run(tmp_path, service, body)


def test_an_admin_adds_another_admin_in_chat_who_can_then_be_revoked(
        tmp_path: Path, service: Service) -> None:
    from tests.test_bot_e2e import STRANGER

    second = EDITOR

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})  # the first admin, from the settings
        await h.say("/uitnodigen beheerder", chat_id=STRANGER)
        (refused,) = await h.replies(1, chat_id=STRANGER)
        assert refused == texts.NOT_ALLOWED  # only an admin makes an admin
        await h.say("/uitnodigen beheerder", chat_id=ADMIN)
        (made,) = await h.replies(1, chat_id=ADMIN)
        code = made.split("<code>")[1].split("</code>")[0]
        await h.say(f"/code {code}", chat_id=second)
        (welcome,) = await h.replies(1, chat_id=second)
        assert "beheerder van alle wijken" in welcome
        assert "redacteuren" in h.fake.menus[f"chat:{second}:nl"]
        # the new admin may invite an editor for any wijk
        await h.say("/uitnodigen voorbeeld-zuid", chat_id=second)
        sent = await h.replies(2, chat_id=second)
        assert "<code>" in sent[-1]
        # and the first admin can take the role back, with a confirmation
        await h.say("/redacteuren", chat_id=ADMIN)
        await h.replies(2, chat_id=ADMIN)
        row = next(b for b in buttons(h.fake.sent(ADMIN)[-1].params)
                   if "alle wijken · beheerder" in b["text"])
        await h.fake.push(h.fake.callback(ADMIN, row["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 1)
        yes, = [b for b in buttons(h.fake.of("editMessageText")[-1].params)
                if b["text"] == texts.REVOKE_YES]
        await h.fake.push(h.fake.callback(ADMIN, yes["callback_data"]))
        await h.fake.wait_for(lambda: any(c.params.get("text") == texts.REVOKED
                                          for c in h.fake.of("answerCallbackQuery")))
        assert not await h.local.is_admin(second)
        assert list(await h.storage._db.execute_fetchall(
            "SELECT action FROM audit WHERE action IN ('join', 'revoke')")) == \
            [("join",), ("revoke",)]

    run(tmp_path, service, body)


def test_long_lists_of_members_and_routes_come_in_pages(tmp_path: Path,
                                                        service: Service) -> None:
    import datetime as dt

    from bot.routes import RouteDraft

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        people, store = PeopleStore(h.storage), RouteStore(h.storage)
        for i in range(25):
            await people.invite(f"CODE-{i:04d}", "voorbeeld-noord", "member", "cli",
                                dt.timedelta(days=1))
            await people.redeem(f"CODE-{i:04d}", 5000 + i)
            h.fake.names[5000 + i] = f"Lid {i}"
            await store.add(RouteDraft("voorbeeld-noord", "cjg", f"CJG {i}",
                                       phone="020 123 4567"), "cli")
        await h.say("/redacteuren", chat_id=ADMIN)
        await h.replies(1, chat_id=ADMIN)
        first = buttons(h.fake.sent(ADMIN)[-1].params)
        assert len(first) == 11 and first[-1]["text"] == texts.NEXT  # 10 names and "next"
        await h.fake.push(h.fake.callback(ADMIN, first[-1]["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 1)
        second = buttons(h.fake.of("editMessageText")[-1].params)
        assert second[0]["text"] != first[0]["text"] and texts.PREVIOUS in \
            [b["text"] for b in second]
        # the /route form pages the 25 routes of a wijk as well
        await h.say("/route", chat_id=ADMIN)
        await h.replies(2, chat_id=ADMIN)
        await _press(h, ADMIN, cb.RouteStep("act", "change"), 3)
        await _press(h, ADMIN, cb.RouteStep("wijk", "voorbeeld-noord"), 4)
        page = [b["text"] for b in buttons(h.fake.sent(ADMIN)[-1].params)]
        assert len(page) == 22 and texts.NEXT in page  # 20 routes, "next", "stoppen"
        await _press(h, ADMIN, cb.RouteStep("more", "1"), 5)
        page = [b["text"] for b in buttons(h.fake.sent(ADMIN)[-1].params)]
        assert page[0] == "cjg: CJG 20" and texts.PREVIOUS in page

    run(tmp_path, service, body)
