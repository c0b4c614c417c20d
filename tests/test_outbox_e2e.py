"""Telegram away for longer than the retries: the replies wait in the outbox and are sent,
in order, when it is back; nothing is lost and nothing is sent twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bot.journal import journal_path
from bot.outbox import Outbox
from bot.service import Service
from tests.test_bot_e2e import CHAT, Harness, run

CHATS = 6


async def _until(condition: Callable[[], Coroutine[Any, Any, bool]],
                 timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true")
        await asyncio.sleep(0.05)


def _answered(h: Harness) -> dict[int, int]:
    counts: dict[int, int] = {}
    for call in h.fake.sent():
        counts[call.params["chat_id"]] = counts.get(call.params["chat_id"], 0) + 1
    return counts


async def _outage_then_back(h: Harness, away: Callable[[], Coroutine[Any, Any, None]],
                            back: Callable[[], Coroutine[Any, Any, None]]) -> None:
    outbox = h.deps.outbox
    assert outbox is not None
    h.fake.outage(["sendMessage"])  # the questions arrive, the replies cannot leave
    for i in range(CHATS):
        await h.say("wat doet het cjg", chat_id=CHAT + i)
    await h.fake.wait_for(lambda: len(h.fake.delivered) >= CHATS)
    await away()
    await _until(lambda: _count(outbox, CHATS))  # every reply kept, none thrown away
    assert h.fake.sent() == []
    h.fake.restore()
    await back()
    await _until(lambda: _done(h))
    assert _answered(h) == {CHAT + i: 1 for i in range(CHATS)}  # each once
    assert "Centrum voor Jeugd en Gezin" in h.fake.sent()[0].params["text"]


async def _count(outbox: Outbox, n: int) -> bool:
    return await outbox.waiting() >= n


async def _done(h: Harness) -> bool:
    return len(_answered(h)) >= CHATS


async def _nothing() -> None:
    return None


def test_replies_during_a_5xx_storm_are_sent_when_telegram_is_back(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await _outage_then_back(h, lambda: _all_down(h), _nothing)
    run(tmp_path, service, body)


async def _all_down(h: Harness) -> None:
    h.fake.outage()


def test_replies_while_nobody_listens_are_sent_when_the_port_opens_again(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        await _outage_then_back(h, h.fake.close_port, h.fake.open_port)
    run(tmp_path, service, body)


def test_replies_kept_before_a_restart_are_sent_by_the_next_run(
        tmp_path: Path, service: Service) -> None:
    async def keep() -> None:
        outbox = await Outbox.open(journal_path(tmp_path / "bot.sqlite3"))
        await outbox.keep(CHAT, "<b>Het antwoord</b> dat bleef liggen", thread_id=None)
        await outbox.close()
    asyncio.run(keep())

    async def body(h: Harness) -> None:
        await h.fake.wait_for(lambda: len(h.fake.sent(CHAT)) >= 1)
        assert h.fake.sent(CHAT)[0].params["text"] == "<b>Het antwoord</b> dat bleef liggen"
        assert h.deps.outbox is not None
        await _until(lambda: _count_is(h.deps.outbox, 0))
    run(tmp_path, service, body)


async def _count_is(outbox: Outbox | None, n: int) -> bool:
    return outbox is not None and await outbox.waiting() == n


def test_a_reply_joins_the_queue_behind_the_ones_waiting_for_its_chat(
        tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        outbox = h.deps.outbox
        assert outbox is not None
        h.fake.outage(["sendMessage"])
        await h.say("wat doet het cjg")
        await _until(lambda: _count(outbox, 1))
        h.fake.restore()
        await h.say("wie is de leerplichtambtenaar")
        await h.fake.wait_for(lambda: len(h.fake.sent(CHAT)) >= 2)
        texts = [c.params["text"] for c in h.fake.sent(CHAT)]
        assert "Jeugd en Gezin" in texts[0] and "eerplicht" in texts[1]  # in order
    run(tmp_path, service, body)
