"""Only what the bot serves is answered: channel posts, business messages and edits are left
alone (answering them would post into a channel, be refused with a 403, or be taken as the next
field of the /route form), but an edit that adds a safety signal still gets its notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.service import Service
from tests.test_bot_e2e import CHAT, Harness, run


def _as(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return {kind: body["message"]}


async def _then_a_question_is_answered(h: Harness) -> None:
    await h.say("wat doet het cjg")
    await h.fake.wait_for(lambda: len(h.fake.sent()) >= 1)
    assert [c.params["chat_id"] for c in h.fake.sent()] == [CHAT]


def test_a_channel_post_is_not_answered(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        post = h.fake.message(-100777, "wat doet het cjg", kind="channel")
        post["message"].pop("from")
        await h.fake.push(_as("channel_post", post))
        await _then_a_question_is_answered(h)
    run(tmp_path, service, body)


def test_a_business_message_is_not_answered(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        message = h.fake.message(5151, "wat doet het cjg")
        message["message"]["business_connection_id"] = "bc-1"
        await h.fake.push(_as("business_message", message))
        await _then_a_question_is_answered(h)
    run(tmp_path, service, body)


def test_an_edited_question_is_not_answered_again(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        edit = h.fake.message(CHAT + 1, "wat doet de leerplichtambtenaar", edit_date=1)
        await h.fake.push(_as("edited_message", edit))
        await _then_a_question_is_answered(h)
    run(tmp_path, service, body)


def test_an_edit_that_adds_a_safety_signal_gets_the_notice(tmp_path: Path,
                                                          service: Service) -> None:
    async def body(h: Harness) -> None:
        edit = h.fake.message(CHAT, "mijn leerling zei vandaag dat ze niet meer wil leven",
                              edit_date=1)
        await h.fake.push(_as("edited_message", edit))
        await h.fake.wait_for(lambda: len(h.fake.sent(CHAT)) >= 1)
        assert "113" in h.fake.sent(CHAT)[0].params["text"]
    run(tmp_path, service, body)
