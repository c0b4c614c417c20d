"""End-to-end: the real python-telegram-bot Application against a fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.app import App, BotOptions, build_application
from bot.config import load_settings
from bot.flood import FloodGate
from bot.local_routes import LocalRoutes
from bot.service import Service
from bot.storage import Storage
from handlers import callbackdata as cb
from handlers.deps import Deps
from tests.fake_telegram import FakeTelegram

CHAT = 4242


@dataclass
class Harness:
    fake: FakeTelegram
    app: App
    storage: Storage

    @property
    def deps(self) -> Deps:
        found: Deps = self.app.bot_data["deps"]
        return found

    @property
    def local(self) -> LocalRoutes:
        assert self.deps.local is not None
        return self.deps.local

    async def say(self, text: str, chat_id: int = CHAT, **extra: Any) -> None:
        await self.fake.push(self.fake.message(chat_id, text, **extra))

    async def replies(self, count: int, chat_id: int = CHAT) -> list[str]:
        await self.fake.wait_for(lambda: len(self.fake.sent(chat_id)) >= count)
        return [c.params["text"] for c in self.fake.sent(chat_id)]


@asynccontextmanager
async def bot(tmp_path: Path, service: Service, rate_limit: bool = False,
              flood: FloodGate | None = None) -> AsyncIterator[Harness]:
    fake = FakeTelegram()
    await fake.start()
    settings = load_settings({"TELEGRAM_BOT_TOKEN": fake.token,
                              "TELEGRAM_API_BASE_URL": fake.base_url,
                              "WIJKWIJZER_DB": str(tmp_path / "bot.sqlite3")},
                             dotenv=tmp_path / "absent.env")
    storage = await Storage.open(settings.db_path)
    app = build_application(settings, service, storage,
                            BotOptions(rate_limit=rate_limit, pace_seconds=0.0))
    if flood is not None:
        app.bot_data["deps"].flood = flood
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield Harness(fake, app, storage)
        # Every end-to-end test also checks that the bot made no request Telegram would
        # refuse ("message is not modified", too long, bad markup, ...).
        refused = [(c.method, c.status) for c in fake.bot_caused_errors()]
        assert not refused, f"bot-caused 4xx: {refused}"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)  # as run_polling does: the update journal closes
        await storage.close()
        await fake.stop()


def run(tmp_path: Path, service: Service, body: Callable[[Harness], Awaitable[None]],
        **kwargs: Any) -> None:
    async def main() -> None:
        async with bot(tmp_path, service, **kwargs) as harness:
            await body(harness)

    asyncio.run(main())


def buttons(call_params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = call_params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def test_a_private_question_gets_an_answer_card(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("wat doet het cjg")
        (text,) = await h.replies(1)
        assert text.startswith("<b>Centrum voor Jeugd en Gezin")
        assert len(text.split()) <= 120 and "<i>Bron:" not in text  # the short card first
        datas = [b.get("callback_data") for b in buttons(h.fake.sent(CHAT)[0].params)]
        assert cb.encode(cb.Feedback("cjg", True)) in datas
        assert cb.encode(cb.Feedback("cjg", False)) in datas
        assert datas[0] == cb.encode(cb.Expand("cjg", True))
        for _ in range(50):  # counted right after sending
            if (await h.storage.stats("cjg")).asked:
                break
            await asyncio.sleep(0.02)
        assert (await h.storage.stats("cjg")).asked == 1

    run(tmp_path, service, body)


def test_more_opens_the_whole_answer_in_place_and_less_folds_it(tmp_path: Path,
                                                                 service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("wat doet het cjg")
        (short,) = await h.replies(1)
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Expand("cjg", True))))
        await h.fake.wait_for(lambda: bool(h.fake.of("editMessageText")))
        full = h.fake.of("editMessageText")[0].params
        assert "<i>Bron:" in full["text"] and len(full["text"]) > len(short)
        assert buttons(full)[0]["callback_data"] == cb.encode(cb.Expand("cjg", False))
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Expand("cjg", False))))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 2)
        assert h.fake.of("editMessageText")[1].params["text"] == short
        assert len(h.fake.sent(CHAT)) == 1  # everything happened in the one message

    run(tmp_path, service, body)


def test_pressing_the_page_that_is_shown_changes_nothing_and_asks_nothing(
        tmp_path: Path, service: Service) -> None:
    """No "message is not modified" from Telegram: the bot compares before it edits."""
    async def body(h: Harness) -> None:
        await h.say("/partners")
        await h.replies(1)
        same = cb.encode(cb.BrowsePartners("all", "all", 0))
        await h.fake.push(h.fake.callback(CHAT, same))
        await h.fake.push(h.fake.callback(CHAT, same))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 2)
        assert h.fake.of("editMessageText") == []

    run(tmp_path, service, body)


def test_the_commands_are_registered_in_the_menu(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        calls = h.fake.of("setMyCommands")
        assert len(calls) == 2
        assert {c.params.get("language_code") for c in calls} == {None, "nl"}
        names = [c["command"] for c in calls[0].params["commands"]]
        assert {"start", "partners", "situaties", "tips", "tip", "zoek", "help", "privacy",
                "over"} <= set(names)

    run(tmp_path, service, body)


def test_a_safety_signal_comes_first_and_stands_out(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("ik vermoed kindermishandeling bij een leerling")
        texts_sent = await h.replies(2)
        assert texts_sent[0].startswith("<b>") and "0800-2000" in texts_sent[0]
        assert "Veilig Thuis" in texts_sent[0]

    run(tmp_path, service, body)


def test_close_candidates_become_a_choice(tmp_path: Path, service: Service) -> None:
    question = next(q for q in ("verzuim", "luxe verzuim melden", "pesten", "privacy",
                                "gemeentelijke plannen voor de wijk", "Schoolleider aan het woord",
                                "Psychische klachten") if service.ask(q).clarify)

    async def body(h: Harness) -> None:
        await h.say(question)
        (text,) = await h.replies(1)
        assert text == texts.CLARIFY
        options = [cb.decode(b["callback_data"]) for b in buttons(h.fake.sent(CHAT)[0].params)]
        assert len(options) >= 3 and all(isinstance(o, cb.OpenEntry) for o in options[:-1])
        assert options[-1] == cb.Rephrase()  # "geen van beide"

    run(tmp_path, service, body)


def test_no_answer_gives_a_friendly_hint(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("qwertyuiop asdfgh")
        (text,) = await h.replies(1)
        assert "IB&#x27;er" in text or "IB'er" in text

    run(tmp_path, service, body)


def test_a_button_opens_the_entry(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.OpenEntry("leerplicht"))))
        (text,) = await h.replies(1)
        assert "Leerplichtambtenaar" in text
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))

    run(tmp_path, service, body)


def test_browsing_partners_pages_through_an_edited_message(tmp_path: Path,
                                                          service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("/partners")
        await h.replies(1)
        first = buttons(h.fake.sent(CHAT)[0].params)
        assert any(cb.decode(b["callback_data"]) == cb.BrowsePartners("all", "all", 1)
                   for b in first)
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.BrowsePartners("all", "all", 1))))
        await h.fake.wait_for(lambda: bool(h.fake.of("editMessageText")))
        edited = h.fake.of("editMessageText")[0].params
        assert "(2/" in edited["text"]
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.BrowsePartners("wijk", "all", 0))))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 2)

    run(tmp_path, service, body)


@pytest.mark.parametrize("command", ["/situaties", "/tips", "/tip", "/help", "/privacy",
                                     "/over", "/start", "/start cjg", "/zoek bieb", "/zoek"])
def test_every_command_sends_valid_html(tmp_path: Path, service: Service, command: str) -> None:
    async def body(h: Harness) -> None:
        await h.say(command)
        sent = await h.replies(1)
        assert sent[0]
        if command == "/start cjg":
            assert sent[0].startswith("<b>Centrum voor Jeugd en Gezin")
        if command == "/start":
            assert buttons(h.fake.sent(CHAT)[0].params)  # example questions

    run(tmp_path, service, body)


def test_feedback_is_counted_and_thanked(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Feedback("cjg", True))))
        await h.fake.push(h.fake.callback(7, cb.encode(cb.Feedback("cjg", False))))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 2)
        assert h.fake.of("answerCallbackQuery")[0].params["text"] == texts.FEEDBACK_THANKS
        stats = await h.storage.stats("cjg")
        assert (stats.thumbs_up, stats.thumbs_down) == (1, 1)

    run(tmp_path, service, body)


def test_a_vote_counts_once_per_user_and_can_be_changed_or_withdrawn(
        tmp_path: Path, service: Service) -> None:
    up, down = cb.encode(cb.Feedback("cjg", True)), cb.encode(cb.Feedback("cjg", False))

    async def body(h: Harness) -> None:
        for data in (up, up, up, up, up):  # five presses: on, off, on, off, on
            await h.fake.push(h.fake.callback(CHAT, data))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 5)
        assert ((await h.storage.stats("cjg")).thumbs_up,
                (await h.storage.stats("cjg")).thumbs_down) == (1, 0)
        await h.fake.push(h.fake.callback(CHAT, down))  # changed: 👍 becomes 👎
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 6)
        answered = [c.params.get("text") for c in h.fake.of("answerCallbackQuery")]
        assert answered[1] == texts.FEEDBACK_WITHDRAWN and answered[5] == texts.FEEDBACK_CHANGED
        stats = await h.storage.stats("cjg")
        assert (stats.thumbs_up, stats.thumbs_down) == (0, 1)

    run(tmp_path, service, body)


def test_after_a_thumbs_down_the_bot_asks_what_was_missing(tmp_path: Path,
                                                          service: Service) -> None:
    from bot.storage import CuratorLog

    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Feedback("cjg", False))))
        (ask,) = await h.replies(1)
        assert "Wat miste je?" in ask
        prompt = max(h.fake.messages)
        await h.say("het telefoonnummer van Daan de Jong 06-12345678 ontbrak", chat_id=CHAT,
                    reply_to_message=h.fake.messages[prompt])
        sent = await h.replies(2)
        assert sent[-1] == texts.FEEDBACK_NOTED
        (missing,) = await CuratorLog(h.storage).missing()
        assert missing.startswith("cjg: ") and "Daan" not in missing and "0612" not in missing
        assert "06-12345678" not in missing

    run(tmp_path, service, body)


@pytest.mark.parametrize("data", ["garbage", "w1:a:bestaat-niet", "w1:f:x:cjg", "w0:a:cjg",
                                  "w1:a:" + "a" * 70, "w1:p:maan:po:0", "'; DROP TABLE x;--"])
def test_forged_or_old_buttons_get_a_polite_notice(tmp_path: Path, service: Service,
                                                   data: str) -> None:
    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.callback(CHAT, data))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))
        params = h.fake.of("answerCallbackQuery")[0].params
        assert params["text"] == texts.STALE_BUTTON
        assert h.fake.sent(CHAT) == []
        assert await h.storage.all_stats() == []

    run(tmp_path, service, body)


def test_a_group_hears_only_what_is_meant_for_the_bot(tmp_path: Path, service: Service) -> None:
    group = -100123

    async def body(h: Harness) -> None:
        await h.say("wat doet het cjg", chat_id=group, kind="group", user_id=7)
        mention = "@wijkwijzer_test_bot wat doet het cjg"
        await h.say(mention, chat_id=group, kind="group", user_id=7,
                    entities=[{"type": "mention", "offset": 0, "length": 20}])
        (text,) = await h.replies(1, chat_id=group)
        assert "Centrum voor Jeugd en Gezin" in text
        params = h.fake.sent(group)[0].params
        assert params.get("reply_parameters")
        more = buttons(params)[0]  # the whole answer opens in a private chat
        assert more["url"] == "https://t.me/wijkwijzer_test_bot?start=cjg"
        await asyncio.sleep(0.3)
        assert len(h.fake.sent(group)) == 1

    run(tmp_path, service, body)


def test_a_safety_signal_in_a_group_always_gets_the_notice(tmp_path: Path,
                                                           service: Service) -> None:
    group = -100124

    async def body(h: Harness) -> None:
        await h.say("een leerling praat over zelfmoord", chat_id=group, kind="group", user_id=8)
        (text,) = await h.replies(1, chat_id=group)
        assert "113" in text

    run(tmp_path, service, body)


def test_the_bot_introduces_itself_once_in_a_new_group(tmp_path: Path,
                                                       service: Service) -> None:
    group = -100125

    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.added_to_group(group, 9))
        (text,) = await h.replies(1, chat_id=group)
        assert "Wijkwijzer" in text

    run(tmp_path, service, body)


def test_inline_queries_offer_answer_cards_to_share(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.inline(11, "bieb"))
        await h.fake.push(h.fake.inline(12, "kind praat over zelfmoord"))
        await h.fake.push(h.fake.inline(13, ""))
        await h.fake.wait_for(lambda: len(h.fake.of("answerInlineQuery")) >= 3)
        by_query = {}
        for call in h.fake.of("answerInlineQuery"):
            by_query[call.params["inline_query_id"]] = call.params["results"]
        results = list(by_query.values())
        assert any(r and r[0]["id"] == "bibliotheek" for r in results)
        assert any(r and r[0]["id"] == "safety" for r in results)
        assert all(len(r) <= 10 for r in results)
        assert all(r for r in results)  # the empty query offers the most asked

    run(tmp_path, service, body)


@pytest.mark.parametrize("extra", [
    {"sticker": {"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1,
                 "is_animated": False, "is_video": False, "type": "regular"}},
    {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]},
    {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 1}},
    {"location": {"latitude": 52.3, "longitude": 4.9}},
    {"document": {"file_id": "d", "file_unique_id": "u"}},
])
def test_messages_that_are_not_text_get_a_hint(tmp_path: Path, service: Service,
                                               extra: dict[str, Any]) -> None:
    async def body(h: Harness) -> None:
        await h.fake.push(h.fake.message(CHAT, None, **extra))
        (text,) = await h.replies(1)
        assert text == texts.NON_TEXT

    run(tmp_path, service, body)


def test_replies_in_one_chat_keep_their_order(tmp_path: Path, service: Service) -> None:
    questions = ["wat doet het cjg", "leerplichtambtenaar", "bibliotheek", "jongerenwerk",
                 "brugfunctionaris"]
    expected = [service.ask(q).answers[0].title for q in questions]

    async def body(h: Harness) -> None:
        for q in questions:
            await h.say(q)
        sent = await h.replies(len(questions))
        titles = [next(t for t in expected if s.startswith(f"<b>{t}")) for s in sent]
        assert titles == expected

    run(tmp_path, service, body)


def test_a_flooding_user_is_slowed_down_politely(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        for _ in range(6):
            await h.say("wat doet het cjg")
        await h.fake.wait_for(lambda: any(c.params["text"] == texts.SLOW_DOWN
                                          for c in h.fake.sent(CHAT)))
        await asyncio.sleep(0.3)
        sent = [c.params["text"] for c in h.fake.sent(CHAT)]
        assert sent.count(texts.SLOW_DOWN) == 1
        assert len(sent) == 4  # three answers and one notice

    run(tmp_path, service, body, flood=FloodGate(rate=0.01, burst=3))


def test_a_429_is_retried_and_nothing_is_lost(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        await h.say("wat doet het cjg")
        (text,) = await h.replies(1)
        assert "Centrum voor Jeugd en Gezin" in text
        assert [c.status for c in h.fake.of("sendMessage")] == [429, 200]

    run(tmp_path, service, body, rate_limit=True)


def test_a_server_error_is_retried_and_nothing_is_lost(tmp_path: Path,
                                                       service: Service) -> None:
    async def body(h: Harness) -> None:
        h.fake.fail("sendMessage", 502, "Bad Gateway", times=2)
        await h.say("wat doet het cjg")
        (text,) = await h.replies(1)
        assert text.startswith("<b>Centrum voor Jeugd en Gezin")
        assert [c.status for c in h.fake.of("sendMessage")] == [502, 502, 200]

    run(tmp_path, service, body)


@pytest.mark.parametrize("method", ["editMessageText", "answerCallbackQuery"])
def test_a_server_error_on_any_api_call_is_retried(tmp_path: Path, service: Service,
                                                   method: str) -> None:
    """Not only sendMessage: a page turn and a button answer survive two 502s as well."""
    async def body(h: Harness) -> None:
        await h.say("/partners")
        await h.replies(1)
        h.fake.fail(method, 502, "Bad Gateway", times=2)
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.BrowsePartners("all", "all", 1))))
        await h.fake.wait_for(lambda: any(c.status == 200 for c in h.fake.of(method)))
        assert [c.status for c in h.fake.of(method)][:3] == [502, 502, 200]

    run(tmp_path, service, body, rate_limit=True)


def test_an_update_the_library_cannot_read_is_skipped_and_the_rest_answered(
        tmp_path: Path, service: Service, caplog: pytest.LogCaptureFixture) -> None:
    async def body(h: Harness) -> None:
        poison = h.fake.message(CHAT, None)
        poison["message"]["poll"] = {"question": "geheime peiling"}  # required fields missing
        await h.fake.push(poison)
        await h.say("wat doet het cjg")
        (text,) = await h.replies(1)
        assert text.startswith("<b>Centrum voor Jeugd en Gezin")
        polls = len(h.fake.of("getUpdates"))
        await asyncio.sleep(0.5)
        assert len(h.fake.of("getUpdates")) - polls < 20  # no hot loop on the same batch

    with caplog.at_level(logging.INFO):
        run(tmp_path, service, body)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "skipped update" in logged and "geheime peiling" not in logged


def test_buttons_pass_the_flood_gate_too(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        for _ in range(5):
            await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Feedback("cjg", True))))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 5)
        answered = [c.params.get("text") for c in h.fake.of("answerCallbackQuery")]
        assert answered.count(texts.SLOW_DOWN_BUTTON) == 3
        assert (await h.storage.stats("cjg")).thumbs_up == 0  # counted, then withdrawn

    run(tmp_path, service, body, flood=FloodGate(rate=0.001, burst=2))


def test_guessing_invitation_codes_is_slowed_down(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        for i in range(6):
            await h.say(f"/code GOKK-{i:04d}", chat_id=STRANGER)
        await asyncio.sleep(0.5)
        sent = [c.params["text"] for c in h.fake.sent(STRANGER)]
        assert sent.count(texts.CODE_BAD) == 3 and texts.SLOW_DOWN in sent

    run(tmp_path, service, body)


def test_a_failing_getupdates_does_not_stop_the_bot(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        h.fake.fail("getUpdates", 500, "Internal Server Error", times=2)
        await h.say("wat doet het cjg")
        (text,) = await h.replies(1)
        assert "Centrum" in text

    run(tmp_path, service, body)


def test_updates_fetched_before_stopping_are_answered(tmp_path: Path, service: Service) -> None:
    async def main() -> None:
        async with bot(tmp_path, service) as h:
            for i in range(12):
                await h.say("wat doet het cjg", chat_id=CHAT + i)
            await h.fake.wait_for(lambda: len(h.fake.sent()) > 0)  # the batch was fetched
            fake = h.fake
        # the context manager stopped the application: whatever was fetched was answered
        assert len(fake.sent()) == 12

    asyncio.run(main())


def test_errors_are_logged_without_text_or_token(tmp_path: Path, service: Service,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    secret_question = "geheime vraag over wijkteam"

    async def body(h: Harness) -> None:
        h.fake.fail("sendMessage", 400, "Bad Request: chat not found")
        await h.say(secret_question)
        await h.replies(1)  # the error notice

    with caplog.at_level(logging.DEBUG):  # even when an operator turns on debug logging
        run(tmp_path, service, body)
    # the fake Bot API's own (tornado) log is test scaffolding; everything else is the bot's
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith("tornado"))
    assert "BadRequest" in logged and "message update" in logged
    assert "handlers/sending.py:" in logged  # where it happened
    assert secret_question not in logged
    assert FakeTelegram().token not in logged


def test_a_locked_database_is_told_as_busy_and_changes_nothing(tmp_path: Path,
                                                                service: Service) -> None:
    import sqlite3

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await h.storage._db.execute("PRAGMA busy_timeout = 100")
        other = sqlite3.connect(h.storage.path)
        other.execute("BEGIN EXCLUSIVE")  # a backup or another process holds the file
        try:
            await h.say("/uitnodigen voorbeeld-noord", chat_id=ADMIN)
            (told,) = await h.replies(1, chat_id=ADMIN)
        finally:
            other.rollback()
            other.close()
        assert told == texts.STORAGE_BUSY

    run(tmp_path, service, body)


def test_the_token_is_redacted_from_any_log_record() -> None:
    from bot.app import RedactingFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "url %s/getMe", ("bot123:abc",),
                               None)
    RedactingFilter("123:abc").filter(record)
    assert record.getMessage() == "url bot[token]/getMe"


def test_webhook_mode_answers_only_updates_with_the_secret(tmp_path: Path,
                                                           service: Service) -> None:
    import json
    import socket
    import urllib.error
    import urllib.request

    async def main() -> None:
        fake = FakeTelegram()
        await fake.start()
        settings = load_settings({"TELEGRAM_BOT_TOKEN": fake.token,
                                  "TELEGRAM_API_BASE_URL": fake.base_url},
                                 dotenv=tmp_path / "absent.env")
        storage = await Storage.open(tmp_path / "hook.sqlite3")
        app = build_application(settings, service, storage,
                                BotOptions(rate_limit=False, pace_seconds=0.0))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                        webhook_url="https://bot.example.nl/hook",
                                        secret_token="s3cret")
        try:
            update = {"update_id": 1, **fake.message(CHAT, "wat doet het cjg")}

            def post(secret: str) -> int:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/hook", json.dumps(update).encode(),
                    {"Content-Type": "application/json",
                     "X-Telegram-Bot-Api-Secret-Token": secret}, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        return int(response.status)
                except urllib.error.HTTPError as exc:
                    return int(exc.code)

            assert await asyncio.to_thread(post, "wrong") == 403
            assert await asyncio.to_thread(post, "s3cret") == 200
            await fake.wait_for(lambda: len(fake.sent(CHAT)) >= 1)
            assert "Centrum voor Jeugd en Gezin" in fake.sent(CHAT)[0].params["text"]
            set_hook = fake.of("setWebhook")[0].params
            assert set_hook["secret_token"] == "s3cret"
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await storage.close()
            await fake.stop()

    asyncio.run(main())


def test_personal_data_gets_one_reminder(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("mijn leerling Jan spijbelt steeds")
        sent = await h.replies(2)
        assert sent[1] == texts.PRIVACY_REMINDER
        await h.say("mijn leerling Piet spijbelt ook")
        await h.replies(3)
        await asyncio.sleep(0.3)
        assert [c.params["text"] for c in h.fake.sent(CHAT)].count(sent[1]) == 1

    run(tmp_path, service, body)


def test_a_chosen_wijk_shows_its_local_route_under_the_answer(tmp_path: Path,
                                                              service: Service) -> None:
    from bot.routes import RouteDraft
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        await RouteStore(h.storage).add(RouteDraft(
            "voorbeeld-noord", "cjg", "CJG Noord <inloop>", phone="020 123 4567"), "test")
        await h.say("/wijk")
        await h.replies(1)
        choices = [cb.decode(b["callback_data"]) for b in buttons(h.fake.sent(CHAT)[0].params)]
        assert cb.ChooseWijk("voorbeeld-noord") in choices
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.ChooseWijk("voorbeeld-noord"))))
        await h.replies(2)
        await h.say("wat doet het cjg")
        sent = await h.replies(3)
        assert "In jouw wijk (Voorbeeldwijk Noord (voorbeeld))" in sent[2]
        assert "CJG Noord &lt;inloop&gt; · 020 123 4567" in sent[2]

    run(tmp_path, service, body)


def test_a_wijk_deep_link_preselects_the_wijk(tmp_path: Path, service: Service) -> None:
    from bot.storage import PeopleStore

    async def body(h: Harness) -> None:
        await h.say("/start wijk_voorbeeld-zuid")
        (text,) = await h.replies(1)
        assert "Voorbeeldwijk Zuid" in text
        assert await PeopleStore(h.storage).wijk_of(CHAT) == "voorbeeld-zuid"

    run(tmp_path, service, body)


def test_users_see_and_delete_what_is_stored_about_them(tmp_path: Path,
                                                        service: Service) -> None:
    from bot.storage import PeopleStore

    async def body(h: Harness) -> None:
        await h.say("/mijngegevens")
        (nothing,) = await h.replies(1)
        assert nothing == texts.MY_DATA_NOTHING
        await h.say("/start wijk_voorbeeld-noord")
        await h.say("/mijngegevens")
        sent = await h.replies(3)
        assert "Voorbeeldwijk Noord" in sent[2]
        await h.say("/vergeetmij")
        await h.replies(4)
        datas = [cb.decode(b["callback_data"]) for b in buttons(h.fake.sent(CHAT)[3].params)]
        assert datas == [cb.ForgetMe(True, CHAT), cb.ForgetMe(False, CHAT)]
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.ForgetMe(True, CHAT))))
        await h.fake.wait_for(lambda: bool(h.fake.of("editMessageText")))
        assert h.fake.of("editMessageText")[0].params["text"] == texts.FORGET_DONE
        assert await PeopleStore(h.storage).wijk_of(CHAT) is None

    run(tmp_path, service, body)


ADMIN, EDITOR, STRANGER = 9001, 9002, 9003


async def _invite_and_join(h: Harness, wijk: str, role_arg: str, user: int) -> None:
    await h.say(f"/uitnodigen {wijk} {role_arg}".strip(), chat_id=ADMIN)
    (made,) = await h.replies(1, chat_id=ADMIN)
    code = made.split("<code>")[1].split("</code>")[0]
    await h.say(f"/code {code}", chat_id=user)
    await h.replies(1, chat_id=user)


async def _press(h: Harness, chat: int, action: cb.Action, replies: int) -> list[str]:
    await h.fake.push(h.fake.callback(chat, cb.encode(action)))
    return await h.replies(replies, chat_id=chat)


def test_an_invited_editor_adds_a_route_with_preview_confirmation_and_undo(
        tmp_path: Path, service: Service) -> None:
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        assert "redacteur" in h.fake.sent(EDITOR)[0].params["text"]
        await h.say("/route", chat_id=EDITOR)
        await h.replies(2, chat_id=EDITOR)
        await _press(h, EDITOR, cb.RouteStep("act", "add"), 3)
        await _press(h, EDITOR, cb.RouteStep("wijk", "voorbeeld-noord"), 4)
        await h.say("wijkteam", chat_id=EDITOR)
        sent = await h.replies(5, chat_id=EDITOR)
        assert "Kies de partner" in sent[-1]
        await _press(h, EDITOR, cb.RouteStep("entry", "wijkteam"), 6)
        for i, value in enumerate(["Wijkteam Noord <test>", "020-12", "020-1234567", "-", "-",
                                   "ma 9-12 uur", "-"]):
            await h.say(value, chat_id=EDITOR)
            sent = await h.replies(7 + i, chat_id=EDITOR)
        assert "10 cijfers" in sent[-6]  # the bad phone number was refused and asked again
        sent = await _press(h, EDITOR, cb.RouteStep("internal", "n"), 14)
        assert "Voorbeeld" in sent[-1] and "Wijkteam Noord &lt;test&gt; · 020 123 4567" in sent[-1]
        sent = await _press(h, EDITOR, cb.RouteStep("save", ""), 15)
        assert sent[-1] == "De route is opgeslagen."
        routes = RouteStore(h.storage)
        (route,) = await routes.routes_for("voorbeeld-noord", ["wijkteam"])
        assert route.added_by == f"user:{EDITOR}"
        await h.fake.push(h.fake.callback(EDITOR, cb.encode(cb.RouteStep("undo", str(route.id)))))
        await h.fake.wait_for(lambda: any(c.params.get("text") == "Ongedaan gemaakt."
                                          for c in h.fake.of("answerCallbackQuery")))
        assert await routes.routes_for("voorbeeld-noord", ["wijkteam"]) == []
        assert [a for _, a, _ in await routes.audit_trail(route.id)] == ["add", "remove"]

    run(tmp_path, service, body)


def test_nobody_else_can_change_anything(tmp_path: Path, service: Service) -> None:
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await h.say("/route", chat_id=STRANGER)
        await h.say("/uitnodigen voorbeeld-noord", chat_id=STRANGER)
        await h.say("/redacteuren", chat_id=STRANGER)
        sent = await h.replies(3, chat_id=STRANGER)
        assert all(s == texts.NOT_ALLOWED for s in sent)
        for forged in (cb.RouteStep("save", ""), cb.RouteStep("undo", "1"),
                       cb.Revoke(EDITOR, "voorbeeld-noord", "yes"),
                       cb.RouteStep("act", "add")):
            await h.fake.push(h.fake.callback(STRANGER, cb.encode(forged)))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 4)
        assert await RouteStore(h.storage).all_routes() == []
        assert len(h.fake.sent(STRANGER)) == 3

    run(tmp_path, service, body)


def test_members_see_internal_routes_and_codes_work_once(tmp_path: Path,
                                                         service: Service) -> None:
    from bot.routes import RouteDraft
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        routes = RouteStore(h.storage)
        await routes.add(RouteDraft("voorbeeld-noord", "cjg", "CJG intern nummer",
                                    phone="020 123 4567", internal=True), "test")
        await h.say("/start wijk_voorbeeld-noord", chat_id=STRANGER)
        await h.say("wat doet het cjg", chat_id=STRANGER)
        sent = await h.replies(2, chat_id=STRANGER)
        assert "CJG intern nummer" not in sent[-1]
        await h.say("/uitnodigen voorbeeld-noord lid", chat_id=ADMIN)
        (made,) = await h.replies(1, chat_id=ADMIN)
        code = made.split("<code>")[1].split("</code>")[0]
        await h.say(f"/code {code}", chat_id=EDITOR)
        await h.say(f"/code {code}", chat_id=STRANGER)  # a second use
        await h.replies(1, chat_id=EDITOR)
        sent = await h.replies(3, chat_id=STRANGER)
        assert sent[-1] == texts.CODE_BAD
        await h.say("wat doet het cjg", chat_id=EDITOR)
        sent = await h.replies(2, chat_id=EDITOR)
        assert "CJG intern nummer" in sent[-1]

    run(tmp_path, service, body)


def test_admins_list_and_revoke_editors(tmp_path: Path, service: Service) -> None:
    from bot.storage import PeopleStore

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        h.fake.names[EDITOR] = "Ada"
        await _invite_and_join(h, "voorbeeld-zuid", "", EDITOR)
        await h.say("/redacteuren", chat_id=ADMIN)
        sent = await h.replies(2, chat_id=ADMIN)
        assert sent[-1] == texts.EDITORS_TITLE
        (listed,) = buttons(h.fake.sent(ADMIN)[-1].params)
        assert listed["text"].startswith("✖ Ada · voorbeeld-zuid")  # a name, not a number
        # the first press only asks; nothing is revoked yet
        await h.fake.push(h.fake.callback(ADMIN, listed["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 1)
        asked = h.fake.of("editMessageText")[-1].params
        assert "rechten van <b>Ada</b>" in asked["text"]
        assert await PeopleStore(h.storage).role_in(EDITOR, "voorbeeld-zuid") == "editor"
        no, = [b for b in buttons(asked) if b["text"] == texts.REVOKE_NO]
        await h.fake.push(h.fake.callback(ADMIN, no["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 2)
        assert await PeopleStore(h.storage).role_in(EDITOR, "voorbeeld-zuid") == "editor"
        await h.fake.push(h.fake.callback(ADMIN, listed["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 3)
        yes, = [b for b in buttons(h.fake.of("editMessageText")[-1].params)
                if b["text"] == texts.REVOKE_YES]
        await h.fake.push(h.fake.callback(ADMIN, yes["callback_data"]))
        await h.fake.wait_for(lambda: any(c.params.get("text") == texts.REVOKED
                                          for c in h.fake.of("answerCallbackQuery")))
        assert await PeopleStore(h.storage).role_in(EDITOR, "voorbeeld-zuid") is None

    run(tmp_path, service, body)


def test_unanswered_questions_reach_the_curators_redacted(tmp_path: Path,
                                                          service: Service) -> None:
    from bot.storage import CuratorLog

    async def body(h: Harness) -> None:
        await h.say("mijn leerling Piet wil een qwertyuiop")
        await h.replies(1)
        await asyncio.sleep(0.1)
        assert h.deps.curator is not None
        await h.deps.curator.flush()  # what the flush job does every two seconds
        rows = await CuratorLog(h.storage).unanswered()
        (text, count), = rows
        assert count == 1 and "Piet" not in text and "[naam]" in text

    run(tmp_path, service, body)


def test_editors_are_reminded_of_routes_not_checked_for_six_months(tmp_path: Path,
                                                                   service: Service) -> None:
    from telegram.ext import CallbackContext

    from bot.routes import RouteDraft
    from bot.storage import RouteStore
    from handlers.route_edit import send_stale_reminders

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        routes = RouteStore(h.storage)
        rid = await routes.add(RouteDraft("voorbeeld-noord", "cjg", "CJG Noord",
                                          phone="020 123 4567"), "test")
        await h.storage._db.execute(
            "UPDATE routes SET checked = datetime('now', '-200 days') WHERE id = ?", (rid,))
        await h.storage._db.commit()
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        assert await send_stale_reminders(CallbackContext(h.app)) == 1
        sent = await h.replies(2, chat_id=EDITOR)
        assert "zes maanden" in sent[-1]
        await h.fake.push(h.fake.callback(STRANGER, cb.encode(cb.RouteStep("confirm",
                                                                            str(rid)))))
        await h.fake.push(h.fake.callback(EDITOR, cb.encode(cb.RouteStep("confirm",
                                                                          str(rid)))))
        await h.fake.wait_for(lambda: len(h.fake.of("answerCallbackQuery")) >= 2)
        assert await routes.stale_routes() == []
        answers = [c.params.get("text") for c in h.fake.of("answerCallbackQuery")]
        assert texts.NOT_ALLOWED in answers

    run(tmp_path, service, body)


def test_inline_cards_carry_the_local_route_and_schools_can_be_chosen(
        tmp_path: Path, service: Service) -> None:
    from bot.routes import RouteDraft
    from bot.storage import PeopleStore, RouteStore

    async def body(h: Harness) -> None:
        routes = RouteStore(h.storage)
        await routes.add(RouteDraft("voorbeeld-noord", "bibliotheek", "Bieb Noord",
                                    phone="020 123 4567"), "test")
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.ChooseWijk("voorbeeld-noord"))))
        (chosen,) = await h.replies(1)
        assert "school" in chosen
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.ChooseSchool("voorbeeld-noord", 0))))
        await h.replies(2)
        school = await PeopleStore(h.storage).school_of(CHAT)
        assert school == "Voorbeeldschool De Linde (voorbeeld)"
        await h.fake.push(h.fake.inline(CHAT, "bieb"))
        await h.fake.wait_for(lambda: bool(h.fake.of("answerInlineQuery")))
        results = h.fake.of("answerInlineQuery")[0].params["results"]
        card = results[0]["input_message_content"]["message_text"]
        assert "Bieb Noord · 020 123 4567" in card

    run(tmp_path, service, body)


def test_the_praatplaat_is_sent_as_a_photo_with_its_text_version(tmp_path: Path,
                                                                 service: Service) -> None:
    from bot.routes import RouteDraft
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        await h.say("/praatplaat")
        await h.fake.wait_for(lambda: bool(h.fake.of("sendPhoto")))
        first = h.fake.of("sendPhoto")[0].params
        assert first["photo"].startswith(b"\x89PNG") and "alle partners" in first["caption"]
        assert buttons(first)  # "kies je wijk"
        texts_sent = await h.replies(1)
        assert "Kind en ouders staan in het midden" in texts_sent[0]
        await RouteStore(h.storage).add(RouteDraft("voorbeeld-noord", "wijkteam", "Team Noord",
                                                   phone="020 123 4567"), "test")
        await h.say("/start wijk_voorbeeld-noord")
        await h.replies(2)
        await h.say("/praatplaat")
        await h.fake.wait_for(lambda: len(h.fake.of("sendPhoto")) >= 2)
        sent = await h.replies(3)
        assert "Wijkteam of buurtteam (is er nu)" in sent[-1]

    run(tmp_path, service, body)


def test_editors_mark_partners_and_the_picture_follows(tmp_path: Path,
                                                       service: Service) -> None:
    from bot.storage import RouteStore

    async def body(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        await h.say("/markeren", chat_id=STRANGER)
        (refused,) = await h.replies(1, chat_id=STRANGER)
        assert refused == texts.NOT_ALLOWED
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        await h.say("/markeren", chat_id=EDITOR)
        sent = await h.replies(2, chat_id=EDITOR)
        assert "Praatplaat markeren" in sent[-1]
        for _ in range(2):  # none -> now -> wanted
            await h.fake.push(h.fake.callback(EDITOR, cb.encode(cb.PlateMark("bibliotheek", 0))))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 2)
        assert (await RouteStore(h.storage).marks("voorbeeld-noord"))["bibliotheek"][0] == "wanted"
        await h.fake.push(h.fake.callback(STRANGER, cb.encode(cb.PlateMark("cjg", 0))))
        await h.fake.wait_for(lambda: any(c.params.get("text") == texts.NOT_ALLOWED
                                          for c in h.fake.of("answerCallbackQuery")))
        assert "cjg" not in await RouteStore(h.storage).marks("voorbeeld-noord")
        await h.say("/praatplaat", chat_id=EDITOR)
        await h.fake.wait_for(lambda: bool(h.fake.of("sendPhoto")))
        sent = await h.replies(3, chat_id=EDITOR)
        assert "Bibliotheek (gewenst)" in sent[-1]

    run(tmp_path, service, body)


def test_the_sociale_kaart_is_sent_as_a_pdf(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("/kaart")
        await h.fake.wait_for(lambda: bool(h.fake.of("sendDocument")))
        params = h.fake.of("sendDocument")[0].params
        assert params["document"].startswith(b"%PDF")

    run(tmp_path, service, body)


def test_the_praatplaat_of_a_given_wijk(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("/praatplaat voorbeeld-zuid")
        await h.fake.wait_for(lambda: bool(h.fake.of("sendPhoto")))
        assert "Voorbeeldwijk Zuid" in h.fake.of("sendPhoto")[0].params["caption"]

    run(tmp_path, service, body)


def test_an_answer_never_waits_behind_a_write_stuck_on_a_lock(tmp_path: Path,
                                                              service: Service) -> None:
    import sqlite3

    from bot.routes import RouteDraft
    from bot.storage import RouteStore

    voter = CHAT + 5

    async def body(h: Harness) -> None:
        await RouteStore(h.storage).add(RouteDraft(
            "voorbeeld-noord", "cjg", "CJG Noord", phone="020 123 4567"), "test")
        await h.local.choose_wijk(CHAT, "voorbeeld-noord")
        await h.storage._db.execute("PRAGMA busy_timeout = 3000")
        other = sqlite3.connect(h.storage.path)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            # a vote: its write now waits up to 3 s for the lock
            await h.fake.push(h.fake.callback(voter, cb.encode(cb.Feedback("cjg", True))))
            await asyncio.sleep(0.2)
            await h.say("wat doet het cjg")  # needs the user's wijk and its routes
            (answer,) = await h.replies(1)
            vote_answered = bool(h.fake.of("answerCallbackQuery"))
        finally:
            other.rollback()
            other.close()
        assert "CJG Noord · 020 123 4567" in answer
        assert not vote_answered  # the answer came while the write was still waiting
        await h.fake.wait_for(lambda: bool(h.fake.of("answerCallbackQuery")))

    run(tmp_path, service, body)


def test_in_a_group_the_praatplaat_comes_without_its_text_block(tmp_path: Path,
                                                                 service: Service) -> None:
    group = -100_4242

    async def body(h: Harness) -> None:
        await h.say("/praatplaat voorbeeld-zuid", chat_id=group, kind="supergroup", user_id=7)
        await h.fake.wait_for(lambda: bool(h.fake.of("sendPhoto")))
        photo = h.fake.of("sendPhoto")[0].params
        assert "Voorbeeldwijk Zuid" in photo["caption"]
        (link,) = buttons(photo)
        assert link["url"].endswith("?start=plaat_voorbeeld-zuid")
        await asyncio.sleep(0.3)
        assert h.fake.sent(group) == []  # no long text in the group
        # the button opens the private chat, where /start plaat_<wijk> brings both
        await h.say("/start plaat_voorbeeld-zuid", chat_id=7)
        await h.fake.wait_for(lambda: len(h.fake.of("sendPhoto")) >= 2)
        (text,) = await h.replies(1, chat_id=7)
        assert "Kind en ouders staan in het midden" in text

    run(tmp_path, service, body)


def test_restarts_neither_resend_nor_skip_the_weekly_reminder(tmp_path: Path,
                                                              service: Service) -> None:
    import datetime as dt

    from telegram.ext import CallbackContext

    from bot.routes import RouteDraft
    from bot.schedule import SLOTS, last_slot
    from bot.storage import RouteStore
    from handlers.jobs import run_due

    weekly = next(s for s in SLOTS if s.name == "stale-routes")

    def reminders(h: Harness) -> int:
        return sum("zes maanden" in c.params["text"] for c in h.fake.sent(EDITOR))

    async def first_start(h: Harness) -> None:
        h.local.admins = frozenset({ADMIN})
        rid = await RouteStore(h.storage).add(RouteDraft(
            "voorbeeld-noord", "cjg", "CJG Noord", phone="020 123 4567"), "test")
        await h.storage._db.execute(
            "UPDATE routes SET checked = datetime('now', '-200 days') WHERE id = ?", (rid,))
        await h.storage._db.commit()
        await _invite_and_join(h, "voorbeeld-noord", "", EDITOR)
        await run_due(CallbackContext(h.app))  # a new deployment: nothing fires at once
        assert reminders(h) == 0
        # as if the job last ran just before the most recent Monday-morning slot
        slot = last_slot(weekly, dt.datetime.now(dt.UTC))
        await h.storage.set_last_run(weekly.name, slot - dt.timedelta(minutes=1))
        await run_due(CallbackContext(h.app))
        await h.fake.wait_for(lambda: reminders(h) == 1)  # the missed slot is served once
        await run_due(CallbackContext(h.app))
        assert reminders(h) == 1

    async def restart(h: Harness) -> None:
        await run_due(CallbackContext(h.app))
        await asyncio.sleep(0.2)
        assert reminders(h) == 0  # this run sent nothing: the slot was served before

    run(tmp_path, service, first_start)
    run(tmp_path, service, restart)
    run(tmp_path, service, restart)


async def _sent_media(h: Harness, method: str, count: int) -> None:
    await h.fake.wait_for(lambda: len(h.fake.of(method)) >= count)


def test_an_unchanged_praatplaat_or_kaart_is_sent_again_by_file_id(tmp_path: Path,
                                                                   service: Service) -> None:
    async def body(h: Harness) -> None:
        for command, method in (("/praatplaat voorbeeld-zuid", "sendPhoto"),
                                ("/kaart voorbeeld-zuid", "sendDocument")):
            for n in (1, 2):
                await h.say(command)
                await _sent_media(h, method, n)
        photos, documents = h.fake.of("sendPhoto"), h.fake.of("sendDocument")
        assert isinstance(photos[0].params["photo"], bytes)
        assert photos[1].params["photo"] == "file-1"  # no second upload
        assert isinstance(documents[0].params["document"], bytes)
        assert documents[1].params["document"] == "file-2"
        assert h.fake.uploads == 2

    run(tmp_path, service, body)


def test_in_a_region_wijk_asks_the_gemeente_first_and_pages_long_lists(
        tmp_path: Path, service: Service) -> None:
    from bot.areas import load_areas

    lines = ["regio: Regio Test", "gemeenten:"]
    for gemeente, count in (("Alfa", 45), ("Beta", 2)):
        lines += [f"- name: {gemeente}", "  wijken:"]
        lines += [f"  - {{id: {gemeente.lower()}-{i}, name: {gemeente} wijk {i}}}"
                  for i in range(count)]
    path = tmp_path / "regio.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    areas = load_areas(path, service.kb)

    def labels(call: Any) -> list[str]:
        return [b["text"] for b in buttons(call.params)]

    async def body(h: Harness) -> None:
        h.deps.areas = areas
        h.local.areas = areas
        await h.say("/wijk")
        await h.replies(1)
        first = h.fake.sent(CHAT)[0]
        assert labels(first)[:2] == ["Alfa", "Beta"]
        alfa = buttons(first.params)[0]["callback_data"]
        await h.fake.push(h.fake.callback(CHAT, alfa))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 1)
        page = h.fake.of("editMessageText")[-1]
        assert labels(page)[0] == "Alfa wijk 0" and len(labels(page)) <= 24
        assert texts.NEXT in labels(page) and texts.WIJK_GEMEENTEN in labels(page)
        more = next(b for b in buttons(page.params) if b["text"] == texts.NEXT)
        await h.fake.push(h.fake.callback(CHAT, more["callback_data"]))
        await h.fake.wait_for(lambda: len(h.fake.of("editMessageText")) >= 2)
        second = h.fake.of("editMessageText")[-1]
        assert labels(second)[0] == "Alfa wijk 20"
        pick = buttons(second.params)[1]["callback_data"]
        await h.fake.push(h.fake.callback(CHAT, pick))
        sent = await h.replies(2)
        assert "Alfa wijk 21" in sent[-1]

    run(tmp_path, service, body)
